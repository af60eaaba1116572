package io.twine.reactor;

import java.time.Duration;

/**
 * A call scheduled with {@link Scheduler#callLater}; the handle to cancel or move it
 * (Twisted's {@code IDelayedCall}).
 *
 * <p>Thread: loop-only, like the scheduler that made it.
 */
public interface DelayedCall {

    /**
     * The time this call is due, on the scheduler's {@link Scheduler#now()} scale.
     *
     * @return the due time in nanoseconds of the scheduler's clock
     */
    long getTime();

    /**
     * True until the call has run or been cancelled.
     *
     * @return false once it has run or was cancelled
     */
    boolean isActive();

    /**
     * Stops the call from running.
     *
     * @throws IllegalStateException if it already ran or was cancelled
     */
    void cancel();

    /**
     * Moves the call to {@code delay} from now. It then runs after every call already due at
     * that same time.
     *
     * @param delay from now; zero means the next turn of the loop
     * @throws IllegalStateException if it already ran or was cancelled
     * @throws IllegalArgumentException if {@code delay} is negative, as {@code callLater} does
     */
    void reset(Duration delay);

    /**
     * Moves the call {@code extra} later than it was due.
     *
     * @param extra added to the current due time; zero leaves it where it is
     * @throws IllegalStateException if it already ran or was cancelled
     * @throws IllegalArgumentException if {@code extra} is negative, as {@code callLater} does
     *     (to run it sooner, {@link #reset} it)
     */
    void delay(Duration extra);
}
