package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.observe.CallbackKind;
import io.twine.reactor.observe.SlowCallback;
import io.twine.testing.ReactorThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ReactorDebugModeTest {

    /** Keeps the loop busy for {@code nanos} without sleeping: what a blocking callback looks like to the loop. */
    static final class DeliberatelySlowTask implements Runnable {
        final long nanos;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        DeliberatelySlowTask(Duration duration) {
            this.nanos = duration.toNanos();
        }

        @Override
        public void run() {
            long until = System.nanoTime() + nanos;
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
            done.complete(null);
        }

        @Override
        public String toString() {
            return "the deliberately slow task";
        }
    }

    @Test
    void slowTimerProducesExactlyOneWarningNamingIt() {
        Reactor reactor = new Reactor();
        reactor.setDebug(true);
        reactor.setSlowCallbackThreshold(Duration.ofMillis(50));
        List<SlowCallback> warnings = new ArrayList<>();
        reactor.setSlowCallbackListener(warnings::add);
        DeliberatelySlowTask slow = new DeliberatelySlowTask(Duration.ofMillis(150));
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            rt.run(() -> reactor.callLater(Duration.ZERO, slow));
            ReactorThread.await(slow.done);
            // Only the slow task counts: on a loaded machine some other callback may be descheduled past the threshold.
            List<SlowCallback> seen = rt.call(() -> naming(warnings, DeliberatelySlowTask.class));
            assertEquals(1, seen.size(), seen.toString());
            SlowCallback warning = seen.get(0);
            assertEquals(CallbackKind.TIMER, warning.kind());
            assertEquals(DeliberatelySlowTask.class.getName(), warning.protocolClass());
            assertTrue(warning.durationNanos() >= Duration.ofMillis(150).toNanos(), warning.toString());
            assertEquals(Duration.ofMillis(50).toNanos(), warning.thresholdNanos());
            assertTrue(warning.message().contains("the deliberately slow task"), warning.message());
            assertTrue(warning.message().contains("ReactorDebugModeTest$DeliberatelySlowTask"), warning.message());
            assertTrue(rt.call(() -> reactor.metrics().slowCallbacks()) >= 1);
        }
    }

    @Test
    void slowCallbacksAreNotReportedOutsideDebugMode() {
        Reactor reactor = new Reactor();
        reactor.setDebug(false);
        reactor.setSlowCallbackThreshold(Duration.ofMillis(10));
        List<SlowCallback> warnings = new ArrayList<>();
        reactor.setSlowCallbackListener(warnings::add);
        DeliberatelySlowTask slow = new DeliberatelySlowTask(Duration.ofMillis(30));
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            rt.run(() -> reactor.callLater(Duration.ZERO, slow));
            ReactorThread.await(slow.done);
            assertEquals(List.of(), rt.call(() -> new ArrayList<>(warnings)));
        }
    }

    @Test
    void callLaterFromAnotherThreadThrowsSayingToUseCallFromThread() {
        Reactor reactor = debugReactor();
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> reactor.callLater(Duration.ofSeconds(1), () -> { }));
            assertTrue(thrown.getMessage().contains("Reactor.callLater"), thrown.getMessage());
            assertTrue(thrown.getMessage().contains("callFromThread"), thrown.getMessage());
            assertTrue(thrown.getMessage().contains(Thread.currentThread().getName()), thrown.getMessage());
            assertEquals(0, rt.call(reactor::pendingTimerCount), "nothing was scheduled");
            assertThrows(IllegalStateException.class, () -> reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> { }));
            assertThrows(IllegalStateException.class, reactor::metrics);
        }
    }

    @Test
    void loopOnlyMutatorsRefuseOtherThreadsBeforeTouchingAnything() {
        Reactor reactor = new Reactor();
        reactor.setDebug(true);
        ShutdownGraceTest.ClosesBeforeNextSelect participant = new ShutdownGraceTest.ClosesBeforeNextSelect(reactor);
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            assertThrows(IllegalStateException.class, () -> reactor.startTracing(16));
            assertThrows(IllegalStateException.class, reactor::stopTracing);
            assertThrows(IllegalStateException.class, () -> reactor.transportLoop().track(participant));
            assertThrows(IllegalStateException.class, () -> reactor.transportLoop().untrack(participant));
            assertThrows(IllegalStateException.class, () -> reactor.transportLoop().runBeforeNextSelect(participant));
            assertEquals(null, rt.call(reactor::trace), "no trace was started");
            assertEquals(0, rt.call(reactor::trackedCount), "nothing was tracked");
        }
        assertFalse(participant.closed.get(), "nothing ran before a select");
    }

    @Test
    void settingsMayBeChangedFromAnyThreadWhileTheLoopRuns() throws Exception {
        Reactor reactor = new Reactor();
        List<SlowCallback> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        DeliberatelySlowTask slow = new DeliberatelySlowTask(Duration.ofMillis(30));
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            // Set from this thread while the loop runs; the loop sees them (volatile settings).
            reactor.setSlowCallbackListener(warnings::add);
            reactor.setSlowCallbackThreshold(Duration.ofMillis(10));
            reactor.setDebug(true);
            reactor.setShutdownGracePeriod(Duration.ZERO);
            reactor.callFromThread(() -> reactor.callLater(Duration.ZERO, slow));
            ReactorThread.await(slow.done);
            rt.run(() -> { });  // the warning is made when the slow callback returns, before this task
            assertEquals(1, naming(warnings, DeliberatelySlowTask.class).size(), warnings.toString());
        }
    }

    @Test
    void setUpFromAnotherThreadBeforeRunIsAllowedInDebugMode() {
        Reactor reactor = debugReactor();
        CompletableFuture<Void> ran = new CompletableFuture<>();
        reactor.callLater(Duration.ZERO, () -> ran.complete(null));
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            ReactorThread.await(ran);
        }
    }

    @Test
    void theLoopThreadItselfPassesTheCheck() {
        Reactor reactor = debugReactor();
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            assertTrue(rt.call(() -> reactor.callLater(Duration.ofSeconds(5), () -> { }).isActive()));
        }
    }

    @Test
    void systemPropertyTurnsDebugModeOn() {
        String before = System.getProperty("twine.debug");
        try {
            System.setProperty("twine.debug", "true");
            assertTrue(new Reactor().isDebug());
            System.setProperty("twine.debug", "false");
            assertFalse(new Reactor().isDebug());
        } finally {
            if (before == null) {
                System.clearProperty("twine.debug");
            } else {
                System.setProperty("twine.debug", before);
            }
        }
    }

    /**
     * A reactor in debug mode whose slow-callback warnings are dropped: on a loaded machine any
     * callback may be descheduled past the threshold, which is not what these tests are about and
     * not for the build's console.
     */
    static Reactor debugReactor() {
        Reactor reactor = new Reactor();
        reactor.setDebug(true);
        reactor.setSlowCallbackListener(ignored -> { });
        return reactor;
    }

    static List<SlowCallback> naming(List<SlowCallback> warnings, Class<?> protocolClass) {
        List<SlowCallback> named = new ArrayList<>();
        for (SlowCallback warning : warnings) {
            if (warning.protocolClass().equals(protocolClass.getName())) {
                named.add(warning);
            }
        }
        return named;
    }
}
