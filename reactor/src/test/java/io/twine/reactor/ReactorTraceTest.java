package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.observe.CallbackKind;
import io.twine.reactor.observe.LoopTrace;
import io.twine.testing.ReactorThread;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ReactorTraceTest {

    static final class NamedTimer implements Runnable {
        final CountDownLatch ran;

        NamedTimer(CountDownLatch ran) {
            this.ran = ran;
        }

        @Override
        public void run() {
            ran.countDown();
        }
    }

    @Test
    void noTraceUntilTracingStarts() {
        try (ReactorThread rt = ReactorThread.start()) {
            assertNull(rt.call(rt.reactor()::trace));
            rt.run(() -> rt.reactor().startTracing(8));
            nextIteration(rt);
            assertTrue(rt.call(() -> rt.reactor().trace().iterations().size()) > 0);
            rt.run(() -> rt.reactor().stopTracing());
            assertNull(rt.call(rt.reactor()::trace));
        }
    }

    @Test
    void timersAndTasksAreRecordedWithTheirClassInTheIterationTheyRan() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            CountDownLatch ran = new CountDownLatch(1);
            rt.run(() -> {
                reactor.startTracing(64);
                // Long enough that a loaded machine, descheduling the loop, rarely reaches the select late.
                reactor.callLater(Duration.ofMillis(200), new NamedTimer(ran));
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            rt.run(() -> { });
            LoopTrace trace = rt.call(reactor::trace);
            LoopTrace.Iteration timerIteration = null;
            for (LoopTrace.Iteration iteration : trace.iterations()) {
                for (LoopTrace.Callback cb : iteration.callbacks()) {
                    if (cb.kind() == CallbackKind.TIMER) {
                        assertEquals(NamedTimer.class.getName(), cb.protocolClass());
                        assertEquals("", cb.connection());
                        timerIteration = iteration;
                    }
                }
            }
            assertTrue(timerIteration != null, "the timer is in the trace");
            long tasks = trace.iterations().stream().flatMap(i -> i.callbacks().stream())
                    .filter(cb -> cb.kind() == CallbackKind.TASK).count();
            assertTrue(tasks >= 1, "the task queued by rt.run is in the trace");
        }
    }

    @Test
    void eachSelectSaysWhyItWokeAndStopsTaskIsNamed() throws Exception {
        WakeupFlagTest.CountingPoller poller = new WakeupFlagTest.CountingPoller();
        Reactor reactor = new Reactor(poller);
        reactor.startTracing(256);
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            // A timer wakes the select that waits for it, unless the loop was held up until the
            // timer was due before it selected (a busy machine): then that select did not wait.
            // Schedule timers until one has woken a select, as each would on an idle machine.
            boolean timerWokeTheLoop = false;
            for (int attempt = 0; attempt < 50 && !timerWokeTheLoop; attempt++) {
                CountDownLatch timerRan = new CountDownLatch(1);
                rt.run(() -> reactor.callLater(Duration.ofMillis(20), new NamedTimer(timerRan)));
                assertTrue(timerRan.await(10, TimeUnit.SECONDS));
                timerWokeTheLoop = rt.call(() -> reactor.trace().iterations().stream()
                        .anyMatch(it -> it.wokeBy() == io.twine.reactor.observe.WakeReason.TIMER));
            }
            // Stop only once the loop sleeps with nothing to do, so that it is stop() that wakes it.
            rt.run(() -> poller.nextWaitingSelect = new CountDownLatch(1));  // the select after this task
            assertTrue(poller.nextWaitingSelect.await(10, TimeUnit.SECONDS));
        }
        LoopTrace trace = reactor.trace();
        java.util.Map<io.twine.reactor.observe.WakeReason, LoopTrace.Iteration> firstBy = new java.util.EnumMap<>(
                io.twine.reactor.observe.WakeReason.class);
        for (LoopTrace.Iteration iteration : trace.iterations()) {
            if (iteration.wokeBy() != null) {
                firstBy.putIfAbsent(iteration.wokeBy(), iteration);
            }
        }
        assertTrue(firstBy.containsKey(io.twine.reactor.observe.WakeReason.TIMER), firstBy.keySet().toString());
        assertTrue(firstBy.containsKey(io.twine.reactor.observe.WakeReason.STOP), firstBy.keySet().toString());
        assertTrue(firstBy.get(io.twine.reactor.observe.WakeReason.TIMER).callbacks().stream()
                .anyMatch(cb -> cb.kind() == CallbackKind.TIMER), "the timer ran after its wake-up");
        assertTrue(firstBy.get(io.twine.reactor.observe.WakeReason.STOP).callbacks().stream()
                .anyMatch(cb -> cb.protocolClass().equals(Reactor.class.getName() + "$WakeToStop")),
                "the empty task stop() posts is named");
    }

    @Test
    void anIdleLoopSleepsInSelectUntilItsEarliestTimerIsDue() {
        Duration far = Duration.ofHours(1);
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            rt.run(() -> {
                reactor.startTracing(64);
                reactor.callLater(far, () -> { });
            });
            // Each look is a task that wakes the loop; the iteration after it sleeps again with the
            // timer's timeout, unless the next look is queued before it selects: look until an
            // iteration shows that sleep (on a slow machine it may take a few looks).
            LoopTrace.Iteration asleep = null;
            while (asleep == null) {
                asleep = rt.call(() -> reactor.trace().iterations().stream()
                        .filter(i -> i.selectTimeoutMillis() > 0).findFirst().orElse(null));
            }
            assertTrue(asleep.selectTimeoutMillis() <= far.toMillis(), asleep.toString());
            assertTrue(asleep.selectTimeoutMillis() > far.minusMinutes(1).toMillis(), asleep.toString());
        }
    }

    @Test
    void traceKeepsOnlyTheLastIterations() {
        try (ReactorThread rt = ReactorThread.start()) {
            rt.run(() -> rt.reactor().startTracing(4));
            for (int i = 0; i < 20; i++) {
                nextIteration(rt);
            }
            LoopTrace trace = rt.call(rt.reactor()::trace);
            assertEquals(4, trace.iterations().size());
            assertTrue(trace.droppedIterations() >= 16, String.valueOf(trace.droppedIterations()));
            for (int i = 1; i < trace.iterations().size(); i++) {
                assertEquals(trace.iterations().get(i - 1).number() + 1, trace.iterations().get(i).number());
            }
        }
    }

    @Test
    void anIterationWhoseCallbacksNoLongerFitIsLeftOutNotShownHalf() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            CountDownLatch ran = new CountDownLatch(100);
            rt.run(() -> {
                reactor.startTracing(2);  // room for 16 callbacks
                for (int i = 0; i < 100; i++) {
                    reactor.callLater(Duration.ZERO, new NamedTimer(ran));
                }
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            LoopTrace trace = rt.call(reactor::trace);
            for (LoopTrace.Iteration iteration : trace.iterations()) {
                assertFalse(iteration.callbacks().stream().anyMatch(cb -> cb.kind() == CallbackKind.TIMER),
                        "the 100-timer iteration does not fit in 16 slots: " + iteration);
            }
            assertTrue(trace.droppedIterations() >= 1);
        }
    }

    /**
     * Returns once the loop has begun another iteration: a timer set by a task runs in the pass
     * after the task's (tasks queued back to back may share one pass).
     */
    private static void nextIteration(ReactorThread rt) {
        java.util.concurrent.CompletableFuture<Void> turned = new java.util.concurrent.CompletableFuture<>();
        rt.run(() -> rt.reactor().callLater(Duration.ZERO, () -> turned.complete(null)));
        ReactorThread.await(turned);
    }
}
