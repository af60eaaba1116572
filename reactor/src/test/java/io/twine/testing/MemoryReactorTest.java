package io.twine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.ShutdownPhase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The memory reactor's own behaviour: time, tasks, lifecycle, errors. */
class MemoryReactorTest {

    @Test
    void timersRunWhenItsManualClockAdvances() {
        ManualClock clock = new ManualClock();
        MemoryReactor reactor = new MemoryReactor(clock);
        List<String> ran = new ArrayList<>();
        reactor.callLater(Duration.ofSeconds(2), () -> ran.add("two"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), ran);
        reactor.clock().advance(Duration.ofSeconds(1));
        assertEquals(List.of("two"), ran);
        assertEquals(Duration.ofSeconds(2).toNanos(), reactor.now());
    }

    @Test
    void tasksFromOtherThreadsWaitForRunPendingTasks() throws Exception {
        MemoryReactor reactor = new MemoryReactor();
        List<String> ran = new ArrayList<>();
        Thread other = new Thread(() -> reactor.callFromThread(() -> ran.add("from other")));
        other.start();
        other.join();
        assertEquals(List.of(), ran);
        assertTrue(reactor.isInLoopThread());
        assertEquals(1, reactor.runPendingTasks());
        assertEquals(List.of("from other"), ran);
    }

    @Test
    void runAndStopFollowTheReactorsOrder() {
        MemoryReactor reactor = new MemoryReactor();
        List<String> order = new ArrayList<>();
        reactor.callWhenRunning(() -> order.add("running"));
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> order.add("after"));
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> order.add("before"));
        reactor.addShutdownTrigger(ShutdownPhase.DURING, () -> order.add("during"));
        assertEquals(List.of(), order);
        reactor.run();
        assertTrue(reactor.isRunning());
        reactor.callWhenRunning(() -> order.add("now"));
        reactor.stop();
        reactor.stop();
        assertEquals(List.of("running", "now", "before", "during", "after"), order);
        assertFalse(reactor.isRunning());
        assertTrue(reactor.hasStopped());
    }

    @Test
    void deferToThreadRunsAtOnceAndErrorsAreKept() {
        MemoryReactor reactor = new MemoryReactor();
        assertEquals("done", reactor.deferToThread(() -> "done").getNow(null));
        IOException failure = new IOException("disk");
        CompletableFuture<Object> failed = reactor.deferToThread(() -> {
            throw failure;
        });
        assertTrue(failed.isCompletedExceptionally());
        reactor.reportError("saving", failure);
        assertEquals("saving", reactor.errors().get(0).context());
        assertSame(failure, reactor.errors().get(0).error());
    }

    @Test
    void namesResolveThroughTheInstalledResolver() throws Exception {
        MemoryReactor reactor = new MemoryReactor();
        assertTrue(reactor.nameResolver().resolve("example.test").isCompletedExceptionally(),
                "the default resolver knows no name");
        StaticResolver resolver = new StaticResolver().add("db.test", java.net.InetAddress.getByName("127.0.0.7"));
        reactor.installNameResolver(resolver);
        assertSame(resolver, reactor.nameResolver());
        assertEquals(List.of(java.net.InetAddress.getByName("127.0.0.7")), reactor.nameResolver().resolve("db.test").get());
    }
}
