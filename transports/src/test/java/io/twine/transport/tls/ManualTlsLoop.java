package io.twine.transport.tls;

import io.twine.reactor.Scheduler;
import io.twine.reactor.spi.BeforeNextSelect;
import io.twine.reactor.spi.ChunkPool;
import io.twine.testing.ManualClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TlsLoop} a test steps by hand: time is a {@link ManualClock}, off-loop work and flushes
 * wait in queues until {@link #runPending()}, and reported errors are kept.
 */
final class ManualTlsLoop implements TlsLoop {

    final ManualClock clock = new ManualClock();
    final ChunkPool pool = new ChunkPool(16 * 1024, 64);
    final List<Throwable> errors = new ArrayList<>();
    private final TlsBuffers buffers = new TlsBuffers();
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    /** Runs off-loop work at once, on this thread, instead of on a worker. */
    int offLoopRuns;

    @Override
    public Scheduler scheduler() {
        return clock;
    }

    @Override
    public void runOffLoop(Runnable work, Runnable thenOnLoop) {
        offLoopRuns++;
        pending.add(() -> {
            work.run();
            thenOnLoop.run();
        });
    }

    @Override
    public void runBeforeNextSelect(BeforeNextSelect work) {
        pending.add(work::runBeforeSelect);
    }

    @Override
    public ChunkPool chunkPool() {
        return pool;
    }

    @Override
    public TlsBuffers buffers() {
        return buffers;
    }

    @Override
    public void reportError(String context, Throwable error) {
        errors.add(error);
    }

    /** Runs queued work and flushes, including what they queue; returns whether anything ran. */
    boolean runPending() {
        boolean ran = false;
        Runnable next;
        while ((next = pending.poll()) != null) {
            next.run();
            ran = true;
        }
        return ran;
    }
}
