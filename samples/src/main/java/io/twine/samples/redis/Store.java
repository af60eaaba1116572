package io.twine.samples.redis;

import io.twine.reactor.DelayedCall;
import io.twine.reactor.Scheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The keyspace: every key with its value, and the deadlines of the keys that expire, in two maps
 * as in Redis ({@code db->dict} and {@code db->expires}). Keys are strings of one character per
 * byte (Latin-1), so any bytes a client sends make a key and come back unchanged. A value is a
 * {@code byte[]} (a string), an {@code ArrayDeque<byte[]>} (a list), a {@code Set<String>} or a
 * {@code Map<String, byte[]>} (a hash); the commands check which.
 *
 * <p><b>Expiry</b> happens two ways, like Redis's. Each deadline has a reactor timer that removes
 * the key once it has passed, so memory comes back even for keys nobody asks for again (active
 * expiry). And every lookup checks the deadline first, so a key is never seen after it, even in
 * the moment between the deadline and the timer's turn (lazy expiry: timers run after a loop
 * turn's I/O). Changing or removing a key cancels its timer, so timers never pile up.
 *
 * <p><b>Time</b> is Redis's: milliseconds since the Unix epoch. It is read from the
 * {@link Scheduler}'s monotonic clock plus the epoch time when the store was made, so a test
 * drives it with a manual clock, and a wall-clock step never expires keys early.
 *
 * <p>Thread: loop only, like the scheduler.
 */
final class Store {

    /** What {@link #deadline} returns for a key that does not expire. */
    static final long NO_DEADLINE = -1;
    /**
     * The longest a timer is set for. A deadline farther off (EXPIRE accepts centuries) gets a
     * timer this long that sets the next when it runs; lookups expire the key on time anyway.
     */
    private static final long LONGEST_TIMER_MILLIS = Duration.ofDays(30).toMillis();

    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, Deadline> deadlines = new HashMap<>();
    private final Scheduler scheduler;
    private final long epochMillisAtStart;
    private final long nanosAtStart;

    /** A deadline and the timer that enforces it. */
    private static final class Deadline {
        final long atMillis;
        DelayedCall timer;

        Deadline(long atMillis) {
            this.atMillis = atMillis;
        }
    }

    /**
     * @param scheduler the clock and timers (the reactor, or a manual clock in tests)
     * @param epochMillisNow the Unix time in milliseconds now, e.g. {@code System.currentTimeMillis()}
     */
    Store(Scheduler scheduler, long epochMillisNow) {
        this.scheduler = scheduler;
        this.epochMillisAtStart = epochMillisNow;
        this.nanosAtStart = scheduler.now();
    }

    /** The time now, in milliseconds since the Unix epoch. */
    long nowMillis() {
        return epochMillisAtStart + (scheduler.now() - nanosAtStart) / 1_000_000;
    }

    /** The value of {@code key}, or null if it has none (or its deadline has passed). */
    Object get(String key) {
        if (!deadlines.isEmpty()) {
            expireIfDue(key);
        }
        return values.get(key);
    }

    /** True if {@code key} has a value. */
    boolean contains(String key) {
        return get(key) != null;
    }

    /** Gives {@code key} a new value and no deadline, as {@code SET} does. */
    void set(String key, Object value) {
        values.put(key, value);
        clearDeadline(key);
    }

    /** Gives {@code key}, which has a value, a new one and keeps its deadline, as {@code INCR} does. */
    void replace(String key, Object value) {
        values.put(key, value);
    }

    /** Removes {@code key}; true if it had a value. */
    boolean remove(String key) {
        boolean had = get(key) != null;
        values.remove(key);
        clearDeadline(key);
        return had;
    }

    /** When {@code key} expires, in epoch milliseconds, or {@link #NO_DEADLINE}. */
    long deadline(String key) {
        Deadline deadline = deadlines.get(key);
        return deadline == null ? NO_DEADLINE : deadline.atMillis;
    }

    /**
     * Makes {@code key}, which has a value, expire at {@code atMillis}; a time not after now removes
     * it at once, as Redis's {@code EXPIRE} with a past time does.
     */
    void expireAt(String key, long atMillis) {
        if (atMillis <= nowMillis()) {
            remove(key);
            return;
        }
        clearDeadline(key);
        Deadline deadline = new Deadline(atMillis);
        deadlines.put(key, deadline);
        startTimer(key, deadline);
    }

    /** How many keys have a value (some may be past their deadline and not yet removed). */
    int size() {
        return values.size();
    }

    private void startTimer(String key, Deadline deadline) {
        // +1: a key expires once the time is after its deadline, as in Redis.
        long delay = Math.min(deadline.atMillis - nowMillis() + 1, LONGEST_TIMER_MILLIS);
        deadline.timer = scheduler.callLater(Duration.ofMillis(delay), () -> timerFired(key, deadline));
    }

    private void timerFired(String key, Deadline deadline) {
        if (deadlines.get(key) != deadline) {
            return;
        }
        if (nowMillis() > deadline.atMillis) {
            values.remove(key);
            deadlines.remove(key);
        } else {
            startTimer(key, deadline);
        }
    }

    private void expireIfDue(String key) {
        Deadline deadline = deadlines.get(key);
        if (deadline != null && nowMillis() > deadline.atMillis) {
            clearDeadline(key);
            values.remove(key);
        }
    }

    private void clearDeadline(String key) {
        Deadline deadline = deadlines.remove(key);
        if (deadline != null && deadline.timer.isActive()) {
            deadline.timer.cancel();
        }
    }
}
