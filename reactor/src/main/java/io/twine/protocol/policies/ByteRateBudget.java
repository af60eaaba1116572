package io.twine.protocol.policies;

import io.twine.reactor.DelayedCall;
import io.twine.reactor.Scheduler;
import java.time.Duration;

/**
 * A budget of bytes per second (a token bucket holding at most one second's worth): bytes are
 * spent as they pass, and the budget earns them back with time. When spending takes it below
 * zero it is <em>exhausted</em>: {@code onExhausted} runs once, and a timer runs
 * {@code onRefilled} once it is back at zero, so the average rate stays at the limit even when
 * one read overshoots it.
 *
 * <p>Thread: loop only, like the scheduler.
 */
final class ByteRateBudget {

    private static final double NANOS_PER_SECOND = 1e9;

    private final Scheduler scheduler;
    private final long bytesPerSecond;
    private final Runnable onExhausted;
    private final Runnable onRefilled;
    private final Runnable refillCheck = this::refillCheck;
    private double available;
    private long lastRefill;
    private DelayedCall refill;

    ByteRateBudget(Scheduler scheduler, long bytesPerSecond, Runnable onExhausted, Runnable onRefilled) {
        this.scheduler = scheduler;
        this.bytesPerSecond = bytesPerSecond;
        this.onExhausted = onExhausted;
        this.onRefilled = onRefilled;
        this.available = bytesPerSecond;
        this.lastRefill = scheduler.now();
    }

    /** Spends {@code bytes}; runs {@code onExhausted} if that takes the budget below zero. */
    void spend(long bytes) {
        earn();
        available -= bytes;
        if (available < 0 && refill == null) {
            scheduleRefill();
            onExhausted.run();
        }
    }

    /** True from the spending that took the budget below zero until it is back at zero. */
    boolean isExhausted() {
        return refill != null;
    }

    /** Stops the refill timer; the budget is of no more use. */
    void cancel() {
        if (refill != null) {
            refill.cancel();
            refill = null;
        }
    }

    private void earn() {
        long now = scheduler.now();
        available = Math.min(bytesPerSecond, available + (now - lastRefill) * bytesPerSecond / NANOS_PER_SECOND);
        lastRefill = now;
    }

    private void scheduleRefill() {
        long nanos = (long) Math.ceil(-available * NANOS_PER_SECOND / bytesPerSecond);
        refill = scheduler.callLater(Duration.ofNanos(Math.max(1, nanos)), refillCheck);
    }

    private void refillCheck() {
        earn();
        if (available <= -1) {  // a whole byte short still; less is the rounding of doubles
            scheduleRefill();
        } else {
            refill = null;
            onRefilled.run();
        }
    }
}
