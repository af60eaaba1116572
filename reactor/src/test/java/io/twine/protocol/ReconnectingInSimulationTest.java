package io.twine.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.TcpOptions;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulation;
import io.twine.testing.sim.Simulations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link ReconnectingClientFactory} through random outages of its server, on a network that also
 * refuses, loses and resets: it never has two connections at once, never stops trying, waits no
 * longer than its capped back-off between a failure and the next attempt, and is connected again
 * soon after the last outage.
 */
class ReconnectingInSimulationTest {

    private static final double MAX_DELAY = 8;

    /** A client that reconnects, and watches itself. */
    static final class Watched extends ReconnectingClientFactory {
        private final Simulation sim;
        int open;
        int connections;
        long failedAt = -1;
        long longestWait;
        boolean toldToStop;

        Watched(SimulatedReactor host, Simulation sim) {
            super(host, sim.random());
            this.sim = sim;
            setMaxDelay(MAX_DELAY);
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            resetDelay();
            return new Protocol() {
                @Override
                public void connectionMade() {
                    open++;
                    connections++;
                }

                @Override
                public void connectionLost(Reason reason) {
                    open--;
                }
            };
        }

        @Override
        public void startedConnecting(Connector connector) {
            super.startedConnecting(connector);
            if (failedAt >= 0) {
                longestWait = Math.max(longestWait, sim.now() - failedAt);
                failedAt = -1;
            }
        }

        @Override
        public void clientConnectionFailed(Connector connector, Reason reason) {
            failedAt = sim.now();
            super.clientConnectionFailed(connector, reason);
        }

        @Override
        public void clientConnectionLost(Connector connector, Reason reason) {
            failedAt = sim.now();
            super.clientConnectionLost(connector, reason);
        }
    }

    @Test
    void reconnectsThroughRandomOutagesWithABoundedBackOff() {
        Simulations.run(20, FaultProfile.HOSTILE, sim -> {
            SimulatedReactor server = sim.host("server");
            SimulatedReactor client = sim.host("client");
            try {
                server.listenTcp(new InetSocketAddress(80), io.twine.protocol.Factory.forProtocol(() -> new Protocol() {}),
                        TcpOptions.defaults());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            Watched factory = new Watched(client, sim);
            client.connectTcp(new InetSocketAddress("server", 80), factory, TcpOptions.defaults().withConnectTimeout(Duration.ofSeconds(3)));
            sim.always("never two connections at once", () -> factory.open <= 1);
            sim.always("never gives up: connected, connecting or a retry pending",
                    () -> factory.toldToStop || factory.open == 1 || factory.isRetryPending() || factory.failedAt < 0);
            long lastOutageEnds = 0;
            for (int i = 0; i < 5; i++) {
                long start = sim.random().nextLong(120_000);
                long length = 1_000 + sim.random().nextLong(20_000);
                server.callLater(Duration.ofMillis(start), () -> sim.network().outage(server, Duration.ofMillis(length)));
                lastOutageEnds = Math.max(lastOutageEnds, start + length);
            }
            sim.runFor(Duration.ofMillis(lastOutageEnds));
            assertTrue(sim.runUntil(() -> factory.open == 1, Duration.ofMinutes(10)), "connected again after the outages");
            double bound = MAX_DELAY * (1 + 8 * factory.getJitter()) * 1e9;
            assertTrue(factory.longestWait <= bound, "waited " + factory.longestWait / 1e9 + " s between a failure and a retry");
            assertTrue(factory.connections >= 2, "the outages cost it connections: " + factory.connections);
            factory.toldToStop = true;
            factory.stopTrying();
            sim.finish();
        });
    }
}
