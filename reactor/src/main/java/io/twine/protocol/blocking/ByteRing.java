package io.twine.protocol.blocking;

import io.twine.protocol.Transport;
import java.nio.ByteBuffer;

/**
 * A circular byte buffer with a hard capacity, the storage behind both streams of a
 * {@link BlockingConnection}. It starts small and doubles as needed, never past its capacity, so a
 * connection that only ever sees one short line keeps a few KiB rather than the full limit.
 *
 * <p>Not thread-safe: each stream guards its ring with its own lock.
 */
final class ByteRing {

    private static final byte[] EMPTY = new byte[0];
    private static final int INITIAL_SIZE = 4096;

    private final int capacity;
    private byte[] data = EMPTY;
    /** Index of the oldest byte. */
    private int head;
    private int size;

    /** @param capacity the most bytes this ring will ever hold; positive */
    ByteRing(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("ring capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** Bytes that may still be put before the ring is full. */
    int free() {
        return capacity - size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Appends all of {@code src[offset, offset + length)}; the caller made sure it fits. */
    void put(byte[] src, int offset, int length) {
        if (length == 0) {
            return;
        }
        ensureRoom(length);
        int tail = (head + size) % data.length;
        int first = Math.min(length, data.length - tail);
        System.arraycopy(src, offset, data, tail, first);
        System.arraycopy(src, offset + first, data, 0, length - first);
        size += length;
    }

    /** Appends one byte; the caller made sure it fits. */
    void put(int b) {
        ensureRoom(1);
        data[(head + size) % data.length] = (byte) b;
        size++;
    }

    /** Appends everything between {@code src}'s position and limit, moving its position to its limit. */
    void put(ByteBuffer src) {
        int length = src.remaining();
        if (length == 0) {
            return;
        }
        ensureRoom(length);
        int tail = (head + size) % data.length;
        int first = Math.min(length, data.length - tail);
        src.get(data, tail, first);
        src.get(data, 0, length - first);
        size += length;
    }

    /** Moves up to {@code length} of the oldest bytes into {@code dst}; returns how many. */
    int take(byte[] dst, int offset, int length) {
        int n = Math.min(length, size);
        int first = Math.min(n, data.length - head);
        System.arraycopy(data, head, dst, offset, first);
        System.arraycopy(data, 0, dst, offset + first, n - first);
        consumed(n);
        return n;
    }

    /** Removes and returns the oldest byte (0..255); the caller made sure there is one. */
    int take() {
        int b = data[head] & 0xff;
        consumed(1);
        return b;
    }

    /**
     * Writes up to {@code max} of the oldest bytes to {@code transport} (which copies them, in at
     * most two writes since the ring may wrap) and removes them; returns how many.
     */
    int drainTo(Transport transport, int max) {
        int n = Math.min(max, size);
        int first = Math.min(n, data.length - head);
        if (first > 0) {
            transport.write(data, head, first);
        }
        if (n > first) {
            transport.write(data, 0, n - first);
        }
        consumed(n);
        return n;
    }

    /** Forgets every byte and gives the storage back to the garbage collector. */
    void release() {
        data = EMPTY;
        head = 0;
        size = 0;
    }

    private void consumed(int n) {
        size -= n;
        // An empty ring restarts at 0 so that the next put is one contiguous copy.
        head = size == 0 ? 0 : (head + n) % data.length;
    }

    private void ensureRoom(int length) {
        if (length > capacity - size) {
            throw new IllegalStateException("ring overflow: " + length + " bytes do not fit in "
                    + (capacity - size) + " free of " + capacity);
        }
        int needed = size + length;
        if (needed <= data.length) {
            return;
        }
        int grown = Math.max(INITIAL_SIZE, data.length);
        while (grown < needed) {
            grown = grown > capacity / 2 ? capacity : grown * 2;
        }
        grown = Math.min(grown, capacity);
        byte[] bigger = new byte[grown];
        int first = Math.min(size, data.length - head);
        System.arraycopy(data, head, bigger, 0, first);
        System.arraycopy(data, 0, bigger, first, size - first);
        data = bigger;
        head = 0;
    }
}
