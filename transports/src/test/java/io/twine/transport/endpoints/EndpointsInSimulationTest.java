package io.twine.transport.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulation;
import io.twine.testing.sim.Simulations;
import io.twine.transport.tcp.Tcp;
import io.twine.transport.udp.Udp;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A program that takes its endpoints from strings, or calls Tcp and Udp, runs unchanged on simulated hosts. */
class EndpointsInSimulationTest {

    private static final class Greeter extends Protocol {
        final StringBuilder received = new StringBuilder();

        @Override
        public void connectionMade() {
            transport.write("hello\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            received.append(StandardCharsets.US_ASCII.decode(data));
        }
    }

    @Test
    void serverAndClientEndpointStringsConnectThroughTheSimulatedNetwork() {
        Simulations.run(10, FaultProfile.HOSTILE.withoutFailures(), sim -> {
            SimulatedReactor server = sim.host("server");
            SimulatedReactor client = sim.host("client");
            CompletableFuture<ListeningPort> listening = Endpoints.server(server, "tcp:7000", Factory.forProtocol(Greeter::new));
            CompletableFuture<Protocol> connected = Endpoints.client(client, "tcp:host=server:port=7000:timeout=5",
                    Factory.forProtocol(Greeter::new));
            assertTrue(sim.runUntil(connected::isDone, Duration.ofMinutes(1)));
            assertEquals(7000, ((InetSocketAddress) listening.join().getHost()).getPort());
            Greeter greeter = (Greeter) connected.join();
            assertTrue(sim.runUntil(() -> greeter.received.toString().equals("hello\n"), Duration.ofDays(1)));
            assertEquals(new InetSocketAddress(server.address(), 7000), greeter.transport().getPeer());
            sim.finish();
        });
    }

    @Test
    void aClientEndpointFailsWithItsTimeoutWhenEverySynIsLost() {
        Simulation sim = new Simulation(1, FaultProfile.NONE.withConnectionFailures(0, 1, 0, Duration.ofSeconds(1)));
        Endpoints.server(sim.host("server"), "tcp:7000", Factory.forProtocol(Greeter::new));
        CompletableFuture<Protocol> connected = Endpoints.client(sim.host("client"), "tcp:host=server:port=7000:timeout=3",
                Factory.forProtocol(Greeter::new));
        assertTrue(sim.runUntil(connected::isDone, Duration.ofMinutes(1)));
        assertTrue(connected.isCompletedExceptionally());
        assertEquals(3_000_000_000L, sim.now(), "failed at its timeout, in virtual time");
        sim.finish();
    }

    @Test
    void tcpAndUdpHelpersWorkOnASimulatedHost() throws Exception {
        Simulation sim = new Simulation(2);
        SimulatedReactor host = sim.host("h");
        ListeningPort port = Tcp.listen(host, new InetSocketAddress(0), Factory.forProtocol(Greeter::new));
        assertTrue(port.isListening());
        StringBuilder heard = new StringBuilder();
        Udp.listen(host, new InetSocketAddress(5353), new DatagramProtocol() {
            @Override
            public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
                heard.append(StandardCharsets.US_ASCII.decode(data));
            }
        });
        Udp.listen(sim.host("other"), new InetSocketAddress(0), new DatagramProtocol() {
            @Override
            public void startProtocol() {
                transport.write("ping".getBytes(StandardCharsets.US_ASCII), new InetSocketAddress(host.address(), 5353));
            }
        });
        sim.runUntilIdle(Duration.ofSeconds(1));
        assertEquals("ping", heard.toString());
        sim.finish();
    }
}
