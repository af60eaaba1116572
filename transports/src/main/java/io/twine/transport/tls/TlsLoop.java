package io.twine.transport.tls;

import io.twine.reactor.EventLoop;
import io.twine.reactor.Scheduler;
import io.twine.reactor.spi.BeforeNextSelect;
import io.twine.reactor.spi.ChunkPool;
import io.twine.reactor.spi.TransportLoop;
import io.twine.reactor.spi.TransportLoops;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What a {@link TlsLayer} needs from its loop: time, a worker for the engine's slow tasks, the
 * one flush before the next select, and buffers. The reactor provides it in production; tests
 * over a fake transport provide one they step by hand.
 *
 * <p>Thread: loop only, except where a method says otherwise.
 */
interface TlsLoop {

    Scheduler scheduler();

    /**
     * Runs {@code work} off the loop (it may block: the engine checks certificates and does key
     * exchange in it), then {@code thenOnLoop} on the loop, whether {@code work} threw or not.
     */
    void runOffLoop(Runnable work, Runnable thenOnLoop);

    /** Has {@code work} run once, just before the loop next selects. */
    void runBeforeNextSelect(BeforeNextSelect work);

    /** The chunks plaintext waits in until it is wrapped. */
    ChunkPool chunkPool();

    /** The buffers every TLS connection of this loop shares. */
    TlsBuffers buffers();

    /** Reports an exception a user callback threw (the connection closes; the loop goes on). */
    void reportError(String context, Throwable error);

    /** The loop of {@code reactor}: one per reactor, so that all its TLS connections share their buffers. */
    static TlsLoop of(EventLoop reactor) {
        synchronized (LOOPS) {
            return LOOPS.computeIfAbsent(reactor, TlsLoop::create);
        }
    }

    /**
     * One per reactor; weak, so that a reactor that is gone takes its buffers with it. A loop
     * must therefore not hold its reactor strongly: a value that reaches its key keeps the entry,
     * and the reactor with its direct buffers, for the life of the JVM.
     */
    Map<EventLoop, TlsLoop> LOOPS = new WeakHashMap<>();

    private static TlsLoop create(EventLoop reactor) {
        // Weak too, for the reason above; the reactor holds both strongly while anyone can use this loop.
        WeakReference<EventLoop> weakReactor = new WeakReference<>(reactor);
        WeakReference<TransportLoop> weakLoop = new WeakReference<>(TransportLoops.of(reactor));
        TlsBuffers buffers = new TlsBuffers();
        return new TlsLoop() {
            @Override
            public Scheduler scheduler() {
                return reactor();
            }

            @Override
            public void runOffLoop(Runnable work, Runnable thenOnLoop) {
                reactor().deferToThread(() -> {
                    work.run();
                    return null;
                }).whenComplete((ignored, error) -> thenOnLoop.run());
            }

            @Override
            public void runBeforeNextSelect(BeforeNextSelect work) {
                loop().runBeforeNextSelect(work);
            }

            @Override
            public ChunkPool chunkPool() {
                return loop().chunkPool();
            }

            @Override
            public TlsBuffers buffers() {
                return buffers;
            }

            @Override
            public void reportError(String context, Throwable error) {
                reactor().reportError(context, error);
            }

            private EventLoop reactor() {
                return alive(weakReactor.get());
            }

            private TransportLoop loop() {
                return alive(weakLoop.get());
            }
        };
    }

    /** Only a caller that holds no reactor could find it gone, and such a caller has no TLS connection to serve. */
    private static <T> T alive(T referent) {
        if (referent == null) {
            throw new IllegalStateException("the reactor of this TLS loop has been garbage collected");
        }
        return referent;
    }
}
