package io.twine.reactor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class TaskQueueTest {

    /** A task that knows who queued it and its place in that producer's sequence. */
    private static final class Numbered implements Runnable {
        final int producer;
        final int sequence;

        Numbered(int producer, int sequence) {
            this.producer = producer;
            this.sequence = sequence;
        }

        @Override
        public void run() {
        }
    }

    @Test
    void oneThreadGetsItsTasksBackInOrderAcrossManyChunks() {
        TaskQueue queue = new TaskQueue();
        assertTrue(queue.isEmpty());
        assertNull(queue.poll());
        int count = TaskQueue.CHUNK_SIZE * 5 + 7;
        List<Runnable> offered = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Runnable task = new Numbered(0, i);
            offered.add(task);
            queue.offer(task);
        }
        assertFalse(queue.isEmpty());
        for (int i = 0; i < count; i++) {
            assertSame(offered.get(i), queue.poll(), "task " + i);
        }
        assertNull(queue.poll());
        assertTrue(queue.isEmpty());
    }

    @Test
    void emptiedChunksAreReusedWithoutLosingOrMixingTasks() {
        // Offer and drain more than a chunk at a time, so every round crosses chunk boundaries
        // with the spare chunk handed back and forth.
        TaskQueue queue = new TaskQueue();
        int sequence = 0;
        int expected = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < TaskQueue.CHUNK_SIZE + 300; i++) {
                queue.offer(new Numbered(0, sequence++));
            }
            Runnable task;
            while ((task = queue.poll()) != null) {
                assertEquals(expected++, ((Numbered) task).sequence);
            }
            assertTrue(queue.isEmpty());
        }
        assertEquals(sequence, expected);
    }

    @Test
    void nullTaskIsRejected() {
        assertThrows(NullPointerException.class, () -> new TaskQueue().offer(null));
    }

    @Test
    void manyProducersEveryTaskTakenExactlyOnceAndInOrderPerProducer() throws Exception {
        int producers = 8;
        int perProducer = 200_000;
        TaskQueue queue = new TaskQueue();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        queue.offer(new Numbered(producer, i));
                    }
                } catch (Throwable e) {
                    producerFailure.set(e);
                }
            }, "producer-" + p);
            thread.start();
            threads.add(thread);
        }
        int[] next = new int[producers];
        long taken = 0;
        long total = (long) producers * perProducer;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        start.countDown();
        while (taken < total) {
            Runnable task = queue.poll();
            if (task == null) {
                assertTrue(System.nanoTime() - deadline < 0, "only " + taken + " of " + total + " tasks arrived");
                Thread.onSpinWait();
                continue;
            }
            Numbered numbered = (Numbered) task;
            assertEquals(next[numbered.producer], numbered.sequence, "producer " + numbered.producer);
            next[numbered.producer]++;
            taken++;
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertNull(producerFailure.get());
        assertNull(queue.poll(), "a task beyond those offered");
        assertTrue(queue.isEmpty());
        for (int p = 0; p < producers; p++) {
            assertEquals(perProducer, next[p], "tasks of producer " + p);
        }
    }
}
