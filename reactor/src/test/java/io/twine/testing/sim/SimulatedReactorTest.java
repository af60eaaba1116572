package io.twine.testing.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A simulated host's EventLoop methods: threads, deferred work, names, stopping. */
@Timeout(30)
class SimulatedReactorTest {

    @Test
    void aTaskFromAnotherThreadRunsOnTheSimulationThreadAtTheNextStep() throws InterruptedException {
        Simulation sim = new Simulation(1);
        SimulatedReactor host = sim.host("h");
        Thread simulationThread = Thread.currentThread();
        AtomicBoolean inLoopThere = new AtomicBoolean(true);
        Thread[] ranOn = new Thread[1];
        CountDownLatch posted = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            inLoopThere.set(host.isInLoopThread());
            host.callFromThread(() -> ranOn[0] = Thread.currentThread());
            posted.countDown();
        });
        other.start();
        assertTrue(posted.await(10, TimeUnit.SECONDS));
        assertTrue(sim.step());
        assertSame(simulationThread, ranOn[0]);
        assertFalse(inLoopThere.get());
        assertTrue(host.isInLoopThread());
    }

    @Test
    void deferredWorkRunsOnTheSimulationThreadAtTheNextStep() throws Exception {
        Simulation sim = new Simulation(2);
        CompletableFuture<String> result = sim.host("h").deferToThread(() -> Thread.currentThread().getName());
        assertFalse(result.isDone(), "not from inside the call");
        sim.runUntilIdle(Duration.ofSeconds(1));
        assertEquals(Thread.currentThread().getName(), result.get());
        CompletableFuture<String> failed = sim.host("h").deferToThread(() -> {
            throw new IllegalStateException("no");
        });
        sim.runUntilIdle(Duration.ofSeconds(1));
        ExecutionException error = assertThrows(ExecutionException.class, failed::get);
        assertInstanceOf(IllegalStateException.class, error.getCause());
    }

    @Test
    void theResolverKnowsEveryHostAndLocalhost() throws Exception {
        Simulation sim = new Simulation(3);
        SimulatedReactor client = sim.host("client");
        SimulatedReactor server = sim.host("server");
        assertEquals(List.of(server.address()), client.nameResolver().resolve("server").get());
        assertEquals(List.of(InetAddress.getLoopbackAddress()), client.nameResolver().resolve("localhost").get());
        ExecutionException unknown = assertThrows(ExecutionException.class, () -> client.nameResolver().resolve("nowhere").get());
        assertInstanceOf(UnknownHostException.class, unknown.getCause());
        assertEquals("10.0.0.2", server.address().getHostAddress());
    }

    @Test
    void aStopFromAnotherThreadShutsTheHostDownAtTheNextStep() throws InterruptedException {
        Simulation sim = new Simulation(4);
        SimulatedReactor host = sim.host("h");
        Thread other = new Thread(host::stop);
        other.start();
        other.join(10_000);
        sim.runUntilIdle(Duration.ofSeconds(1));
        assertTrue(host.hasStopped());
    }

    @Test
    void callLaterRefusesANegativeDelayAndCancelledCallsNeverRun() {
        Simulation sim = new Simulation(5);
        SimulatedReactor host = sim.host("h");
        assertThrows(IllegalArgumentException.class, () -> host.callLater(Duration.ofMillis(-1), () -> {}));
        boolean[] ran = new boolean[1];
        host.callLater(Duration.ofSeconds(1), () -> ran[0] = true).cancel();
        sim.runUntilIdle(Duration.ofMinutes(1));
        assertFalse(ran[0]);
        assertEquals(0, host.timersRun());
    }
}
