package io.twine.reactor;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The one small interface that time-driven code depends on: what time it is, and "run this
 * later". The {@link Reactor} implements it with a monotonic clock; {@code
 * io.twine.testing.ManualClock} implements it for tests, where time only moves when the test
 * says so (Twisted's {@code task.Clock}).
 *
 * <p>Code that takes a {@code Scheduler} rather than a {@code Reactor} (idle timeouts, back-off,
 * repeating calls) can be tested without sleeping and without a selector.
 *
 * <p>Thread: both methods are loop-only; from another thread use
 * {@link Reactor#callFromThread(Runnable)}.
 */
public interface Scheduler extends Clock {

    /**
     * The current time in nanoseconds on this scheduler's monotonic scale. Only differences
     * between two values are meaningful; the origin is arbitrary.
     */
    @Override
    long now();

    /**
     * Runs {@code task} once, on the loop thread, no sooner than {@code delay} from now. Calls due
     * at the same time run in the order they were scheduled, so {@code callLater(ZERO, ...)} is
     * first in, first out.
     *
     * @param delay zero or positive
     * @param task runs on the loop thread; what it throws is reported, the loop goes on
     * @return a handle to cancel, reset or delay the call, on the loop thread
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    DelayedCall callLater(Duration delay, Runnable task);

    /**
     * Runs {@code work} on the loop after {@code delay} and completes the returned future with
     * what it returns or throws (Twisted's {@code task.deferLater}). Cancelling the future before
     * then cancels the call; do it on the loop thread, like every scheduler call.
     *
     * @param <T> the work's result type
     * @param delay zero or positive
     * @param work runs on the loop thread; it must not block
     * @return completed on the loop thread with what {@code work} returns or throws
     */
    default <T> CompletableFuture<T> deferLater(Duration delay, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        DelayedCall call = callLater(delay, () -> {
            try {
                result.complete(work.call());
            } catch (Throwable error) {
                result.completeExceptionally(error);
            }
        });
        result.whenComplete((value, error) -> {
            if (result.isCancelled() && call.isActive()) {
                call.cancel();
            }
        });
        return result;
    }
}
