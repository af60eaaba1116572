package io.twine.transport.endpoints;

import io.twine.reactor.EventLoop;
import io.twine.reactor.spi.Failures;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** Runs a piece of setup on the loop thread and hands its result over in a future completed there. */
final class OnLoop {

    private OnLoop() {}

    static <T> CompletableFuture<T> call(EventLoop reactor, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                result.complete(work.call());
            } catch (Throwable error) {
                Failures.rethrowIfFatal(error);
                result.completeExceptionally(error);
            }
        };
        if (reactor.isInLoopThread()) {
            task.run();
        } else {
            reactor.callFromThread(task);
        }
        return result;
    }
}
