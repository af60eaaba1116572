package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.testing.ManualClock;
import io.twine.testing.ReactorThread;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** getDelayedCalls, deferLater and callInThread, as Twisted's reactor and task module have them. */
@Timeout(30)
class TwistedTimeApiTest {

    @Test
    void getDelayedCallsListsLiveCallsInTheOrderTheyWillRun() {
        ManualClock clock = new ManualClock();
        DelayedCall later = clock.callLater(Duration.ofSeconds(5), () -> { });
        DelayedCall sooner = clock.callLater(Duration.ofSeconds(1), () -> { });
        DelayedCall cancelled = clock.callLater(Duration.ofSeconds(2), () -> { });
        cancelled.cancel();
        assertEquals(List.of(sooner, later), clock.getDelayedCalls());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(later), clock.getDelayedCalls());
    }

    @Test
    void reactorGetDelayedCallsSeesItsTimers() {
        try (ReactorThread rt = ReactorThread.start()) {
            List<DelayedCall> calls = rt.call(() -> {
                rt.reactor().callLater(Duration.ofHours(1), () -> { });
                return rt.reactor().getDelayedCalls();
            });
            assertEquals(1, calls.size());
            assertTrue(calls.get(0).isActive());
        }
    }

    @Test
    void deferLaterCompletesWithTheResultOnceTheDelayHasPassed() throws Exception {
        ManualClock clock = new ManualClock();
        CompletableFuture<String> result = clock.deferLater(Duration.ofSeconds(2), () -> "done");
        clock.advance(Duration.ofSeconds(1));
        assertFalse(result.isDone());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("done", result.getNow(null));

        CompletableFuture<String> failing = clock.deferLater(Duration.ZERO, () -> {
            throw new IllegalStateException("boom");
        });
        clock.advance(Duration.ZERO);
        ExecutionException error = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, failing::get);
        assertEquals("boom", error.getCause().getMessage());

        CompletableFuture<String> cancelled = clock.deferLater(Duration.ofSeconds(1), () -> "never");
        cancelled.cancel(false);
        assertEquals(0, clock.pendingCalls(), "cancelling the future cancels the call");
    }

    @Test
    void callInThreadRunsOnAWorkerAndReportsWhatItThrows() throws Exception {
        Reactor reactor = new Reactor();
        CompletableFuture<String> reported = new CompletableFuture<>();
        reactor.setErrorReporter((context, error) -> reported.complete(error.getMessage()));
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            CompletableFuture<Thread> ranOn = new CompletableFuture<>();
            reactor.callInThread(() -> ranOn.complete(Thread.currentThread()));
            assertFalse(ReactorThread.await(ranOn) == rt.thread(), "not on the loop thread");
            reactor.callInThread(() -> {
                throw new IllegalStateException("worker failed");
            });
            assertEquals("worker failed", ReactorThread.await(reported));
        }
    }
}
