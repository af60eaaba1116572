package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.testing.ReactorThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ReactorTest {

    /** Collects what the reactor reports instead of logging it. */
    static final class RecordingReporter implements ErrorReporter {
        final List<String> contexts = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Override
        public void report(String context, Throwable error) {
            contexts.add(context);
            errors.add(error);
        }
    }

    @Test
    void callFromThreadRunsEveryTaskOnceOnTheLoopInPerThreadOrder() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        try (ReactorThread rt = ReactorThread.start()) {
            int[][] seen = new int[threads][perThread];
            int[] lastSeen = new int[threads];
            java.util.Arrays.fill(lastSeen, -1);
            AtomicInteger outOfOrder = new AtomicInteger();
            AtomicInteger offLoop = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(threads * perThread);
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                producers.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int index = i;
                        rt.reactor().callFromThread(() -> {
                            // Only the loop thread touches these arrays, so plain fields suffice.
                            if (Thread.currentThread() != rt.thread()) {
                                offLoop.incrementAndGet();
                            }
                            seen[thread][index]++;
                            if (index != lastSeen[thread] + 1) {
                                outOfOrder.incrementAndGet();
                            }
                            lastSeen[thread] = index;
                            all.countDown();
                        });
                    }
                }));
            }
            producers.forEach(Thread::start);
            for (Thread producer : producers) {
                producer.join();
            }
            assertTrue(all.await(30, TimeUnit.SECONDS), "not every task ran");
            int[][] copy = rt.call(() -> seen);
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i++) {
                    assertEquals(1, copy[t][i], "task " + i + " of thread " + t);
                }
            }
            assertEquals(0, outOfOrder.get());
            assertEquals(0, offLoop.get());
        }
    }

    @Test
    void stopFromAnotherThreadMakesRunReturn() throws Exception {
        Reactor reactor = new Reactor();
        CompletableFuture<Void> returned = new CompletableFuture<>();
        CountDownLatch running = new CountDownLatch(1);
        reactor.callWhenRunning(running::countDown);
        Thread loop = new Thread(() -> {
            reactor.run();
            returned.complete(null);
        });
        loop.start();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertTrue(reactor.isRunning());
        reactor.stop();
        returned.get(10, TimeUnit.SECONDS);
        assertFalse(reactor.isRunning());
    }

    @Test
    void secondRunFailsClearly() {
        Reactor reactor = new Reactor();
        reactor.callWhenRunning(() -> {
            IllegalStateException error = assertThrows(IllegalStateException.class, reactor::run);
            assertTrue(error.getMessage().contains("already running"), error.getMessage());
            reactor.stop();
        });
        reactor.run();
        assertThrows(IllegalStateException.class, reactor::run);
    }

    @Test
    void stopBeforeRunStopsRightAfterTheStartupCalls() {
        Reactor reactor = new Reactor();
        List<String> order = new ArrayList<>();
        reactor.callWhenRunning(() -> order.add("running"));
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> order.add("after"));
        reactor.stop();
        reactor.run();
        assertEquals(List.of("running", "after"), order);
    }

    @Test
    void shutdownTriggersRunInPhaseOrder() {
        Reactor reactor = new Reactor();
        List<String> order = new ArrayList<>();
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> order.add("after"));
        reactor.addShutdownTrigger(ShutdownPhase.DURING, () -> order.add("during"));
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> order.add("before-1"));
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> order.add("before-2"));
        reactor.callWhenRunning(reactor::stop);
        reactor.run();
        assertEquals(List.of("before-1", "before-2", "during", "after"), order);
    }

    @Test
    void timersRunInOrderWithEqualTimesFirstInFirstOut() {
        Reactor reactor = new Reactor();
        List<Integer> order = new ArrayList<>();
        Map<Integer, DelayedCall> scheduled = new LinkedHashMap<>();
        reactor.callWhenRunning(() -> {
            scheduled.put(100, reactor.callLater(Duration.ofMillis(20), () -> order.add(100)));
            for (int i = 0; i < 50; i++) {
                int n = i;
                scheduled.put(n, reactor.callLater(Duration.ZERO, () -> order.add(n)));
            }
            reactor.callLater(Duration.ofMillis(30), reactor::stop);
        });
        reactor.run();
        // By due time, then in the order scheduled (a stable sort). Taken from the calls
        // themselves: a loop thread descheduled for 20 ms while scheduling makes 100 due first.
        List<Integer> expected = scheduled.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> e.getValue().getTime()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
        assertEquals(expected, order);
    }

    @Test
    void timerScheduledWithZeroDelayByATimerWaitsForTheNextIteration() {
        // A timer that re-arms itself with zero delay must not starve the rest of the loop:
        // cross-thread tasks still run between its runs.
        Reactor reactor = new Reactor();
        AtomicInteger rearms = new AtomicInteger();
        List<Integer> rearmsSeenByTask = new ArrayList<>();
        Runnable[] self = new Runnable[1];
        self[0] = () -> {
            if (rearms.incrementAndGet() < 1000) {
                reactor.callLater(Duration.ZERO, self[0]);
            }
        };
        reactor.callWhenRunning(() -> {
            reactor.callLater(Duration.ZERO, self[0]);
            reactor.callFromThread(() -> {
                rearmsSeenByTask.add(rearms.get());
                reactor.stop();
            });
        });
        reactor.run();
        assertEquals(1, rearmsSeenByTask.size());
        assertTrue(rearmsSeenByTask.get(0) < 1000, "the task waited for every re-arm: " + rearmsSeenByTask);
    }

    @Test
    void throwingTimerTaskAndTriggerAreReportedOnceAndTheLoopGoesOn() {
        Reactor reactor = new Reactor();
        RecordingReporter reporter = new RecordingReporter();
        reactor.setErrorReporter(reporter);
        List<String> order = new ArrayList<>();
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> {
            throw new IllegalStateException("trigger");
        });
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> order.add("after"));
        reactor.callWhenRunning(() -> {
            reactor.callLater(Duration.ZERO, () -> {
                throw new IllegalStateException("timer");
            });
            reactor.callFromThread(() -> {
                throw new IllegalStateException("task");
            });
            reactor.callLater(Duration.ofMillis(5), () -> {
                order.add("later timer");
                reactor.stop();
            });
        });
        reactor.run();
        assertEquals(List.of("later timer", "after"), order);
        List<String> messages = new ArrayList<>();
        reporter.errors.forEach(e -> messages.add(e.getMessage()));
        Collections.sort(messages);
        assertEquals(List.of("task", "timer", "trigger"), messages);
    }

    @Test
    void deferToThreadRunsOffTheLoopAndCompletesOnIt() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            CompletableFuture<String> completedOn = new CompletableFuture<>();
            CompletableFuture<Thread> workedOn = new CompletableFuture<>();
            rt.run(() -> rt.reactor().deferToThread(() -> {
                workedOn.complete(Thread.currentThread());
                return "result";
            }).thenAccept(value -> completedOn.complete(value + " on " + Thread.currentThread().getName())));
            assertEquals("result on " + rt.thread().getName(), completedOn.get(10, TimeUnit.SECONDS));
            assertFalse(workedOn.get() == rt.thread());
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            rt.run(() -> rt.reactor().deferToThread(() -> {
                throw new java.io.IOException("blocking work failed");
            }).whenComplete((value, error) -> failure.complete(error)));
            assertEquals("blocking work failed", failure.get(10, TimeUnit.SECONDS).getMessage());
        }
    }

    @Test
    void callLaterWakesASleepingLoop() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            CompletableFuture<Thread> ran = new CompletableFuture<>();
            rt.run(() -> rt.reactor().callLater(Duration.ofMillis(20), () -> ran.complete(Thread.currentThread())));
            assertSame(rt.thread(), ran.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void tasksQueuedAfterTheLoopFinishedNeverRun() {
        Reactor reactor = new Reactor();
        reactor.callWhenRunning(reactor::stop);
        reactor.run();
        AtomicInteger ran = new AtomicInteger();
        reactor.callFromThread(ran::incrementAndGet);
        assertEquals(0, ran.get());
    }
}
