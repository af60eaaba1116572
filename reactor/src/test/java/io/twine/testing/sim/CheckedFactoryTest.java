package io.twine.testing.sim;

import static io.twine.testing.sim.EchoPrograms.echoServer;
import static io.twine.testing.sim.EchoPrograms.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.policies.ProtocolWrapper;
import io.twine.protocol.policies.WrappingFactory;
import io.twine.reactor.TcpOptions;
import io.twine.testing.sim.EchoPrograms.RecordingClientFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The protocol-level checks catch layers that break the contract, and count what a program promises. */
class CheckedFactoryTest {

    @Test
    void anEchoWritesBackEveryByteItReceivesWhateverTheNetworkDoes() {
        Simulations.run(10, FaultProfile.HOSTILE, sim -> {
            SimulatedReactor server = sim.host("server");
            CheckedFactory echo = new CheckedFactory(sim, "echo", echoServer());
            try {
                server.listenTcp(new InetSocketAddress(7), echo, TcpOptions.defaults());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            for (int i = 0; i < 6; i++) {
                sim.host("client").connectTcp(new InetSocketAddress("server", 7),
                        new RecordingClientFactory(payload(2_000, i)), TcpOptions.defaults());
            }
            sim.runFor(Duration.ofSeconds(20));
            // Resets lose what is in flight, so an echo promises only this much: it never writes more
            // than it received, and on a connection that closed cleanly it wrote everything.
            sim.eventually("the echo never writes more than it received", () -> echo.bytesWritten() <= echo.bytesReceived());
            sim.finish();
            assertEquals(echo.connectionsMade(), echo.connectionsLost());
        });
    }

    /** A layer that delays each read by 10 ms and forgets to cancel on connectionLost: a real kind of bug. */
    private static final class DelayingLayer extends WrappingFactory {
        private final SimulatedReactor host;

        DelayingLayer(SimulatedReactor host, Factory wrapped) {
            super(wrapped);
            this.host = host;
        }

        @Override
        protected ProtocolWrapper wrapProtocol(Protocol inner) {
            return new ProtocolWrapper(inner) {
                @Override
                public void dataReceived(ByteBuffer data) {
                    byte[] copy = new byte[data.remaining()];
                    data.get(copy);
                    host.callLater(Duration.ofMillis(10), () -> super.dataReceived(ByteBuffer.wrap(copy)));
                }
            };
        }
    }

    @Test
    void aLayerThatDeliversDataAfterConnectionLostIsCaughtWithTheEventsThatLedThere() throws IOException {
        Simulation sim = new Simulation(1);
        SimulatedReactor server = sim.host("server");
        Factory app = Factory.forProtocol(() -> new Protocol() {});
        server.listenTcp(new InetSocketAddress(7), new DelayingLayer(server, new CheckedFactory(sim, "app", app)),
                TcpOptions.defaults());
        sim.host("client").connectTcp(new InetSocketAddress("server", 7), new RecordingClientFactory(new byte[10]) {
            @Override
            public Protocol buildProtocol(java.net.SocketAddress peer) {
                return new Protocol() {
                    @Override
                    public void connectionMade() {
                        transport.write(new byte[10]);
                        transport.loseConnection();
                    }
                };
            }
        }, TcpOptions.defaults());
        SimulationFailure failure = assertThrows(SimulationFailure.class, () -> sim.runUntilIdle(Duration.ofSeconds(1)));
        assertTrue(failure.getMessage().startsWith("app: dataReceived of "), failure.getMessage());
        assertTrue(failure.getMessage().contains("after connectionLost"), failure.getMessage());
        assertTrue(failure.getMessage().contains("connectionLost CLOSED_BY_PEER"), failure.getMessage());
    }

    @Test
    void aProtocolNeverToldItsConnectionEndedFailsTheFinish() throws IOException {
        Simulation sim = new Simulation(2);
        SimulatedReactor server = sim.host("server");
        // A layer that swallows connectionLost.
        WrappingFactory swallowing = new WrappingFactory(new CheckedFactory(sim, "app", Factory.forProtocol(() -> new Protocol() {}))) {
            @Override
            protected ProtocolWrapper wrapProtocol(Protocol inner) {
                return new ProtocolWrapper(inner) {
                    @Override
                    public void connectionLost(Reason reason) {}
                };
            }
        };
        server.listenTcp(new InetSocketAddress(7), swallowing, TcpOptions.defaults());
        sim.host("client").connectTcp(new InetSocketAddress("server", 7), new RecordingClientFactory(new byte[0]), TcpOptions.defaults());
        sim.runUntilIdle(Duration.ofSeconds(1));
        SimulationFailure failure = assertThrows(SimulationFailure.class, sim::finish);
        assertTrue(failure.getMessage().startsWith("invariant broken at the end: app: every protocol made got connectionLost exactly once"),
                failure.getMessage());
    }
}
