package io.twine.transport.udp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Datagrams waiting for room in a full kernel send buffer: copies, oldest first, at most
 * {@code max} of them.
 *
 * <p>A ring of slots whose buffers are kept and reused, so a port that keeps hitting a full
 * buffer with ordinary datagrams stops allocating. Buffers larger than {@link #RETAINED_BYTES}
 * are let go once sent, so one burst of large datagrams does not pin their memory.
 *
 * <p>Thread: loop only.
 */
final class SendQueue {

    /** Slot buffers up to this size are reused; larger ones are allocated per datagram. */
    static final int RETAINED_BYTES = 2048;

    private final int max;
    private ByteBuffer[] payloads = new ByteBuffer[0];
    private InetSocketAddress[] targets = new InetSocketAddress[0];
    private int head;
    private int count;

    SendQueue(int max) {
        this.max = max;
    }

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /**
     * Copies the remaining bytes of {@code datagram} (moving its position to its limit).
     *
     * @return false when the queue is full and nothing was copied
     */
    boolean offer(ByteBuffer datagram, InetSocketAddress target) {
        if (count == max) {
            return false;
        }
        if (count == payloads.length) {
            grow();
        }
        int slot = (head + count) % payloads.length;
        int length = datagram.remaining();
        ByteBuffer copy = payloads[slot];
        if (copy == null || copy.capacity() < length) {
            // Small datagrams get a slot big enough for any small one, so the slot can be reused.
            copy = ByteBuffer.allocate(Math.max(length, RETAINED_BYTES));
            payloads[slot] = copy;
        }
        copy.clear();
        copy.put(datagram);
        copy.flip();
        targets[slot] = target;
        count++;
        return true;
    }

    /** The oldest datagram's bytes, between position and limit; the queue must not be empty. */
    ByteBuffer peekPayload() {
        return payloads[head];
    }

    InetSocketAddress peekTarget() {
        return targets[head];
    }

    /** Forgets the oldest datagram (sent, or failed). */
    void remove() {
        if (payloads[head].capacity() > RETAINED_BYTES) {
            payloads[head] = null;
        }
        targets[head] = null;
        head = (head + 1) % payloads.length;
        count--;
    }

    /** Drops everything queued and lets every buffer go. */
    void clear() {
        payloads = new ByteBuffer[0];
        targets = new InetSocketAddress[0];
        head = 0;
        count = 0;
    }

    private void grow() {
        int capacity = Math.min(max, Math.max(8, payloads.length * 2));
        ByteBuffer[] newPayloads = new ByteBuffer[capacity];
        InetSocketAddress[] newTargets = new InetSocketAddress[capacity];
        for (int i = 0; i < count; i++) {
            int from = (head + i) % payloads.length;
            newPayloads[i] = payloads[from];
            newTargets[i] = targets[from];
        }
        payloads = newPayloads;
        targets = newTargets;
        head = 0;
    }
}
