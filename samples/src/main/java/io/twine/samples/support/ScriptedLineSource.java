package io.twine.samples.support;

import io.twine.reactor.DelayedCall;
import io.twine.reactor.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Lines given in advance, each delivered a fixed pause after it is asked for, as if typed: the
 * demo's scripted conversations, and tests that drive a client in-process. After the last line
 * the input ends.
 *
 * <p>Thread: loop only (or the thread driving a {@code ManualClock}).
 */
public final class ScriptedLineSource implements LineSource {

    private final Scheduler scheduler;
    private final Deque<String> lines;
    private final Duration pause;
    private DelayedCall pending;
    private boolean closed;

    /** Delivers {@code lines} in order, each {@code pause} after it is asked for. */
    public ScriptedLineSource(Scheduler scheduler, List<String> lines, Duration pause) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.lines = new ArrayDeque<>(lines);
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    @Override
    public void requestLine(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (pending != null && pending.isActive()) {
            throw new IllegalStateException("a line was already asked for and has not been delivered");
        }
        pending = scheduler.callLater(pause, () -> {
            if (closed) {
                return;
            }
            String line = lines.poll();
            if (line == null) {
                listener.inputEnded();
            } else {
                listener.lineRead(line);
            }
        });
    }

    /** False: nobody sees these lines typed, so a sample prints them after its prompt. */
    @Override
    public boolean isTerminal() {
        return false;
    }

    @Override
    public void close() {
        closed = true;
        if (pending != null && pending.isActive()) {
            pending.cancel();
        }
    }
}
