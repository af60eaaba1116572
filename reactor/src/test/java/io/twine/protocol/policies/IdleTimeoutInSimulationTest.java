package io.twine.protocol.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.LoopingCall;
import io.twine.reactor.TcpOptions;
import io.twine.testing.sim.CheckedFactory;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link IdleTimeoutFactory} on a hostile network: silent clients are always cut off, and no
 * connection is ever timed out while it had traffic within the timeout (reads stall, windows are
 * tiny, latency jitters: the timer must only ever count real idleness).
 */
class IdleTimeoutInSimulationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** The server's view of one connection: when it last read or wrote, and how it ended. */
    private static final class Seen {
        long lastActivity;
        Reason lost;
        long lostAt;
    }

    @Test
    void silentClientsAreCutOffAndBusyOnesNeverEarly() {
        Simulations.run(15, FaultProfile.HOSTILE, sim -> {
            SimulatedReactor server = sim.host("server");
            List<Seen> seen = new ArrayList<>();
            Factory echo = Factory.forProtocol(() -> new Protocol() {
                final Seen mine = new Seen();

                @Override
                public void connectionMade() {
                    seen.add(mine);
                    mine.lastActivity = sim.now();
                }

                @Override
                public void dataReceived(ByteBuffer data) {
                    mine.lastActivity = sim.now();
                    transport.write(data);
                }

                @Override
                public void connectionLost(Reason reason) {
                    mine.lost = reason;
                    mine.lostAt = sim.now();
                }
            });
            CheckedFactory checked = new CheckedFactory(sim, "idle echo", echo);
            try {
                server.listenTcp(new InetSocketAddress(7), new IdleTimeoutFactory(server, checked, TIMEOUT), TcpOptions.defaults());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            int talkers = 4;
            int silent = 3;
            for (int i = 0; i < talkers + silent; i++) {
                boolean talks = i < talkers;
                SimulatedReactor client = sim.host("client" + i);
                client.connectTcp(new InetSocketAddress("server", 7), new ClientFactory() {
                    @Override
                    public Protocol buildProtocol(SocketAddress peer) {
                        return talks ? new Talker(client) : new Protocol() {};
                    }
                }, TcpOptions.defaults());
            }
            sim.runFor(Duration.ofMinutes(5));
            for (Seen connection : seen) {
                assertTrue(connection.lost != null, "every connection ended within 5 minutes");
                if (connection.lost.kind() == Reason.Kind.TIMED_OUT) {
                    long idle = connection.lostAt - connection.lastActivity;
                    assertTrue(idle >= TIMEOUT.toNanos(), "timed out after only " + idle + " ns without traffic");
                }
            }
            long timedOut = seen.stream().filter(s -> s.lost.kind() == Reason.Kind.TIMED_OUT).count();
            long resetOrRefused = talkers + silent - seen.size() + seen.stream().filter(s -> s.lost.kind() == Reason.Kind.RESET).count();
            assertTrue(timedOut + resetOrRefused >= silent, "the silent clients were cut off: " + timedOut + " timed out");
            sim.finish();
            assertEquals(checked.connectionsMade(), checked.connectionsLost());
        });
    }

    /** Sends a byte every 300 ms for 6 s, then closes. */
    private static final class Talker extends Protocol {
        private final SimulatedReactor host;
        private LoopingCall beat;

        Talker(SimulatedReactor host) {
            this.host = host;
        }

        @Override
        public void connectionMade() {
            beat = LoopingCall.withCount(host, intervals -> {
                if (beat.runCount() >= 20) {
                    beat.stop();
                    transport.loseConnection();
                } else {
                    transport.write(new byte[] {1});
                }
            });
            beat.start(Duration.ofMillis(300));
        }

        @Override
        public void connectionLost(Reason reason) {
            if (beat.isRunning()) {
                beat.stop();
            }
        }
    }
}
