package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twine.testing.ReactorThread;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A loop with an idle poll looks for work before it sleeps, and nothing waits for the poll to end:
 * the poll here is a minute long, so a task or a timer that had to sit it out would miss the
 * bounds of these waits by far.
 */
class IdlePollTest {

    private static final Duration LONG_POLL = Duration.ofMinutes(1);
    private static final long BOUND_SECONDS = 20;

    @Test
    void idlePollIsZeroUnlessSetAndNeverNegative() {
        Reactor reactor = new Reactor();
        assertEquals(Duration.ZERO, reactor.idlePoll());
        reactor.setIdlePoll(Duration.ofNanos(50_000));
        assertEquals(Duration.ofNanos(50_000), reactor.idlePoll());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reactor.setIdlePoll(Duration.ofNanos(-1)));
        assertEquals("idle poll must be zero or positive, got PT-0.000000001S", e.getMessage());
    }

    @Test
    void tasksFromOtherThreadsRunWhileTheLoopPolls() throws Exception {
        Reactor reactor = new Reactor();
        reactor.setIdlePoll(LONG_POLL);
        try (ReactorThread loop = ReactorThread.start(reactor)) {
            // Each task is queued after the last one ran, so most find the loop polling.
            for (int i = 0; i < 20; i++) {
                CompletableFuture<Integer> ran = new CompletableFuture<>();
                int n = i;
                reactor.callFromThread(() -> ran.complete(n));
                assertEquals(n, ran.get(BOUND_SECONDS, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void timersFireWhileTheLoopPolls() throws Exception {
        Reactor reactor = new Reactor();
        reactor.setIdlePoll(LONG_POLL);
        try (ReactorThread loop = ReactorThread.start(reactor)) {
            for (int i = 0; i < 5; i++) {
                CompletableFuture<Boolean> fired = new CompletableFuture<>();
                loop.call(() -> reactor.callLater(Duration.ofMillis(5), () -> fired.complete(true)));
                assertEquals(true, fired.get(BOUND_SECONDS, TimeUnit.SECONDS));
            }
        }
    }
}
