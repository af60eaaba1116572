package io.twine.reactor.spi;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Fixed-size direct buffers that transports queue outbound bytes in, recycled so that a steady
 * stream of writes allocates nothing. Direct, because the JDK copies a heap buffer into a
 * temporary direct one on every socket write.
 *
 * <p>The pool keeps at most {@code maxPooled} free chunks; a burst beyond that is left to the
 * garbage collector once it drains, so the pool cannot hold the memory of its largest burst
 * forever.
 *
 * <p>Thread: loop only; one pool per reactor.
 */
public final class ChunkPool {

    private final int chunkSize;
    private final int maxPooled;
    private final ArrayDeque<ByteBuffer> free;
    private final ByteBuffer[] gatherScratch = new ByteBuffer[64];
    private long inUse;

    public ChunkPool(int chunkSize, int maxPooled) {
        if (chunkSize < 64) {
            throw new IllegalArgumentException("chunk size must be at least 64 bytes, got " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.maxPooled = maxPooled;
        this.free = new ArrayDeque<>(maxPooled);
    }

    /** The capacity of every chunk. */
    public int chunkSize() {
        return chunkSize;
    }

    /** A cleared chunk: position 0, limit 0 (empty and ready to be appended to). */
    public ByteBuffer take() {
        ByteBuffer chunk = free.pollFirst();
        if (chunk == null) {
            chunk = ByteBuffer.allocateDirect(chunkSize);
        }
        chunk.limit(0);
        inUse++;
        return chunk;
    }

    /** Gives a chunk back; the caller must not touch it afterwards. */
    public void give(ByteBuffer chunk) {
        inUse--;
        if (free.size() < maxPooled) {
            chunk.clear();
            free.addFirst(chunk);
        }
    }

    /** Chunks taken and not yet given back: zero when every transport has drained or closed. */
    public long inUse() {
        return inUse;
    }

    /**
     * An array for one gathering write to fill with chunks, shared by every transport of the
     * loop: a flush runs start to end without another flush in between.
     */
    public ByteBuffer[] gatherScratch() {
        return gatherScratch;
    }

    /** Free chunks held for reuse. */
    public int pooled() {
        return free.size();
    }
}
