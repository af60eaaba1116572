package io.twine.testing;

import io.twine.reactor.Reactor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Reactor} running on a thread of its own, for tests and for programs that embed a
 * reactor beside their own threads. {@link #call} runs code on the loop and waits for its result;
 * {@link #close()} stops the reactor and waits for its thread to end.
 *
 * <p>Thread-safe, except that {@link #call} must not be used from the loop thread itself.
 */
public final class ReactorThread implements AutoCloseable {

    /** How long {@link #call} and {@link #close} wait before giving up. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Reactor reactor;
    private final Thread thread;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    private ReactorThread(Reactor reactor, String name) {
        this.reactor = reactor;
        this.thread = new Thread(() -> {
            try {
                reactor.run();
                finished.complete(null);
            } catch (Throwable e) {
                finished.completeExceptionally(e);
            }
        }, name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts a new reactor on a daemon thread and returns once its loop runs.
     *
     * @return the started reactor's handle; {@code close()} stops it and waits
     */
    public static ReactorThread start() {
        return start(new Reactor());
    }

    /**
     * Starts {@code reactor} (set up but not yet run) on a daemon thread; returns once it runs.
     *
     * @param reactor a reactor not yet running
     * @return its handle; {@code close()} stops it and waits
     */
    public static ReactorThread start(Reactor reactor) {
        ReactorThread running = new ReactorThread(reactor, "twine-reactor");
        CountDownLatch started = new CountDownLatch(1);
        reactor.callWhenRunning(started::countDown);
        running.thread.start();
        try {
            if (!started.await(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the reactor did not start within " + DEFAULT_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the reactor", e);
        }
        return running;
    }

    /**
     * {@return the reactor, running on {@link #thread()}: use it through {@link #call} or {@link
     * #run}}
     */
    public Reactor reactor() {
        return reactor;
    }

    /**
     * The thread that runs the loop.
     *
     * @return the loop's thread, a daemon
     */
    public Thread thread() {
        return thread;
    }

    /**
     * Runs {@code work} on the loop thread and returns what it returns, waiting at most
     * {@link #DEFAULT_TIMEOUT}. What it throws is rethrown here (checked exceptions wrapped).
     *
     * @param <T> the work's result type
     * @param work runs on the loop thread
     * @return what {@code work} returned
     */
    public <T> T call(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return await(result);
    }

    /**
     * Runs {@code work} on the loop thread and waits for it to finish.
     *
     * @param work runs on the loop thread
     */
    public void run(ThrowingRunnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Waits at most {@link #DEFAULT_TIMEOUT} for {@code future}, rethrowing what it failed with.
     *
     * @param <T> the future's result type
     * @param future completed by the loop, or by any thread
     * @return the future's result
     */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no result within " + DEFAULT_TIMEOUT, e);
        }
    }

    /** Stops the reactor and waits for {@code run()} to return. */
    @Override
    public void close() {
        reactor.stop();
        await(finished);
    }

    /** A {@link Runnable} that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        /**
         * Runs the work; what it throws is rethrown to the test.
         *
         * @throws Exception anything; checked exceptions are wrapped when rethrown
         */
        void run() throws Exception;
    }
}
