package io.twine.testing.sim;

import static io.twine.testing.sim.EchoPrograms.echoServer;
import static io.twine.testing.sim.EchoPrograms.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramProtocol;
import io.twine.reactor.TcpOptions;
import io.twine.reactor.UdpOptions;
import io.twine.testing.sim.EchoPrograms.RecordingClientFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same seed and program give the same run, event for event; another seed gives another run. */
class SimulationDeterminismTest {

    /** A busy run: an echo server, twelve clients starting at staggered times, UDP pings, every fault of the hostile profile. */
    private static Simulation busyRun(long seed) {
        Simulation sim = new Simulation(seed, FaultProfile.HOSTILE);
        SimulatedReactor server = sim.host("server");
        try {
            server.listenTcp(new InetSocketAddress(7000), echoServer(), TcpOptions.defaults());
            server.listenUdp(new InetSocketAddress(9000), new DatagramProtocol() {
                @Override
                public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
                    transport.write(data, sender);
                }
            }, UdpOptions.defaults());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        for (int i = 0; i < 12; i++) {
            SimulatedReactor client = sim.host("client" + (i % 3));
            int n = i;
            client.callLater(Duration.ofMillis(37L * i), () -> client.connectTcp(new InetSocketAddress("server", 7000),
                    new RecordingClientFactory(payload(500 + 300 * n, n)), TcpOptions.defaults()));
            client.callLater(Duration.ofMillis(11L * i), () -> {
                try {
                    client.listenUdp(new InetSocketAddress(0), new DatagramProtocol() {
                        @Override
                        public void startProtocol() {
                            for (int k = 0; k < 5; k++) {
                                transport.write(payload(100 * k + 1, n), new InetSocketAddress(server.address(), 9000));
                            }
                        }
                    }, UdpOptions.defaults());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
        sim.runFor(Duration.ofSeconds(30));
        sim.finish();
        return sim;
    }

    @Test
    void theSameSeedGivesTheSameEventsAndAnotherSeedOthers() {
        Simulation first = busyRun(1234);
        Simulation second = busyRun(1234);
        Simulation other = busyRun(1235);
        assertTrue(first.log().size() > 1_000, "a busy run: " + first.log().size() + " events");
        assertTrue(first.network().connectionsMade() >= 6, "most connections are made: " + first.network().connectionsMade());
        assertEquals(first.log().size(), second.log().size());
        assertEquals(first.log().hash(), second.log().hash());
        assertEquals(first.log().lastLines(EventLog.KEPT), second.log().lastLines(EventLog.KEPT));
        assertNotEquals(first.log().hash(), other.log().hash());
    }

    @Test
    void theLogShowsTimeHostAndWhatHappened() {
        List<String> lines = busyRun(7).log().lastLines(3);
        assertTrue(lines.get(2).matches("\\d+\\.\\d{6}s - finished: \\d+ events"), lines.get(2));
    }
}
