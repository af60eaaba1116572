package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.testing.ReactorThread;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Reactor#stopAndWait}: a stop from outside that returns only once {@code run()} has. */
@Timeout(60)
class ReactorStopAndWaitTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void returnsOnlyAfterEveryShutdownTriggerRanAndTheLoopFinished() throws Exception {
        Reactor reactor = new Reactor();
        List<String> seen = new CopyOnWriteArrayList<>();
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> seen.add("before"));
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> seen.add("after"));
        ReactorThread.start(reactor);

        assertTrue(reactor.stopAndWait(LONG));
        assertEquals(List.of("before", "after"), seen);
        assertFalse(reactor.isRunning());
    }

    @Test
    void waitsForALongAfterTriggerAndReportsATimeout() throws Exception {
        Reactor reactor = new Reactor();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch triggerStarted = new CountDownLatch(1);
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> {
            triggerStarted.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ReactorThread.start(reactor);
        reactor.stop();
        assertTrue(triggerStarted.await(30, TimeUnit.SECONDS));

        assertFalse(reactor.stopAndWait(Duration.ofMillis(1)), "returned while a trigger was still running");
        release.countDown();
        assertTrue(reactor.stopAndWait(LONG));
    }

    @Test
    void returnsAtOnceWhenTheReactorNeverRan() throws Exception {
        assertTrue(new Reactor().stopAndWait(Duration.ZERO));
    }

    @Test
    void refusesToWaitOnTheLoopThreadItself() throws Exception {
        Reactor reactor = new Reactor();
        ReactorThread running = ReactorThread.start(reactor);
        IllegalStateException thrown = running.call(() -> assertThrows(IllegalStateException.class,
                () -> reactor.stopAndWait(LONG)));
        assertTrue(thrown.getMessage().contains("call stop()"), thrown.getMessage());
        assertTrue(reactor.stopAndWait(LONG));
    }

    @Test
    void installingTheHookAfterTheLoopFinishedDoesNothing() throws Exception {
        Reactor reactor = new Reactor();
        ReactorThread.start(reactor).close();
        reactor.installShutdownHook();
        reactor.installShutdownHook();
        assertTrue(reactor.stopAndWait(Duration.ZERO));
    }
}
