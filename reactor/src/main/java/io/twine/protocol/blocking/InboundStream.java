package io.twine.protocol.blocking;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The handler's {@link InputStream}: a bounded queue that the loop thread fills from
 * {@code dataReceived} and the handler's thread drains.
 *
 * <p>Flow control: once the queue holds {@code limit} bytes, {@link #append} tells the caller to
 * pause reading from the socket; when the handler has read the queue down to half the limit, the
 * stream asks the loop (through {@code resumeReading}, run with {@code callFromThread}) to read
 * again. So the queue never holds more than {@code limit} plus the one read that crossed it.
 *
 * <p>Both decisions are made under the queue's lock, together with the bytes that justify them,
 * so a pause and the resume that undoes it can never be lost between the two threads.
 */
final class InboundStream extends InputStream {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ByteRing queue;
    private final int limit;
    private final int resumeAt;
    private final Runnable resumeReading;

    // All guarded by lock.
    private boolean readingPaused;
    private boolean endOfStream;
    private String failure;
    private boolean closedByHandler;
    private int peakSize;
    private int pauses;

    /**
     * @param limit queued bytes at which reading pauses
     * @param largestAppend the most bytes one {@link #append} may bring (one read of the loop)
     * @param resumeReading run by the handler's thread when reading should resume; it must hand
     *     the work to the loop thread (it is called outside the lock)
     */
    InboundStream(int limit, int largestAppend, Runnable resumeReading) {
        this.queue = new ByteRing(limit + largestAppend);
        this.limit = limit;
        this.resumeAt = limit / 2;
        this.resumeReading = Objects.requireNonNull(resumeReading, "resumeReading");
    }

    // ------------------------------------------------------------------ loop thread

    /**
     * Copies all of {@code data} (the loop's read buffer, valid only for this call) into the
     * queue. Returns true when the caller must pause reading now. Data arriving after the handler
     * closed the stream is dropped.
     *
     * <p>Thread: the loop.
     *
     * @throws IllegalStateException if the data does not fit: a transport went on delivering
     *     after it was paused, or delivered more than one read at once
     */
    boolean append(ByteBuffer data) {
        lock.lock();
        try {
            if (closedByHandler || failure != null) {
                data.position(data.limit());
                return false;
            }
            if (data.remaining() > queue.free()) {
                throw new IllegalStateException("inbound queue overflow: " + data.remaining()
                        + " bytes arrived with " + queue.size() + " of at most " + queue.capacity()
                        + " already queued; the transport delivered data after pauseProducing");
            }
            queue.put(data);
            peakSize = Math.max(peakSize, queue.size());
            readable.signal();
            if (!readingPaused && queue.size() >= limit) {
                readingPaused = true;
                pauses++;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The peer has finished sending: reads return what is queued, then -1. Thread: the loop. */
    void endOfStream() {
        lock.lock();
        try {
            endOfStream = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection is gone: reads return what is queued, then throw with {@code message}
     * (or return -1 if the peer had already finished sending). Thread: the loop.
     */
    void connectionLost(String message) {
        lock.lock();
        try {
            if (!endOfStream && failure == null) {
                failure = message;
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ handler thread

    /** Blocks until at least one byte is queued, then copies what is there, up to {@code length}. */
    @Override
    public int read(byte[] b, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, b.length);
        if (length == 0) {
            return 0;
        }
        boolean resume;
        int n;
        lock.lock();
        try {
            if (!awaitReadable()) {
                return -1;
            }
            n = queue.take(b, offset, length);
            resume = resumeIfDrained();
        } finally {
            lock.unlock();
        }
        if (resume) {
            resumeReading.run();
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        boolean resume;
        int b;
        lock.lock();
        try {
            if (!awaitReadable()) {
                return -1;
            }
            b = queue.take();
            resume = resumeIfDrained();
        } finally {
            lock.unlock();
        }
        if (resume) {
            resumeReading.run();
        }
        return b;
    }

    /** Bytes that can be read without blocking. */
    @Override
    public int available() throws IOException {
        lock.lock();
        try {
            if (closedByHandler) {
                throw new IOException("the connection's input stream is closed");
            }
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is queued and what arrives later; reads throw from now on. */
    @Override
    public void close() {
        boolean resume;
        lock.lock();
        try {
            closedByHandler = true;
            queue.release();
            // Let the loop read (and drop) again, so a peer still sending is not stalled forever.
            resume = readingPaused;
            readingPaused = false;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        if (resume) {
            resumeReading.run();
        }
    }

    /** Waits for a byte; false at end of stream. Called with the lock held. */
    private boolean awaitReadable() throws IOException {
        while (true) {
            if (closedByHandler) {
                throw new IOException("the connection's input stream is closed");
            }
            if (!queue.isEmpty()) {
                return true;
            }
            if (failure != null) {
                throw new IOException(failure);
            }
            if (endOfStream) {
                return false;
            }
            try {
                readable.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the peer to send");
            }
        }
    }

    /** True (once) when the queue has drained enough for reading to resume. Called with the lock held. */
    private boolean resumeIfDrained() {
        if (readingPaused && queue.size() <= resumeAt) {
            readingPaused = false;
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ observation

    /** The most bytes ever queued at once. Any thread. */
    int peakSize() {
        lock.lock();
        try {
            return peakSize;
        } finally {
            lock.unlock();
        }
    }

    /** How many times reading was paused because the queue was full. Any thread. */
    int pauses() {
        lock.lock();
        try {
            return pauses;
        } finally {
            lock.unlock();
        }
    }
}
