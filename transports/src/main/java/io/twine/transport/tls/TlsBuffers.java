package io.twine.transport.tls;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The buffers the TLS connections of one loop share, so that a steady stream of records
 * allocates nothing: one to wrap records into (sent on at once, so one is enough), one to
 * unwrap records into (handed to {@code dataReceived}, valid only during that call), and a pool
 * of buffers for the ciphertext a connection holds between reads (the start of a record whose
 * end has not arrived).
 *
 * <p>Heap buffers, not direct ones: the JDK's engine encrypts and decrypts arrays, and copies a
 * direct buffer into one first.
 *
 * <p>Thread: loop only.
 */
final class TlsBuffers {

    /** The largest record the JDK's engine reads or writes, with its header and padding. */
    static final int MAX_RECORD = 16 * 1024 + 2048 + 5;
    /** Records wrapped into one buffer before it is handed to the transport: 64 KiB of plaintext. */
    private static final int RECORDS_PER_WRAP = 4;
    private static final int MAX_POOLED_STASHES = 64;

    private final ByteBuffer wrapBuffer = ByteBuffer.allocate(RECORDS_PER_WRAP * MAX_RECORD);
    private final ByteBuffer unwrapBuffer = ByteBuffer.allocate(RECORDS_PER_WRAP * MAX_RECORD);
    private boolean unwrapBufferInUse;
    private final ArrayDeque<ByteBuffer> stashes = new ArrayDeque<>();

    /** The buffer to wrap into, cleared. The caller hands its bytes on before it returns. */
    ByteBuffer wrapBuffer() {
        return wrapBuffer.clear();
    }

    /**
     * The buffer to unwrap into, cleared, until {@link #releaseUnwrapBuffer}. A protocol that
     * feeds another TLS connection from inside its {@code dataReceived} (an in-memory pair, a
     * proxy over fake transports) finds it taken, and gets a buffer of its own.
     */
    ByteBuffer takeUnwrapBuffer() {
        if (unwrapBufferInUse) {
            return ByteBuffer.allocate(unwrapBuffer.capacity());
        }
        unwrapBufferInUse = true;
        return unwrapBuffer.clear();
    }

    void releaseUnwrapBuffer(ByteBuffer buffer) {
        if (buffer == unwrapBuffer) {
            unwrapBufferInUse = false;
        }
    }

    /** An empty buffer that holds at least one whole record. */
    ByteBuffer takeStash() {
        ByteBuffer stash = stashes.pollFirst();
        return stash != null ? stash : ByteBuffer.allocate(MAX_RECORD);
    }

    /** Gives back a buffer from {@link #takeStash()} (larger ones are left to the collector). */
    void giveStash(ByteBuffer stash) {
        if (stash.capacity() == MAX_RECORD && stashes.size() < MAX_POOLED_STASHES) {
            stashes.addFirst(stash.clear());
        }
    }
}
