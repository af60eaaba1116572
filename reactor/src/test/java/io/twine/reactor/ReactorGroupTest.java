package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ReactorGroupTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void everyLoopRunsOnItsOwnThreadAndOneStopEndsThemAll() throws Exception {
        ReactorGroup group = new ReactorGroup(4);
        group.start();
        Set<Thread> threads = Collections.synchronizedSet(new HashSet<>());
        CountDownLatch ran = new CountDownLatch(4);
        for (Reactor loop : group.loops()) {
            loop.callFromThread(() -> {
                assertTrue(loop.isInLoopThread());
                threads.add(Thread.currentThread());
                ran.countDown();
            });
        }
        assertTrue(ran.await(30, TimeUnit.SECONDS));
        assertEquals(4, threads.size());
        group.stop();
        assertTrue(group.awaitTermination(WAIT));
        assertTrue(group.isTerminated());
        for (Thread thread : threads) {
            assertTrue(!thread.isAlive());
        }
    }

    @Test
    void groupTriggersRunOnceBeforeAnyLoopClosesAndAfterTheLastHasFinished() throws Exception {
        ReactorGroup group = new ReactorGroup(3);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        group.addShutdownTrigger(ShutdownPhase.BEFORE, () -> events.add("group before"));
        group.addShutdownTrigger(ShutdownPhase.AFTER, () -> events.add("group after"));
        for (int i = 0; i < group.size(); i++) {
            int index = i;
            group.get(i).addShutdownTrigger(ShutdownPhase.DURING, () -> events.add("during " + index));
            group.get(i).addShutdownTrigger(ShutdownPhase.AFTER, () -> events.add("after " + index));
        }
        group.start();
        group.stop();
        group.stop();  // idempotent
        assertTrue(group.awaitTermination(WAIT));
        assertEquals("group before", events.get(0));
        assertEquals("group after", events.get(events.size() - 1));
        assertEquals(1, events.stream().filter("group before"::equals).count());
        assertEquals(1, events.stream().filter("group after"::equals).count());
        for (int i = 0; i < 3; i++) {
            assertTrue(events.indexOf("during " + i) < events.indexOf("after " + i), events.toString());
            assertTrue(events.indexOf("after " + i) < events.indexOf("group after"), events.toString());
        }
    }

    /** What {@code loop} has recorded so far, read on its own thread. */
    private static List<String> seenBy(Reactor loop, List<String> events) throws Exception {
        CompletableFuture<List<String>> seen = new CompletableFuture<>();
        loop.callFromThread(() -> seen.complete(List.copyOf(events)));
        return seen.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aGroupBeforeTriggersFutureHoldsBackEveryLoopsClosing() throws Exception {
        ReactorGroup group = new ReactorGroup(2);
        group.setShutdownGracePeriod(Duration.ofSeconds(30));
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> drained = new CompletableFuture<>();
        CountDownLatch beforeRan = new CountDownLatch(1);
        group.addShutdownTrigger(ShutdownPhase.BEFORE, () -> {
            events.add("group before");
            beforeRan.countDown();
            return drained;
        });
        for (int i = 0; i < group.size(); i++) {
            int index = i;
            group.get(i).addShutdownTrigger(ShutdownPhase.DURING, () -> events.add("during " + index));
        }
        group.start();
        group.stop();
        assertTrue(beforeRan.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("group before"), seenBy(group.get(0), events));
        assertEquals(List.of("group before"), seenBy(group.get(1), events), "loop 1 is not told to stop yet");

        drained.complete(null);
        assertTrue(group.awaitTermination(WAIT));
        assertEquals(Set.of("group before", "during 0", "during 1"), Set.copyOf(events));
        assertEquals("group before", events.get(0));
    }

    @Test
    void aGroupAfterTriggersFutureHoldsBackTermination() throws Exception {
        ReactorGroup group = new ReactorGroup(2);
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        CountDownLatch afterRan = new CountDownLatch(1);
        group.addShutdownTrigger(ShutdownPhase.AFTER, () -> {
            afterRan.countDown();
            return flushed;
        });
        group.start();
        group.stop();
        assertTrue(afterRan.await(30, TimeUnit.SECONDS));
        assertFalse(group.awaitTermination(Duration.ZERO), "the last loop's thread waits for the future");
        flushed.complete(null);
        assertTrue(group.awaitTermination(WAIT));
    }

    @Test
    void aGroupTriggerThatThrowsAnErrorStillLetsEveryLoopStop() throws Exception {
        ReactorGroup group = new ReactorGroup(3);
        List<String> reports = Collections.synchronizedList(new ArrayList<>());
        group.get(0).setErrorReporter((context, error) -> reports.add(context + ": " + error.getMessage()));
        group.addShutdownTrigger(ShutdownPhase.BEFORE, () -> {
            throw new AssertionError("not a RuntimeException");
        });
        group.addShutdownTrigger(ShutdownPhase.BEFORE, () -> CompletableFuture.failedFuture(new IllegalStateException("failed")));
        group.start();
        group.stop();
        assertTrue(group.awaitTermination(WAIT), "loops 1 and 2 were told to stop");
        assertEquals(2, reports.size(), reports.toString());
        assertTrue(reports.get(0).startsWith("group shutdown trigger (BEFORE): not a RuntimeException"), reports.toString());
    }

    @Test
    void nextGoesRoundAndOtherLoopsHearThroughCallFromThread() throws Exception {
        ReactorGroup group = new ReactorGroup(3);
        assertEquals(List.of(group.get(0), group.get(1), group.get(2), group.get(0)),
                List.of(group.next(), group.next(), group.next(), group.next()));
        group.start();
        try {
            CompletableFuture<List<String>> heard = new CompletableFuture<>();
            List<String> names = Collections.synchronizedList(new ArrayList<>());
            group.get(1).callFromThread(() -> group.forEachOther(group.get(1), loop -> {
                names.add(Thread.currentThread().getName());
                if (names.size() == 2) {
                    heard.complete(List.copyOf(names));
                }
            }));
            List<String> threads = heard.get(30, TimeUnit.SECONDS);
            assertEquals(Set.of("twine-loop-0", "twine-loop-2"), new HashSet<>(threads));
            assertNotEquals(threads.get(0), threads.get(1));
        } finally {
            group.stop();
            assertTrue(group.awaitTermination(WAIT));
        }
    }

    @Test
    void aGroupNeedsALoopAndStartsOnce() {
        assertThrows(IllegalArgumentException.class, () -> new ReactorGroup(0));
        ReactorGroup group = new ReactorGroup(1);
        group.start();
        try {
            assertThrows(IllegalStateException.class, group::start);
            assertThrows(IllegalStateException.class, () -> group.addShutdownTrigger(ShutdownPhase.AFTER, () -> { }));
        } finally {
            group.stop();
        }
    }

    @Test
    void everyLoopsMetricsAreInJmxSideBySideUntilItStops() throws Exception {
        ReactorGroup group = new ReactorGroup(2);
        List<javax.management.ObjectName> names = group.registerMetrics("group-test");
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        assertEquals(2, names.size());
        for (javax.management.ObjectName name : names) {
            assertTrue(server.isRegistered(name), name.toString());
        }
        assertTrue(names.get(1).toString().contains("group-test-loop-1"), names.toString());
        group.start();
        group.stop();
        assertTrue(group.awaitTermination(WAIT));
        for (javax.management.ObjectName name : names) {
            assertTrue(!server.isRegistered(name), name + " still registered");
        }
    }

    @Test
    void byDefaultOneLoopPerProcessor() {
        assertEquals(Runtime.getRuntime().availableProcessors(), new ReactorGroup().size());
    }
}
