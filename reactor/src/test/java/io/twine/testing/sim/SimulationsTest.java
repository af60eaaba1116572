package io.twine.testing.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.TcpOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Running many seeds, replaying one, and what a failure says. */
class SimulationsTest {

    @Test
    void aFailingSeedIsNamedWithTheCommandThatReplaysItAndTheLastEvents() {
        List<Long> ran = new ArrayList<>();
        int seeds = Simulations.seeds(5).length;
        SimulationFailure failure = assertThrows(SimulationFailure.class, () -> Simulations.run(5, FaultProfile.NONE, sim -> {
            ran.add(sim.seed());
            sim.host("h").callLater(Duration.ofSeconds(1), () -> {});
            sim.runUntilIdle(Duration.ofSeconds(5));
            if (ran.size() == Math.min(3, seeds)) {
                throw new IllegalStateException("the scenario broke");
            }
        }));
        assertEquals(Math.min(3, seeds), ran.size(), "stops at the first failing seed");
        long failed = ran.get(ran.size() - 1);
        String message = failure.getMessage();
        assertTrue(message.startsWith("seed " + failed + " failed; replay with:\n  mvn -B -pl reactor -am test -Dtest="
                + "io.twine.testing.sim.SimulationsTest#aFailingSeedIsNamedWithTheCommandThatReplaysItAndTheLastEvents"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dtwine.sim.seed=" + failed + "\n"), message);
        assertTrue(message.contains("the scenario broke"), message);
        assertTrue(message.contains("1.000000s h timer"), message);
        assertInstanceOf(IllegalStateException.class, failure.getCause());
    }

    @Test
    void withoutPropertiesTheSeedsAreOneToTheCount() {
        if (System.getProperty(Simulations.SEED_PROPERTY) == null && System.getProperty(Simulations.SEEDS_PROPERTY) == null) {
            assertEquals(List.of(1L, 2L, 3L), java.util.Arrays.stream(Simulations.seeds(3)).boxed().toList());
        }
    }

    @Test
    void anAlwaysInvariantFailsAtTheStepThatBreaksItWithThatStepInTheLog() {
        Simulation sim = new Simulation(11);
        SimulatedReactor host = sim.host("h");
        int[] counter = new int[1];
        for (int i = 1; i <= 10; i++) {
            host.callLater(Duration.ofSeconds(i), () -> counter[0]++);
        }
        sim.always("the counter stays below 4", () -> counter[0] < 4);
        SimulationFailure failure = assertThrows(SimulationFailure.class, () -> sim.runUntilIdle(Duration.ofMinutes(1)));
        assertTrue(failure.getMessage().startsWith("invariant broken: the counter stays below 4 (at 4.000000s, seed 11)"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("4.000000s h timer"), failure.getMessage());
    }

    @Test
    void eventuallyInvariantsAreCheckedByFinish() {
        Simulation sim = new Simulation(12);
        sim.host("h");
        sim.eventually("something happened", () -> false);
        SimulationFailure failure = assertThrows(SimulationFailure.class, sim::finish);
        assertTrue(failure.getMessage().startsWith("invariant broken at the end: something happened"), failure.getMessage());
    }

    @Test
    void anAssertionInsideACallbackEndsTheRunInsteadOfBeingSwallowed() throws IOException {
        Simulation sim = new Simulation(13);
        SimulatedReactor host = sim.host("h");
        host.listenTcp(new InetSocketAddress(1), Factory.forProtocol(() -> new Protocol() {
            @Override
            public void connectionMade() {
                throw new AssertionError("the test's own check");
            }
        }), TcpOptions.defaults());
        host.connectTcp(new InetSocketAddress("h", 1), new EchoPrograms.RecordingClientFactory(new byte[0]), TcpOptions.defaults());
        AssertionError failure = assertThrows(AssertionError.class, () -> sim.runUntilIdle(Duration.ofSeconds(1)));
        assertEquals("the test's own check", failure.getMessage());
    }

    @Test
    void timersRunInVirtualTimeInOrderAndNeverAfterTheirHostStopped() {
        Simulation sim = new Simulation(14);
        SimulatedReactor host = sim.host("h");
        List<Long> times = new ArrayList<>();
        host.callLater(Duration.ofMillis(300), () -> times.add(sim.now()));
        host.callLater(Duration.ofMillis(100), () -> times.add(sim.now()));
        host.callLater(Duration.ofHours(2), () -> times.add(sim.now()));
        host.callLater(Duration.ofMillis(200), host::stop);
        sim.runUntilIdle(Duration.ofDays(1));
        assertEquals(List.of(100_000_000L), times, "the timers due after the stop never ran");
        assertTrue(host.hasStopped());
    }

    @Test
    void stopRunsTheTriggersInOrderAndClosesConnectionsAfterTheirFlush() throws IOException {
        Simulation sim = new Simulation(15);
        SimulatedReactor host = sim.host("h");
        List<String> order = new ArrayList<>();
        host.addShutdownTrigger(io.twine.reactor.ShutdownPhase.AFTER, () -> order.add("after"));
        host.addShutdownTrigger(io.twine.reactor.ShutdownPhase.DURING, () -> order.add("during"));
        host.addShutdownTrigger(io.twine.reactor.ShutdownPhase.BEFORE, () -> order.add("before"));
        List<Reason> lost = new ArrayList<>();
        long[] received = new long[1];
        host.listenTcp(new InetSocketAddress(1), Factory.forProtocol(() -> new Protocol() {
            @Override
            public void connectionMade() {
                transport.write(new byte[100_000]);
            }

            @Override
            public void connectionLost(Reason reason) {
                lost.add(reason);
                order.add("lost");
            }
        }), TcpOptions.defaults());
        sim.host("c").connectTcp(new InetSocketAddress("h", 1), new EchoPrograms.RecordingClientFactory(new byte[0]) {
            @Override
            public Protocol buildProtocol(java.net.SocketAddress peer) {
                return new Protocol() {
                    @Override
                    public void dataReceived(ByteBuffer data) {
                        received[0] += data.remaining();
                    }
                };
            }
        }, TcpOptions.defaults());
        sim.runFor(Duration.ofMillis(1));  // the server's connection is made, its bytes not yet read
        host.stop();
        sim.runUntilIdle(Duration.ofMinutes(1));
        sim.finish();
        assertEquals(List.of("before", "during", "lost", "after"), order);
        assertEquals(Reason.Kind.CLOSED_BY_US, lost.get(0).kind());
        assertEquals(100_000, received[0], "the stop flushed everything first");
    }
}
