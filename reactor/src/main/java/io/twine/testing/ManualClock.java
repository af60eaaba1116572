package io.twine.testing;

import io.twine.reactor.DelayedCall;
import io.twine.reactor.Scheduler;
import io.twine.reactor.internal.TimerQueue;
import java.time.Duration;
import java.util.List;

/**
 * A {@link Scheduler} whose time moves only when a test calls {@link #advance} (Twisted's
 * {@code task.Clock}). Code written against {@code Scheduler} (timeouts, back-off, repeating
 * calls) is tested with it without sleeping and without a selector.
 *
 * <p>Time starts at 0. Timers follow the reactor's rules: ordered by due time, equal times first
 * in first out. An exception thrown by a timer propagates out of {@code advance}, so a test sees
 * it; the timers after it stay scheduled.
 *
 * <p>Thread: not thread-safe; use it from the test's thread.
 */
public final class ManualClock implements Scheduler {

    private long now;
    private final TimerQueue timers = new TimerQueue(this::now);

    @Override
    public long now() {
        return now;
    }

    @Override
    public DelayedCall callLater(Duration delay, Runnable task) {
        return timers.schedule(delay, task);
    }

    /**
     * Moves time forward by {@code amount} and runs every call that is then due, in order,
     * including calls that those calls schedule within the new time.
     *
     * @param amount how far to move; zero runs what is due now
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    public void advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("time cannot go backwards, got " + amount);
        }
        now += amount.toNanos();
        timers.runAllDue(now, Runnable::run);
    }

    /**
     * Advances by each amount in turn, running the due calls after each step.
     *
     * @param steps the amounts, in order
     */
    public void pump(Duration... steps) {
        for (Duration step : steps) {
            advance(step);
        }
    }

    /**
     * The calls scheduled and not yet run or cancelled, in the order they will run (Twisted's
     * {@code Clock.getDelayedCalls}).
     *
     * @return a new list, earliest first
     */
    public List<DelayedCall> getDelayedCalls() {
        return timers.pending();
    }

    /**
     * How many calls are scheduled and not yet run or cancelled.
     *
     * @return the count of active calls
     */
    public int pendingCalls() {
        return timers.size();
    }

    /**
     * The time of the next call, or null when none is scheduled.
     *
     * @return how long from the clock's now until the next call is due, or null
     */
    public Duration untilNextCall() {
        long due = timers.nextDueTime();
        return due == Long.MAX_VALUE ? null : Duration.ofNanos(due - now);
    }
}
