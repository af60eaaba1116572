package io.twine.protocol.blocking;

import io.twine.protocol.Transport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The handler's {@link OutputStream}: a small bounded buffer that the handler's thread fills and
 * the loop thread empties into the transport.
 *
 * <p>A write copies as much as fits, asks the loop for one drain (through {@code requestDrain},
 * run with {@code callFromThread}, at most once until the loop has drained), and blocks while the
 * buffer is full. The loop decides how much to move into the transport (see
 * {@code ThreadedConnection}), so a slow peer stops the handler here, with at most this buffer's
 * capacity held on the handler's side.
 */
final class OutboundStream extends OutputStream {

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when room appears, when the buffer empties, and when the stream fails. */
    private final Condition drained = lock.newCondition();
    private final ByteRing buffer;
    private final Runnable requestDrain;

    // All guarded by lock.
    private boolean drainRequested;
    private boolean closed;
    /** The handler closed this stream: half-close once it is drained. */
    private boolean shutdownRequested;
    private String failure;
    private int peakSize;
    private int waits;

    /**
     * @param capacity the most bytes held before a write blocks
     * @param requestDrain run by the handler's thread when the loop should drain; it must hand the
     *     work to the loop thread (it is called outside the lock)
     */
    OutboundStream(int capacity, Runnable requestDrain) {
        this.buffer = new ByteRing(capacity);
        this.requestDrain = Objects.requireNonNull(requestDrain, "requestDrain");
    }

    // ------------------------------------------------------------------ handler thread

    @Override
    public void write(byte[] b, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, b.length);
        while (length > 0) {
            boolean request;
            lock.lock();
            try {
                awaitRoom();
                int n = Math.min(length, buffer.free());
                buffer.put(b, offset, n);
                offset += n;
                length -= n;
                request = bufferedMore();
            } finally {
                lock.unlock();
            }
            if (request) {
                requestDrain.run();
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        boolean request;
        lock.lock();
        try {
            awaitRoom();
            buffer.put(b);
            request = bufferedMore();
        } finally {
            lock.unlock();
        }
        if (request) {
            requestDrain.run();
        }
    }

    /** Blocks until everything written so far has been handed to the transport. */
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            while (true) {
                ensureUsable();
                if (buffer.isEmpty()) {
                    return;
                }
                await("waiting for the connection to take the bytes written");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops further writes; the loop sends what is buffered and then half-closes. Idempotent;
     * does not block.
     */
    @Override
    public void close() {
        boolean request;
        lock.lock();
        try {
            if (closed || failure != null) {
                return;
            }
            closed = true;
            shutdownRequested = true;
            request = !drainRequested;
            drainRequested = true;
        } finally {
            lock.unlock();
        }
        if (request) {
            requestDrain.run();
        }
    }

    /**
     * Stops further writes without asking for a half-close: the connection is ending as a whole,
     * and its own close sends what is buffered. Thread: any.
     */
    void closeQuietly() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private void awaitRoom() throws IOException {
        while (true) {
            ensureUsable();
            if (buffer.free() > 0) {
                return;
            }
            waits++;
            await("waiting for the peer to read");
        }
    }

    private void ensureUsable() throws IOException {
        if (failure != null) {
            throw new IOException(failure);
        }
        if (closed) {
            throw new IOException("the connection's output stream is closed");
        }
    }

    private void await(String what) throws InterruptedIOException {
        try {
            drained.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + what);
        }
    }

    /** Records the new size; true when the loop must be asked to drain. Called with the lock held. */
    private boolean bufferedMore() {
        peakSize = Math.max(peakSize, buffer.size());
        if (drainRequested) {
            return false;
        }
        drainRequested = true;
        return true;
    }

    // ------------------------------------------------------------------ loop thread

    /**
     * Writes up to {@code max} buffered bytes to {@code transport} (which copies them) and wakes a
     * writer waiting for room; returns how many. Clears the pending drain request, so the next
     * write asks again.
     *
     * <p>Thread: the loop.
     */
    int drainTo(Transport transport, long max) {
        lock.lock();
        try {
            drainRequested = false;
            int n = buffer.drainTo(transport, (int) Math.min(max, Integer.MAX_VALUE));
            if (n > 0) {
                drained.signalAll();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** True when nothing is buffered. Thread: any. */
    boolean isEmpty() {
        lock.lock();
        try {
            return buffer.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** True once the handler closed this stream, asking for a half-close. Thread: any. */
    boolean shutdownRequested() {
        lock.lock();
        try {
            return shutdownRequested;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection is gone or closing: drop what is buffered; writes and flushes throw with
     * {@code message} from now on. Thread: any.
     */
    void fail(String message) {
        lock.lock();
        try {
            if (failure == null) {
                failure = message;
            }
            buffer.release();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ observation

    /** The most bytes ever buffered at once. Any thread. */
    int peakSize() {
        lock.lock();
        try {
            return peakSize;
        } finally {
            lock.unlock();
        }
    }

    /** How many times a write had to wait for room. Any thread. */
    int waits() {
        lock.lock();
        try {
            return waits;
        } finally {
            lock.unlock();
        }
    }
}
