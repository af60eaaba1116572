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
 * <p>It also keeps the reactor's outbound memory budget: the bytes of chunks in use that all
 * transports together should stay under (see {@code Reactor.setOutboundMemoryBudget}), and
 * {@link #take()} returns null rather than throw when the JVM has no direct memory left, since
 * that is the problem of the connection asking, not of the loop.
 *
 * <p>Thread: loop only; one pool per reactor.
 */
public final class ChunkPool {

    private final int chunkSize;
    private final int maxPooled;
    private final ArrayDeque<ByteBuffer> free;
    private final ByteBuffer[] gatherScratch = new ByteBuffer[64];
    private long inUse;
    private long budget = Long.MAX_VALUE;

    /**
     * A pool of direct chunks of {@code chunkSize} bytes, keeping at most {@code maxPooled} free
     * ones for reuse. One per loop, used on its thread only.
     *
     * @param chunkSize the capacity of every chunk, at least 64 bytes
     * @param maxPooled free chunks kept; chunks given back beyond it are left to the garbage
     *     collector
     */
    public ChunkPool(int chunkSize, int maxPooled) {
        if (chunkSize < 64) {
            throw new IllegalArgumentException("chunk size must be at least 64 bytes, got " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.maxPooled = maxPooled;
        this.free = new ArrayDeque<>(maxPooled);
    }

    /**
     * The capacity of every chunk.
     *
     * @return bytes, fixed at construction
     */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * A cleared chunk: position 0, limit 0 (empty and ready to be appended to); or null when the
     * JVM could not allocate one (its direct memory is used up).
     *
     * @return a chunk the caller owns until it gives it back; or null
     */
    public ByteBuffer take() {
        ByteBuffer chunk = free.pollFirst();
        if (chunk == null) {
            try {
                chunk = ByteBuffer.allocateDirect(chunkSize);
            } catch (OutOfMemoryError directMemoryExhausted) {
                // Direct memory, which the JVM itself does not need: the caller closes its
                // connection, which frees that connection's chunks, and the loop goes on.
                return null;
            }
        }
        chunk.limit(0);
        inUse++;
        return chunk;
    }

    /**
     * Gives a chunk back; the caller must not touch it afterwards.
     *
     * @param chunk a chunk from {@link #take()}; the pool owns it again
     */
    public void give(ByteBuffer chunk) {
        inUse--;
        if (free.size() < maxPooled) {
            chunk.clear();
            free.addFirst(chunk);
        }
    }

    /**
     * Chunks taken and not yet given back: zero when every transport has drained or closed.
     *
     * @return the count of chunks out
     */
    public long inUse() {
        return inUse;
    }

    /**
     * An array for one gathering write to fill with chunks, shared by every transport of the
     * loop: a flush runs start to end without another flush in between.
     *
     * @return the loop's scratch array; fill it and clear it within one flush
     */
    public ByteBuffer[] gatherScratch() {
        return gatherScratch;
    }

    /**
     * Bytes in the chunks taken and not yet given back.
     *
     * @return bytes, counting each chunk's whole capacity
     */
    public long bytesInUse() {
        return inUse * chunkSize;
    }

    /**
     * The bytes in use that all transports together should stay under; unbounded by default.
     *
     * @return bytes; {@code Long.MAX_VALUE} until set
     */
    public long budget() {
        return budget;
    }

    /**
     * Sets {@link #budget()}; a positive number of bytes.
     *
     * @param bytes the new budget
     */
    public void setBudget(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("the outbound memory budget must be positive, got " + bytes);
        }
        this.budget = bytes;
    }

    /**
     * True when queueing {@code length} more bytes in new chunks would pass the budget.
     *
     * @param length the bytes about to be queued
     * @return true if the caller should refuse them (or close the connection) rather than allocate
     */
    public boolean wouldExceedBudget(long length) {
        return bytesInUse() + length > budget;
    }

    /**
     * Free chunks held for reuse.
     *
     * @return the count of free chunks
     */
    public int pooled() {
        return free.size();
    }
}
