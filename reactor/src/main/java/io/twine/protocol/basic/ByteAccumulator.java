package io.twine.protocol.basic;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of one unfinished message, kept between reads: a byte array that grows by doubling as
 * a message needs it and is then reused for every later message. The receivers check their
 * limits before appending, so it never grows past the largest message they accept.
 *
 * <p>Thread: owned by one protocol, so by the loop thread.
 */
final class ByteAccumulator {

    private static final int INITIAL_CAPACITY = 256;

    private byte[] bytes = new byte[INITIAL_CAPACITY];
    /** A buffer over {@link #bytes}, handed to callbacks; rebuilt only when the array grows. */
    private ByteBuffer view = ByteBuffer.wrap(bytes);
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    byte get(int index) {
        return bytes[index];
    }

    /** Copies the next {@code length} bytes of {@code source} and advances its position past them. */
    void append(ByteBuffer source, int length) {
        ensureCapacity(size + length);
        source.get(bytes, size, length);
        size += length;
    }

    /** Keeps only the last {@code count} bytes (or all, if fewer are held). */
    void keepLast(int count) {
        if (size > count) {
            System.arraycopy(bytes, size - count, bytes, 0, count);
            size = count;
        }
    }

    void clear() {
        size = 0;
    }

    /**
     * The first {@code length} bytes as a buffer whose position is 0 and limit is {@code length}.
     * The same buffer object is returned every time, so it is valid only until the next change.
     */
    ByteBuffer view(int length) {
        view.limit(length).position(0);
        return view;
    }

    private void ensureCapacity(int needed) {
        if (needed > bytes.length) {
            int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * bytes.length));
            bytes = Arrays.copyOf(bytes, grown);
            view = ByteBuffer.wrap(bytes);
        }
    }
}
