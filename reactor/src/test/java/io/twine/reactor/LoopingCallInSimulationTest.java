package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.basic.LineReceiver;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LoopingCall} heartbeats over a hostile network: every beat runs exactly on its grid
 * (never early, never drifting), stops for good when its connection is lost, and the peer sees
 * the beats that arrived in order.
 */
class LoopingCallInSimulationTest {

    private static final Duration INTERVAL = Duration.ofMillis(250);

    private static final class Heart extends LineReceiver {
        final SimulatedReactor host;
        final List<Long> beatTimes = new ArrayList<>();
        LoopingCall beat;
        long startedAt;
        boolean lost;
        int beatsAfterLoss;

        Heart(SimulatedReactor host) {
            this.host = host;
        }

        @Override
        public void connectionMade() {
            startedAt = host.now();
            beat = new LoopingCall(host, () -> {
                if (lost) {
                    beatsAfterLoss++;
                }
                beatTimes.add(host.now());
                sendLine("beat " + beatTimes.size());
                if (beatTimes.size() == 40) {
                    beat.stop();
                    transport.loseConnection();
                }
            });
            beat.start(INTERVAL);
        }

        @Override
        public void lineReceived(String line) {}

        @Override
        public void connectionLost(Reason reason) {
            lost = true;
            if (beat.isRunning()) {
                beat.stop();
            }
        }
    }

    @Test
    void beatsRunOnTheirGridStopWithTheConnectionAndArriveInOrder() {
        Simulations.run(15, FaultProfile.HOSTILE, sim -> {
            SimulatedReactor server = sim.host("server");
            List<List<String>> heard = new ArrayList<>();
            try {
                server.listenTcp(new InetSocketAddress(5), Factory.forProtocol(() -> {
                    List<String> lines = new ArrayList<>();
                    heard.add(lines);
                    return new LineReceiver() {
                        @Override
                        public void lineReceived(String line) {
                            lines.add(line);
                        }
                    };
                }), TcpOptions.defaults());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            List<Heart> hearts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                SimulatedReactor client = sim.host("client" + i);
                client.connectTcp(new InetSocketAddress("server", 5), new ClientFactory() {
                    @Override
                    public Protocol buildProtocol(SocketAddress peer) {
                        Heart heart = new Heart(client);
                        hearts.add(heart);
                        return heart;
                    }
                }, TcpOptions.defaults());
            }
            sim.runFor(Duration.ofMinutes(10));
            for (Heart heart : hearts) {
                assertEquals(0, heart.beatsAfterLoss, "no beat after connectionLost");
                for (int k = 0; k < heart.beatTimes.size(); k++) {
                    assertEquals(heart.startedAt + k * INTERVAL.toNanos(), heart.beatTimes.get(k), "beat " + k + " on its grid");
                }
                assertTrue(heart.lost, "every heart stopped: after 40 beats or with its connection");
            }
            for (List<String> lines : heard) {
                for (int k = 0; k < lines.size(); k++) {
                    assertEquals("beat " + (k + 1), lines.get(k));
                }
            }
            sim.finish();
        });
    }
}
