package io.twine.samples.support;

import io.twine.reactor.Reactor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Lines from an input stream (standard input, or a stream a test gives), read as UTF-8 on a
 * daemon thread of their own and handed to the loop with {@link Reactor#callFromThread}: a
 * {@code System.in} cannot be registered with a selector.
 *
 * <p>The reader thread reads a line only when the loop has asked for one, so it never reads
 * ahead of the conversation. It is a daemon because a read from a terminal cannot be interrupted:
 * when the conversation ends while it waits for a line, the program may exit without it.
 *
 * <p>Thread: {@link #requestLine} and {@link #close} on the loop thread; the listener is called
 * on the loop thread.
 */
public final class StdinLineSource implements LineSource {

    private final BufferedReader reader;
    private final Reactor reactor;
    private final boolean terminal;
    private final LinkedBlockingQueue<Listener> requests = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param in the lines, in UTF-8; read only by this source's thread
     * @param terminal whether a person types them at a terminal (see {@link #isTerminal()})
     */
    public StdinLineSource(InputStream in, Reactor reactor, boolean terminal) {
        this.reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(in, "in"), StandardCharsets.UTF_8));
        this.reactor = Objects.requireNonNull(reactor, "reactor");
        this.terminal = terminal;
        this.thread = new Thread(this::readLines, "twine-stdin-reader");
        this.thread.setDaemon(true);
    }

    @Override
    public void requestLine(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (thread.getState() == Thread.State.NEW) {
            thread.start();
        }
        requests.add(listener);
    }

    @Override
    public boolean isTerminal() {
        return terminal;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    private void readLines() {
        try {
            while (!closed) {
                Listener listener = requests.take();
                String line;
                try {
                    line = reader.readLine();
                } catch (IOException e) {
                    line = null;
                }
                deliver(listener, line);
                if (line == null) {
                    break;
                }
            }
            // After the end, any further request is answered at once.
            while (!closed) {
                deliver(requests.take(), null);
            }
        } catch (InterruptedException e) {
            // close(): nothing more to read for anyone.
        }
    }

    private void deliver(Listener listener, String line) {
        reactor.callFromThread(() -> {
            if (closed) {
                return;
            }
            if (line == null) {
                listener.inputEnded();
            } else {
                listener.lineRead(line);
            }
        });
    }
}
