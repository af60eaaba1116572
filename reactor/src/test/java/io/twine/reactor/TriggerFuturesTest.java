package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.spi.ShutdownParticipant;
import io.twine.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Startup and shutdown triggers that return a future: the reactor goes on to its next step only
 * when the future has completed (or the grace period is over). Each test completes the futures
 * from its own thread, so the hand-over to the loop is exercised too; what has happened so far is
 * read on the loop thread itself, with {@link #seenByTheLoop}. The reactor's time is a
 * {@link ManualClock}, moved on the loop thread: a grace period ends only when a test says so.
 */
@Timeout(60)
class TriggerFuturesTest {

    private final ManualClock clock = new ManualClock();
    private final Reactor reactor = new Reactor(clock);
    /** Written on the loop thread only. */
    private final List<String> events = new ArrayList<>();
    private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
    private Thread loop;

    private void runOnItsOwnThread() {
        reactor.setErrorReporter((context, error) -> {
            reports.add(context);
            reported.add(error);
        });
        loop = new Thread(reactor::run, "trigger-futures-test-loop");
        loop.start();
        CountDownLatch running = new CountDownLatch(1);
        reactor.callFromThread(running::countDown);
        try {
            // Else a stopAndWait could come before run() and return at once.
            assertTrue(running.await(30, TimeUnit.SECONDS), "the loop runs");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void stopTheLoop() throws Exception {
        if (loop != null) {
            assertTrue(reactor.stopAndWait(Duration.ofSeconds(30)), "the reactor stopped");
        }
    }

    /** The events so far, read on the loop thread: whatever it does next has not happened yet. */
    private List<String> seenByTheLoop() throws Exception {
        CompletableFuture<List<String>> seen = new CompletableFuture<>();
        reactor.callFromThread(() -> seen.complete(List.copyOf(events)));
        return seen.get(30, TimeUnit.SECONDS);
    }

    /** A trigger that records {@code name}, opens {@code ran} and returns {@code future}. */
    private AsyncTask recording(String name, CountDownLatch ran, CompletableFuture<?> future) {
        return () -> {
            events.add(name);
            ran.countDown();
            return future;
        };
    }

    /** A stand-in for a connection: records when it is asked to close and closes at once. */
    private ShutdownParticipant connection() {
        return new ShutdownParticipant() {
            @Override
            public void shutdown() {
                events.add("connection closing");
                reactor.transportLoop().untrack(this);
            }

            @Override
            public void abort() {
                events.add("connection aborted");
            }

            @Override
            public void failed(Throwable error) {}
        };
    }

    @Test
    void aBeforeTriggersFutureHoldsBackTheClosingOfConnectionsUntilItCompletes() throws Exception {
        reactor.setShutdownGracePeriod(Duration.ofSeconds(30));
        CompletableFuture<String> drained = new CompletableFuture<>();
        CountDownLatch beforeRan = new CountDownLatch(1);
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, recording("before", beforeRan, drained));
        reactor.addShutdownTrigger(ShutdownPhase.DURING, () -> events.add("during"));
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> events.add("after"));
        reactor.transportLoop().track(connection());
        runOnItsOwnThread();
        reactor.stop();
        assertTrue(beforeRan.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("before"), seenByTheLoop(), "nothing closes while the future is pending");
        assertTrue(reactor.isRunning());

        drained.complete("drained");
        assertTrue(reactor.stopAndWait(Duration.ofSeconds(30)));
        assertEquals(List.of("before", "during", "connection closing", "after"), events);
        assertEquals(List.of(), reports);
    }

    @Test
    void duringAndAfterTriggersFuturesHoldBackTheNextStep() throws Exception {
        reactor.setShutdownGracePeriod(Duration.ofSeconds(30));
        CompletableFuture<Void> duringDone = new CompletableFuture<>();
        CompletableFuture<Void> afterDone = new CompletableFuture<>();
        CountDownLatch duringRan = new CountDownLatch(1);
        CountDownLatch afterRan = new CountDownLatch(1);
        reactor.addShutdownTrigger(ShutdownPhase.DURING, recording("during", duringRan, duringDone));
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, recording("after", afterRan, afterDone));
        runOnItsOwnThread();
        reactor.stop();
        assertTrue(duringRan.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("during"), seenByTheLoop());

        duringDone.complete(null);
        assertTrue(afterRan.await(30, TimeUnit.SECONDS));
        assertTrue(reactor.isRunning(), "run() waits for the AFTER trigger's future");
        assertFalse(reactor.stopAndWait(Duration.ZERO));

        afterDone.complete(null);
        assertTrue(reactor.stopAndWait(Duration.ofSeconds(30)));
        assertEquals(List.of("during", "after"), events);
    }

    @Test
    void aFutureThatNeverCompletesHoldsTheStopNoLongerThanTheGracePeriod() throws Exception {
        reactor.setShutdownGracePeriod(Duration.ofSeconds(5));
        CountDownLatch beforeRan = new CountDownLatch(1);
        AsyncTask never = recording("before", beforeRan, new CompletableFuture<>());
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, never);
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> events.add("after"));
        reactor.transportLoop().track(new ShutdownParticipant() {
            @Override
            public void shutdown() {
                events.add("connection closing");  // and never closes
            }

            @Override
            public void abort() {
                events.add("connection aborted");
            }

            @Override
            public void failed(Throwable error) {}
        });
        runOnItsOwnThread();
        reactor.stop();
        assertTrue(beforeRan.await(30, TimeUnit.SECONDS));
        advanceOnTheLoop(Duration.ofMillis(4_999));
        assertEquals(List.of("before"), seenByTheLoop(), "1 ms of the grace period is left");

        advanceOnTheLoop(Duration.ofMillis(1));
        assertTrue(reactor.stopAndWait(Duration.ofSeconds(30)));
        // One grace period for the whole stop: the connection had none left, and is aborted.
        assertEquals(List.of("before", "connection closing", "connection aborted", "after"), events);
        assertEquals(1, reported.size(), "the late future is reported once: " + reports);
        assertInstanceOf(TimeoutException.class, reported.get(0));
        assertTrue(reports.get(0).startsWith("shutdown trigger (BEFORE) of "), reports.get(0));
    }

    /** Moves the reactor's clock on its own thread; the task that does it also wakes the loop. */
    private void advanceOnTheLoop(Duration amount) throws Exception {
        CompletableFuture<Void> moved = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            clock.advance(amount);
            moved.complete(null);
        });
        moved.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aFailedFutureIsReportedAndTheStopGoesOn() throws Exception {
        IllegalStateException boom = new IllegalStateException("could not drain");
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> CompletableFuture.failedFuture(boom));
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> CompletableFuture.supplyAsync(() -> {
            throw new IllegalArgumentException("failed on another thread");
        }));
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> events.add("after"));
        runOnItsOwnThread();
        assertTrue(reactor.stopAndWait(Duration.ofSeconds(30)));
        assertEquals(List.of("after"), events);
        assertEquals(2, reported.size(), "" + reports);
        assertTrue(reported.contains(boom));
        assertTrue(reported.stream().anyMatch(e -> e instanceof IllegalArgumentException), "unwrapped: " + reported);
    }

    @Test
    void callWhenRunningCallsWaitForTheStartupTriggersFuture() throws Exception {
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        CountDownLatch startupRan = new CountDownLatch(1);
        CountDownLatch whenRunning = new CountDownLatch(1);
        reactor.addStartupTrigger(recording("startup", startupRan, loaded));
        reactor.callWhenRunning(() -> {
            events.add("when running");
            whenRunning.countDown();
        });
        runOnItsOwnThread();
        assertTrue(startupRan.await(30, TimeUnit.SECONDS));
        assertEquals(List.of("startup"), seenByTheLoop());

        loaded.complete(null);
        assertTrue(whenRunning.await(30, TimeUnit.SECONDS));
        // Once started, a new call runs at once, as before.
        CompletableFuture<List<String>> atOnce = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            reactor.callWhenRunning(() -> events.add("later call"));
            atOnce.complete(List.copyOf(events));
            assertThrows(IllegalStateException.class, () -> reactor.addStartupTrigger(() -> null));
        });
        assertEquals(List.of("startup", "when running", "later call"), atOnce.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aStopDuringStartupWaitsForTheStartupTriggersFutureFirst() throws Exception {
        reactor.setShutdownGracePeriod(Duration.ofSeconds(30));
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        CountDownLatch startupRan = new CountDownLatch(1);
        reactor.addStartupTrigger(recording("startup", startupRan, loaded));
        reactor.callWhenRunning(() -> events.add("when running"));
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> events.add("before"));
        runOnItsOwnThread();
        assertTrue(startupRan.await(30, TimeUnit.SECONDS));
        reactor.stop();
        assertEquals(List.of("startup"), seenByTheLoop(), "the stop waits for the start to finish");

        loaded.complete(null);
        assertTrue(reactor.stopAndWait(Duration.ofSeconds(30)));
        assertEquals(List.of("startup", "when running", "before"), events);
    }

    @Test
    void aLambdaReturningAFutureIsAnAsyncTrigger() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CountDownLatch ran = new CountDownLatch(1);
        reactor.setShutdownGracePeriod(Duration.ofSeconds(30));
        // No cast: overload resolution picks the AsyncTask method for a lambda that returns a future.
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> {
            ran.countDown();
            return gate;
        });
        runOnItsOwnThread();
        reactor.stop();
        assertTrue(ran.await(30, TimeUnit.SECONDS));
        assertFalse(reactor.stopAndWait(Duration.ZERO));
        gate.complete(null);
        assertTrue(reactor.stopAndWait(Duration.ofSeconds(30)));
        assertSame(null, gate.get());
    }
}
