package io.twine.testing.sim;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Bytes in order, appended at the back and taken from the front: a stream's unsent or unread bytes. */
final class ByteQueue {

    private byte[] bytes = new byte[64];
    private int head;
    private int tail;

    int size() {
        return tail - head;
    }

    boolean isEmpty() {
        return head == tail;
    }

    void append(byte[] data, int offset, int length) {
        room(length);
        System.arraycopy(data, offset, bytes, tail, length);
        tail += length;
    }

    void append(ByteBuffer data) {
        int length = data.remaining();
        room(length);
        data.get(bytes, tail, length);
        tail += length;
    }

    /** Removes the first {@code n} bytes and returns them. */
    byte[] take(int n) {
        byte[] taken = Arrays.copyOfRange(bytes, head, head + n);
        head += n;
        if (head == tail) {
            head = 0;
            tail = 0;
        }
        return taken;
    }

    void clear() {
        head = 0;
        tail = 0;
    }

    private void room(int length) {
        if (bytes.length - tail >= length) {
            return;
        }
        int size = size();
        byte[] target = size + length <= bytes.length / 2 ? bytes : new byte[Math.max(bytes.length * 2, size + length)];
        System.arraycopy(bytes, head, target, 0, size);
        bytes = target;
        head = 0;
        tail = size;
    }
}
