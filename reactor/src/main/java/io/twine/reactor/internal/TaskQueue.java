package io.twine.reactor.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The queue behind {@code Reactor.callFromThread}: any number of threads offer, the loop thread
 * alone polls, and neither allocates once the queue has warmed up.
 *
 * <p><b>Shape.</b> Elements live in fixed-size chunks linked into a list (the design of JCTools'
 * {@code MpscUnboundedArrayQueue}): a producer claims a position by advancing one shared counter
 * with a compare-and-set, then writes its element into that position's slot; the consumer walks
 * the positions in order, and a claimed slot not yet written reads as "nothing yet". A {@link
 * java.util.concurrent.ConcurrentLinkedQueue} allocates a node per element; here the consumer
 * hands each chunk it has emptied back as a spare (up to {@value #MAX_SPARES}), which the next
 * producer to need a chunk takes, so in steady state no chunk is allocated either.
 *
 * <p><b>Crossing into a new chunk.</b> The producer that claims the first position of a chunk
 * links it. While it does, the counter is odd, which tells the other producers to wait (a
 * producer that read the counter before that fails its compare-and-set and retries): so every
 * producer whose claim succeeds has read the chunk that holds its position. Stale references to a
 * recycled chunk are harmless for the same reason: nobody writes to a chunk without a successful
 * claim after reading it.
 *
 * <p>Thread: {@link #offer} from any thread; {@link #poll} and {@link #isEmpty} on the consumer's
 * thread only.
 */
public final class TaskQueue {

    /** Slots per chunk: 4 KiB of references with compressed pointers; one chunk per 1,024 tasks linked. */
    static final int CHUNK_SIZE = 1024;
    /** Emptied chunks kept for reuse at most (32 KiB); beyond that they are left to the collector. */
    static final int MAX_SPARES = 8;
    private static final int MASK = CHUNK_SIZE - 1;

    private static final VarHandle PRODUCER_INDEX;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Runnable[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PRODUCER_INDEX = lookup.findVarHandle(TaskQueue.class, "producerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A run of slots and the link to the chunk after it. */
    private static final class Chunk {
        final Runnable[] slots = new Runnable[CHUNK_SIZE];
        volatile Chunk next;
    }

    // Written by producers. Twice the number of positions claimed; odd while a producer links a chunk.
    @SuppressWarnings("unused")  // accessed through PRODUCER_INDEX
    private volatile long producerIndex;
    /** The chunk that holds the next position to claim. */
    private volatile Chunk producerChunk;
    /**
     * Emptied chunks for reuse, a ring with one writer (the consumer) and one reader at a time
     * (the producer linking a chunk, kept alone by the odd counter). Several, because with many
     * producers the backlog grows and shrinks by more than one chunk.
     */
    private final Chunk[] spares = new Chunk[MAX_SPARES];
    private volatile long sparesGiven;
    private volatile long sparesTaken;

    // The consumer's own: no other thread reads them.
    private Chunk consumerChunk;
    private long consumerIndex;

    public TaskQueue() {
        Chunk first = new Chunk();
        producerChunk = first;
        consumerChunk = first;
    }

    /**
     * Adds {@code task} at the tail. Thread-safe; takes no lock, and spins only while another
     * producer links the next chunk (once per 1,024 tasks).
     */
    public void offer(Runnable task) {
        Objects.requireNonNull(task, "task");
        while (true) {
            long index = (long) PRODUCER_INDEX.getVolatile(this);
            if ((index & 1) != 0) {
                Thread.onSpinWait();  // another producer is linking the next chunk
                continue;
            }
            // Read after the index: a claim that succeeds proves no chunk was linked in between.
            Chunk chunk = producerChunk;
            long position = index >> 1;
            int offset = (int) (position & MASK);
            if (offset != 0 || position == 0) {
                if (PRODUCER_INDEX.compareAndSet(this, index, index + 2)) {
                    SLOTS.setRelease(chunk.slots, offset, task);
                    return;
                }
            } else if (PRODUCER_INDEX.compareAndSet(this, index, index + 1)) {
                linkNextChunk(chunk, task);
                PRODUCER_INDEX.setVolatile(this, index + 2);
                return;
            }
        }
    }

    /** Called with the counter odd, so by one producer at a time. */
    private void linkNextChunk(Chunk full, Runnable firstTask) {
        Chunk next = takeSpare();
        if (next == null) {
            next = new Chunk();
        }
        next.slots[0] = firstTask;  // published by the volatile writes below
        producerChunk = next;
        full.next = next;
    }

    /** A spare chunk, or null; called by the one producer linking a chunk. */
    private Chunk takeSpare() {
        long taken = sparesTaken;
        if (taken == sparesGiven) {
            return null;
        }
        int slot = (int) (taken % MAX_SPARES);
        Chunk chunk = spares[slot];
        spares[slot] = null;
        sparesTaken = taken + 1;
        return chunk;
    }

    /** Keeps an emptied chunk for reuse if there is room. Consumer thread only. */
    private void giveSpare(Chunk chunk) {
        long given = sparesGiven;
        if (given - sparesTaken < MAX_SPARES) {
            spares[(int) (given % MAX_SPARES)] = chunk;
            sparesGiven = given + 1;  // publishes the slot to the next producer that takes it
        }
    }

    /**
     * Removes and returns the head, or null when there is none yet. A position that a producer
     * has claimed but not yet written also gives null; {@link #isEmpty} is then false, and the
     * element arrives a moment later. Consumer thread only.
     */
    public Runnable poll() {
        Chunk chunk = consumerChunk;
        int offset = (int) (consumerIndex & MASK);
        if (offset == 0 && consumerIndex != 0) {
            Chunk next = chunk.next;
            if (next == null) {
                return null;  // the producer of this position is still linking its chunk
            }
            // Every slot of the old chunk was taken and cleared: it becomes a spare.
            chunk.next = null;
            giveSpare(chunk);
            consumerChunk = chunk = next;
        }
        Runnable task = (Runnable) SLOTS.getAcquire(chunk.slots, offset);
        if (task == null) {
            return null;
        }
        chunk.slots[offset] = null;
        consumerIndex++;
        return task;
    }

    /**
     * True when no position has been claimed beyond what was polled; a claim in progress counts
     * as not empty. Consumer thread only. The read of the producers' counter is volatile, so a
     * consumer that announces a sleep before asking cannot miss an element offered after that.
     */
    public boolean isEmpty() {
        long index = (long) PRODUCER_INDEX.getVolatile(this);
        return (index & 1) == 0 && (index >> 1) == consumerIndex;
    }
}
