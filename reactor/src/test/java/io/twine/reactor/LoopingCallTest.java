package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopingCallTest {

    private final ManualClock clock = new ManualClock();
    /** The clock's time, in milliseconds, at each run. */
    private final List<Long> runTimes = new ArrayList<>();

    private void record() {
        runTimes.add(clock.now() / 1_000_000);
    }

    @Test
    void startNowRunsAtOnceThenEveryInterval() {
        LoopingCall call = new LoopingCall(clock, this::record);
        call.start(Duration.ofSeconds(1));
        assertEquals(List.of(0L), runTimes);
        assertEquals(Duration.ofSeconds(1), clock.untilNextCall());
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(List.of(0L, 1000L, 2000L, 3000L), runTimes);
        assertTrue(call.isRunning());
        assertEquals(4, call.runCount());
    }

    @Test
    void startLaterWaitsOneIntervalFirst() {
        LoopingCall call = new LoopingCall(clock, this::record);
        call.start(Duration.ofMillis(250), false);
        assertEquals(List.of(), runTimes);
        assertEquals(Duration.ofMillis(250), clock.untilNextCall());
        clock.pump(Duration.ofMillis(250), Duration.ofMillis(250));
        assertEquals(List.of(250L, 500L), runTimes);
    }

    @Test
    void aSlowTaskDoesNotMakeTheRunsDrift() {
        // Each run takes 300 ms of the clock's time; the next still comes on the 1 s grid.
        LoopingCall call = new LoopingCall(clock, () -> {
            record();
            clock.advance(Duration.ofMillis(300));
        });
        call.start(Duration.ofSeconds(1));
        assertEquals(Duration.ofMillis(700), clock.untilNextCall());
        clock.advance(Duration.ofMillis(700));
        assertEquals(Duration.ofMillis(700), clock.untilNextCall());
        clock.advance(Duration.ofMillis(700));
        assertEquals(List.of(0L, 1000L, 2000L), runTimes);
        assertEquals(0, call.missedRuns());
    }

    @Test
    void missedRunsAreCountedAndSkippedNotBunched() {
        LoopingCall call = new LoopingCall(clock, this::record);
        call.start(Duration.ofSeconds(1));
        // The loop was busy for 3.5 intervals: one late run, not three catching up.
        clock.advance(Duration.ofMillis(3500));
        assertEquals(List.of(0L, 3500L), runTimes);
        assertEquals(2, call.missedRuns());
        // Back on the grid at once: 4 s, not 4.5 s.
        assertEquals(Duration.ofMillis(500), clock.untilNextCall());
        clock.advance(Duration.ofMillis(500));
        assertEquals(List.of(0L, 3500L, 4000L), runTimes);
    }

    @Test
    void withCountTellsTheTaskHowManyIntervalsPassed() {
        List<Long> counts = new ArrayList<>();
        LoopingCall call = LoopingCall.withCount(clock, counts::add);
        call.start(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(7));    // t=9: the late run for 8; those at 4 and 6 were missed
        clock.advance(Duration.ofSeconds(1));    // t=10: back on the grid
        assertEquals(List.of(1L, 1L, 3L, 1L), counts);
        assertEquals(2, call.missedRuns());

        List<Long> laterCounts = new ArrayList<>();
        ManualClock other = new ManualClock();
        LoopingCall.withCount(other, laterCounts::add).start(Duration.ofSeconds(1), false);
        other.advance(Duration.ofMillis(2500));
        assertEquals(List.of(2L), laterCounts);
    }

    @Test
    void stopCancelsTheNextRunAndCompletesTheFuture() throws Exception {
        LoopingCall call = new LoopingCall(clock, this::record);
        CompletableFuture<Void> done = call.start(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(done.isDone());
        call.stop();
        assertTrue(done.isDone());
        assertEquals(null, done.get());
        assertEquals(0, clock.pendingCalls());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(List.of(0L, 1000L), runTimes);
        assertThrows(IllegalStateException.class, call::stop);
    }

    @Test
    void theTaskMayStopItsOwnLoop() {
        LoopingCall[] holder = new LoopingCall[1];
        holder[0] = new LoopingCall(clock, () -> {
            record();
            if (runTimes.size() == 3) {
                holder[0].stop();
            }
        });
        CompletableFuture<Void> done = holder[0].start(Duration.ofSeconds(1));
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(List.of(0L, 1000L, 2000L), runTimes);
        assertTrue(done.isDone());
        assertEquals(0, clock.pendingCalls());
    }

    @Test
    void aThrowingTaskStopsTheLoopAndFailsTheFuture() {
        IllegalStateException boom = new IllegalStateException("boom");
        LoopingCall call = new LoopingCall(clock, () -> {
            record();
            if (runTimes.size() == 2) {
                throw boom;
            }
        });
        CompletableFuture<Void> done = call.start(Duration.ofSeconds(1));
        // The manual clock rethrows what a timer throws; the reactor would report it.
        assertSame(boom, assertThrows(IllegalStateException.class, () -> clock.advance(Duration.ofSeconds(1))));
        assertFalse(call.isRunning());
        ExecutionException failure = assertThrows(ExecutionException.class, done::get);
        assertSame(boom, failure.getCause());
        assertEquals(0, clock.pendingCalls());
    }

    @Test
    void canBeRestartedAfterStopWithANewGrid() {
        LoopingCall call = new LoopingCall(clock, this::record);
        call.start(Duration.ofSeconds(1));
        clock.advance(Duration.ofMillis(1500));
        call.stop();
        call.start(Duration.ofSeconds(2), false);
        assertEquals(Duration.ofSeconds(2), call.interval());
        clock.advance(Duration.ofSeconds(2));
        // One advance of 1.5 s: a single run, at 1.5 s; the new grid starts at the restart.
        assertEquals(List.of(0L, 1500L, 3500L), runTimes);
    }

    @Test
    void zeroIntervalRunsOncePerTurn() {
        int[] runs = {0};
        LoopingCall counting = new LoopingCall(clock, () -> {
            if (++runs[0] == 5) {
                throw new IllegalStateException("stop the manual clock's loop");
            }
        });
        counting.start(Duration.ZERO, false);
        assertEquals(Duration.ZERO, clock.untilNextCall());
        assertThrows(IllegalStateException.class, () -> clock.advance(Duration.ZERO));
        assertEquals(5, runs[0]);
        assertFalse(counting.isRunning());
    }

    // ------------------------------------------------------------ tasks that return a future

    /** An awaiting looping call whose runs each return a fresh future, kept in {@link #pending}. */
    private final List<CompletableFuture<String>> pending = new ArrayList<>();

    private LoopingCall awaitingCall() {
        return LoopingCall.awaiting(clock, () -> {
            record();
            CompletableFuture<String> outcome = new CompletableFuture<>();
            pending.add(outcome);
            return outcome;
        });
    }

    @Test
    void theNextRunWaitsForTheFutureOfTheLastOne() {
        LoopingCall call = awaitingCall();
        call.start(Duration.ofSeconds(1));
        assertEquals(List.of(0L), runTimes);
        assertEquals(0, clock.pendingCalls(), "nothing is scheduled while the run's future is pending");
        clock.advance(Duration.ofMillis(2500));
        assertEquals(List.of(0L), runTimes);

        pending.get(0).complete("done at 2.5 s");
        // Planned from when the future completed, on the grid: 3 s, not 3.5 s.
        assertEquals(Duration.ofMillis(500), clock.untilNextCall());
        clock.advance(Duration.ofMillis(500));
        assertEquals(List.of(0L, 3000L), runTimes);
        assertEquals(2, call.missedRuns(), "the points at 1 s and 2 s passed while the future was pending");

        pending.get(1).complete("at once");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(0L, 3000L, 4000L), runTimes);
    }

    @Test
    void aFutureCompletedBeforeTheTaskReturnsSchedulesAtOnce() {
        LoopingCall call = LoopingCall.awaiting(clock, () -> {
            record();
            return CompletableFuture.completedFuture("ready");
        });
        call.start(Duration.ofSeconds(1));
        clock.pump(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertEquals(List.of(0L, 1000L, 2000L), runTimes);
        assertEquals(0, call.missedRuns());
        LoopingCall nullMeansDone = LoopingCall.awaiting(clock, () -> null);
        nullMeansDone.start(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2, nullMeansDone.runCount());
    }

    @Test
    void aFailedFutureStopsTheLoopAndFailsTheStartFuture() {
        LoopingCall call = awaitingCall();
        CompletableFuture<Void> done = call.start(Duration.ofSeconds(1));
        pending.get(0).complete("ok");
        clock.advance(Duration.ofSeconds(1));
        IllegalStateException boom = new IllegalStateException("backend down");
        // Failed the way a chained stage fails: the cause is what the loop's future gets.
        pending.get(1).completeExceptionally(new CompletionException(boom));
        assertFalse(call.isRunning());
        ExecutionException failure = assertThrows(ExecutionException.class, done::get);
        assertSame(boom, failure.getCause());
        assertEquals(0, clock.pendingCalls());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(List.of(0L, 1000L), runTimes);
        // It can start again.
        call.start(Duration.ofSeconds(1));
        assertTrue(call.isRunning());
    }

    @Test
    void stopWhileTheFutureIsPendingCompletesTheStartFutureWhenTheRunEnds() throws Exception {
        LoopingCall call = awaitingCall();
        CompletableFuture<Void> done = call.start(Duration.ofSeconds(1));
        call.stop();
        assertFalse(call.isRunning());
        assertFalse(done.isDone(), "the run is still going on");
        pending.get(0).complete("late");
        assertTrue(done.isDone());
        assertEquals(null, done.get());
        assertEquals(0, clock.pendingCalls(), "a stopped loop schedules nothing when the run ends");

        // A run that fails after the stop fails the future, as Twisted's errback does.
        CompletableFuture<Void> second = call.start(Duration.ofSeconds(1));
        call.stop();
        IllegalStateException boom = new IllegalStateException("boom");
        pending.get(1).completeExceptionally(boom);
        assertSame(boom, assertThrows(ExecutionException.class, second::get).getCause());
    }

    @Test
    void aRestartWhileAnOldRunIsPendingKeepsTheTwoStartsApart() throws Exception {
        LoopingCall call = awaitingCall();
        CompletableFuture<Void> first = call.start(Duration.ofSeconds(1));
        call.stop();
        CompletableFuture<Void> second = call.start(Duration.ofSeconds(2));
        assertEquals(2, pending.size());
        pending.get(0).complete("the first start's run");
        assertTrue(first.isDone());
        assertFalse(second.isDone());
        assertEquals(0, clock.pendingCalls(), "the old run does not schedule for the new start");
        pending.get(1).complete("the second start's run");
        assertEquals(Duration.ofSeconds(2), clock.untilNextCall());
        call.stop();
        assertEquals(null, second.get());
    }

    @Test
    void aFutureCompletedOnAnotherThreadResumesOnTheLoopThread() throws Exception {
        Reactor reactor = new Reactor();
        reactor.setDebug(true);  // a callLater from the worker thread would throw, and the loop would stall
        ExecutorService worker = Executors.newSingleThreadExecutor();
        List<Boolean> onLoop = new ArrayList<>();
        CountDownLatch threeRuns = new CountDownLatch(3);
        LoopingCall call = LoopingCall.awaiting(reactor, () -> {
            onLoop.add(reactor.isInLoopThread());
            threeRuns.countDown();
            return CompletableFuture.supplyAsync(() -> "completed on the worker", worker);
        });
        CompletableFuture<Void> done = new CompletableFuture<>();
        reactor.callWhenRunning(() -> call.start(Duration.ZERO).whenComplete((v, e) -> done.complete(null)));
        Thread loop = new Thread(reactor::run, "looping-call-test-loop");
        loop.start();
        try {
            assertTrue(threeRuns.await(10, TimeUnit.SECONDS), "the loop went on after futures completed elsewhere");
            reactor.callFromThread(call::stop);
            done.get(10, TimeUnit.SECONDS);
        } finally {
            worker.shutdownNow();
            assertTrue(reactor.stopAndWait(Duration.ofSeconds(10)));
        }
        assertFalse(onLoop.contains(false), "every run was on the loop thread: " + onLoop);
    }

    // ------------------------------------------------------------ reset

    @Test
    void resetRestartsTheIntervalFromNow() {
        LoopingCall call = new LoopingCall(clock, this::record);
        call.start(Duration.ofSeconds(1));
        clock.advance(Duration.ofMillis(700));
        call.reset();
        assertEquals(Duration.ofSeconds(1), clock.untilNextCall(), "the run planned at 1 s is skipped");
        assertEquals(1, clock.pendingCalls());
        clock.advance(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(0L, 1700L, 2700L), runTimes);
        assertEquals(0, call.missedRuns());
    }

    @Test
    void resetWhileTheFutureIsPendingRestartsTheGridForTheNextRun() {
        LoopingCall call = awaitingCall();
        call.start(Duration.ofSeconds(1));
        clock.advance(Duration.ofMillis(400));
        call.reset();  // Twisted would ignore it; twine restarts the grid at 0.4 s
        clock.advance(Duration.ofMillis(800));
        pending.get(0).complete("at 1.2 s");
        assertEquals(Duration.ofMillis(200), clock.untilNextCall(), "the next point of the new grid is 1.4 s");
        clock.advance(Duration.ofMillis(200));
        assertEquals(List.of(0L, 1400L), runTimes);
    }

    @Test
    void resetFromTheTaskAndWithCountStartTheCountAfresh() {
        List<Long> counts = new ArrayList<>();
        LoopingCall[] holder = new LoopingCall[1];
        holder[0] = LoopingCall.withCount(clock, intervals -> {
            counts.add(intervals);
            if (counts.size() == 2) {
                holder[0].reset();
            }
        });
        holder[0].start(Duration.ofSeconds(1));
        clock.advance(Duration.ofMillis(2500));  // the late run for 2 s, which resets the grid at 2.5 s
        assertEquals(Duration.ofSeconds(1), clock.untilNextCall());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(1L, 2L, 1L), counts);
    }

    @Test
    void resetWhenNotRunningIsRefused() {
        LoopingCall call = new LoopingCall(clock, this::record);
        assertThrows(IllegalStateException.class, call::reset);
        call.start(Duration.ofSeconds(1));
        call.stop();
        assertThrows(IllegalStateException.class, call::reset);
    }

    @Test
    void misuseIsRefused() {
        LoopingCall call = new LoopingCall(clock, this::record);
        assertThrows(IllegalArgumentException.class, () -> call.start(Duration.ofSeconds(-1)));
        assertFalse(call.isRunning());
        call.start(Duration.ofSeconds(1));
        assertThrows(IllegalStateException.class, () -> call.start(Duration.ofSeconds(1)));
    }
}
