package io.twine.transport.tcp;

import io.twine.reactor.spi.ChunkPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * The bytes a connection has been asked to send and the kernel has not yet taken, held in
 * pooled direct chunks.
 *
 * <p>Each chunk keeps its unsent bytes between its position (next byte to send) and its limit
 * (next byte to fill), so a chunk can be appended to and sent from without flipping, and a run
 * of chunks goes to the kernel as-is in one gathering write.
 *
 * <p>Bytes can also be lent instead of copied ({@link #lend}): an echo of the loop's read buffer
 * is sent from that buffer's memory, and only what the kernel did not take is copied, before the
 * buffer is filled again. Lent bytes are always the whole queue: the next append copies them
 * first, so the order of the bytes never depends on which were lent.
 *
 * <p>Thread: loop only. Not thread-safe.
 */
final class OutboundQueue {

    /** Chunks handed to one gathering write; well under every kernel's IOV_MAX. */
    private static final int MAX_GATHER = 64;

    private final ChunkPool pool;
    /** A ring of chunks, oldest at {@code head}; a plain array so that flushing needs no iterator. */
    private ByteBuffer[] ring = new ByteBuffer[4];
    private int head;
    private int count;
    private long size;
    /** The lent bytes not yet sent, between its position and limit; null when nothing is lent. */
    private ByteBuffer lent;
    /** The buffer {@link #lendWindow} is a view of. */
    private ByteBuffer lentFrom;
    /** A view of {@code lentFrom}'s memory, made once and reused, so that the lender may move its own position. */
    private ByteBuffer lendWindow;

    OutboundQueue(ChunkPool pool) {
        this.pool = pool;
    }

    /** Bytes queued. */
    long size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /**
     * Copies {@code length} bytes of {@code source} from {@code offset}.
     *
     * @return false if the JVM's direct memory ran out first (what was copied stays queued)
     */
    boolean append(byte[] source, int offset, int length) {
        return copyIn(source, null, offset, length);
    }

    /**
     * Copies the remaining bytes of {@code source} and moves its position to its limit
     * (also when it returns false).
     *
     * @return false if the JVM's direct memory ran out first (what was copied stays queued)
     */
    boolean append(ByteBuffer source) {
        boolean copied = copyIn(null, source, source.position(), source.remaining());
        source.position(source.limit());
        return copied;
    }

    /**
     * Queues the remaining bytes of {@code source} without copying them, and moves its position
     * to its limit. Only into an empty queue. The caller must have them sent or copied
     * ({@link #copyLent()}) before the bytes of {@code source} change; meanwhile it may move
     * {@code source}'s position and limit freely.
     */
    void lend(ByteBuffer source) {
        assert size == 0 : "lent bytes must be the whole queue";
        if (source != lentFrom) {
            lentFrom = source;
            lendWindow = source.duplicate();
        }
        lendWindow.limit(source.limit()).position(source.position());
        lent = lendWindow;
        size = lent.remaining();
        source.position(source.limit());
    }

    /** True while lent bytes are queued, which must be sent or copied before their memory changes. */
    boolean hasLent() {
        return lent != null;
    }

    /**
     * Copies the lent bytes not yet sent into chunks, so that their memory may change.
     *
     * @return false if the JVM's direct memory ran out first (what was copied stays queued)
     */
    boolean copyLent() {
        if (lent == null) {
            return true;
        }
        ByteBuffer source = lent;
        lent = null;
        size -= source.remaining();  // copyIn counts them again
        return copyIn(null, source, source.position(), source.remaining());
    }

    /** Copies from {@code array} or, when it is null, {@code buffer}: one loop for both, allocating nothing. */
    private boolean copyIn(byte[] array, ByteBuffer buffer, int offset, int length) {
        if (lent != null && !copyLent()) {
            return false;  // lent bytes go first; with no memory for them, nothing may follow
        }
        while (length > 0) {
            ByteBuffer tail = writableTail();
            if (tail == null) {
                return false;
            }
            int start = tail.limit();
            int n = Math.min(length, tail.capacity() - start);
            tail.limit(start + n);
            if (array != null) {
                tail.put(start, array, offset, n);
            } else {
                tail.put(start, buffer, offset, n);
            }
            offset += n;
            length -= n;
            size += n;
        }
        return true;
    }

    /** The chunk to append to, or null when a new one was needed and could not be allocated. */
    private ByteBuffer writableTail() {
        if (count > 0) {
            ByteBuffer tail = ring[(head + count - 1) & (ring.length - 1)];
            if (tail.limit() < tail.capacity()) {
                return tail;
            }
        }
        if (count == ring.length) {
            grow();
        }
        ByteBuffer chunk = pool.take();
        if (chunk == null) {
            return null;
        }
        ring[(head + count) & (ring.length - 1)] = chunk;
        count++;
        return chunk;
    }

    private void grow() {
        ByteBuffer[] bigger = new ByteBuffer[ring.length * 2];
        for (int i = 0; i < count; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }

    /**
     * Writes as much as {@code channel} takes now, returning each drained chunk to the pool.
     *
     * @return bytes written
     */
    long writeTo(GatheringByteChannel channel) throws IOException {
        if (lent != null) {
            // Lent bytes are the whole queue: one plain write from their own memory.
            int written = channel.write(lent);
            size -= written;
            if (!lent.hasRemaining()) {
                lent = null;
            }
            return written;
        }
        ByteBuffer[] gather = pool.gatherScratch();
        long total = 0;
        while (count > 0) {
            int batch = Math.min(count, Math.min(MAX_GATHER, gather.length));
            long wanted = 0;
            for (int i = 0; i < batch; i++) {
                ByteBuffer chunk = ring[(head + i) & (ring.length - 1)];
                gather[i] = chunk;
                wanted += chunk.remaining();
            }
            // One chunk (the common case for small messages) goes through the plain write: the
            // JDK's gathering path sets up an iovec array per call, and it showed in JFR profiles.
            long written = batch == 1 ? channel.write(gather[0]) : channel.write(gather, 0, batch);
            total += written;
            size -= written;
            while (count > 0 && !ring[head].hasRemaining()) {
                pool.give(removeHead());
            }
            if (written < wanted) {
                break;  // the kernel's buffer is full
            }
        }
        return total;
    }

    private ByteBuffer removeHead() {
        ByteBuffer chunk = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        count--;
        return chunk;
    }

    /** Drops everything queued, returning the chunks to the pool. */
    void clear() {
        lent = null;
        while (count > 0) {
            pool.give(removeHead());
        }
        size = 0;
    }
}
