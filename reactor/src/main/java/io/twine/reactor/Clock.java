package io.twine.reactor;

/**
 * Where a reactor reads the time: monotonic nanoseconds, of which only differences mean
 * anything. {@link #SYSTEM} is {@link System#nanoTime()}; {@code io.twine.testing.ManualClock}
 * is a clock that moves only when a test says so, and can be given to
 * {@link Reactor#Reactor(Clock)}.
 *
 * <p>Thread: read on the loop thread only.
 */
@FunctionalInterface
public interface Clock {

    /** The system's monotonic clock, {@link System#nanoTime()}. */
    Clock SYSTEM = System::nanoTime;

    /**
     * The current time in nanoseconds on this clock's monotonic scale; the origin is arbitrary.
     *
     * @return nanoseconds, only meaningful as a difference from another reading of the same clock
     */
    long now();
}
