package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.spi.IoHandler;
import io.twine.testing.ManualClock;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stepping the loop one turn at a time, with time from a manual clock. */
@Timeout(30)
class ReactorIterateTest {

    /** Long enough never to be the reason a wait ends; the test's timeout bounds it. */
    private static final Duration LONG = Duration.ofSeconds(20);

    @Test
    void timersFollowTheInjectedClockAndRunOnTheNextTurn() {
        ManualClock clock = new ManualClock();
        Reactor reactor = new Reactor(clock);
        List<String> ran = new ArrayList<>();
        reactor.callLater(Duration.ofSeconds(5), () -> ran.add("five"));
        reactor.callLater(Duration.ofSeconds(1), () -> ran.add("one"));
        reactor.iterate(Duration.ZERO);
        assertEquals(List.of(), ran);
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), ran, "the reactor sees the clock move at its next turn, not before");
        reactor.iterate(Duration.ZERO);
        assertEquals(List.of("one"), ran);
        clock.advance(Duration.ofSeconds(4));
        reactor.iterate(Duration.ZERO);
        assertEquals(List.of("one", "five"), ran);
        assertEquals(clock.now(), reactor.now());
        finish(reactor);
    }

    @Test
    void oneTurnDispatchesReadyIoAndWaitsForItUpToTheGivenTime() throws Exception {
        Reactor reactor = new Reactor(new ManualClock());
        Pipe pipe = Pipe.open();
        try {
            pipe.source().configureBlocking(false);
            List<String> read = new ArrayList<>();
            reactor.transportLoop().register(pipe.source(), SelectionKey.OP_READ, new IoHandler() {
                @Override
                public void ready(int readyOps) {
                    ByteBuffer buffer = ByteBuffer.allocate(64);
                    try {
                        pipe.source().read(buffer);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    read.add(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
                }

                @Override
                public void failed(Throwable error) {
                    throw new AssertionError(error);
                }
            });
            reactor.iterate(Duration.ZERO);
            assertEquals(List.of(), read, "nothing was written yet");
            pipe.sink().write(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
            // The bytes are there already, so this turn dispatches them without waiting LONG.
            reactor.iterate(LONG);
            assertEquals(List.of("hi"), read);
        } finally {
            pipe.sink().close();
            pipe.source().close();
            finish(reactor);
        }
    }

    @Test
    void aTaskFromAnotherThreadEndsTheWaitAndRunsInThatTurn() throws Exception {
        Reactor reactor = new Reactor();
        CompletableFuture<String> ran = new CompletableFuture<>();
        Thread other = new Thread(() -> reactor.callFromThread(() -> ran.complete(Thread.currentThread().getName())));
        other.start();
        other.join();
        reactor.iterate(LONG);
        assertEquals(Thread.currentThread().getName(), ran.getNow("not run"));
        assertTrue(reactor.isInLoopThread(), "the iterating thread is the loop thread");
        finish(reactor);
    }

    @Test
    void iterateRefusesARunReactorAnotherThreadAndANegativeWait() throws Exception {
        Reactor reactor = new Reactor();
        assertThrows(IllegalArgumentException.class, () -> reactor.iterate(Duration.ofMillis(-1)));
        reactor.iterate(Duration.ZERO);
        CompletableFuture<Throwable> fromOther = new CompletableFuture<>();
        Thread other = new Thread(() -> {
            try {
                reactor.iterate(Duration.ZERO);
                fromOther.complete(null);
            } catch (Throwable error) {
                fromOther.complete(error);
            }
        });
        other.start();
        other.join();
        assertTrue(fromOther.get() instanceof IllegalStateException, String.valueOf(fromOther.get()));
        finish(reactor);
        IllegalStateException afterRun = assertThrows(IllegalStateException.class, () -> reactor.iterate(Duration.ZERO));
        assertTrue(afterRun.getMessage().contains("run() has been called"), afterRun.getMessage());
    }

    @Test
    void stopThenRunAfterIteratingRunsTheShutdownAndReturns() {
        Reactor reactor = new Reactor(new ManualClock());
        List<String> order = new ArrayList<>();
        reactor.callWhenRunning(() -> order.add("running"));
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> order.add("after"));
        reactor.iterate(Duration.ZERO);
        assertEquals(List.of(), order, "callWhenRunning waits for run()");
        assertFalse(reactor.isRunning());
        finish(reactor);
        assertEquals(List.of("running", "after"), order);
    }

    /** Releases the selector: stop, then run, which shuts down at once and returns. */
    private static void finish(Reactor reactor) {
        reactor.stop();
        reactor.run();
    }
}
