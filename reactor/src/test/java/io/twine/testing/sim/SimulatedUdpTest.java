package io.twine.testing.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.UdpOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Simulated UDP: whole datagrams, and exactly the loss, duplication, reordering and truncation the profile asks for. */
class SimulatedUdpTest {

    private static final class Collector extends DatagramProtocol {
        final List<Integer> firstBytes = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();
        int refused;
        boolean stopped;

        @Override
        public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
            sizes.add(data.remaining());
            firstBytes.add(data.remaining() > 0 ? data.get(data.position()) & 0xff : -1);
        }

        @Override
        public void connectionRefused() {
            refused++;
        }

        @Override
        public void stopProtocol() {
            stopped = true;
        }
    }

    /** Sends 100 datagrams of 1,000 bytes, numbered by their first byte, from one host to another. */
    private static Collector send100(FaultProfile faults, long seed) throws IOException {
        Simulation sim = new Simulation(seed, faults);
        SimulatedReactor a = sim.host("a");
        SimulatedReactor b = sim.host("b");
        Collector collector = new Collector();
        b.listenUdp(new InetSocketAddress(5000), collector, UdpOptions.defaults());
        DatagramTransport sender = a.listenUdp(new InetSocketAddress(0), new DatagramProtocol() {}, UdpOptions.defaults());
        for (int i = 0; i < 100; i++) {
            byte[] datagram = new byte[1000];
            datagram[0] = (byte) i;
            sender.write(datagram, new InetSocketAddress(b.address(), 5000));
        }
        sim.runUntilIdle(Duration.ofMinutes(1));
        sim.finish();
        return collector;
    }

    @Test
    void aQuietNetworkDeliversEveryDatagramWholeAndInOrder() throws IOException {
        Collector collector = send100(FaultProfile.NONE, 1);
        assertEquals(100, collector.sizes.size());
        assertTrue(collector.sizes.stream().allMatch(size -> size == 1000));
        for (int i = 0; i < 100; i++) {
            assertEquals(i, collector.firstBytes.get(i));
        }
        assertTrue(collector.stopped, "stopProtocol when the host stopped");
    }

    @Test
    void lossDuplicationReorderingAndTruncationHappenAsOften() throws IOException {
        FaultProfile faults = FaultProfile.NONE.withDatagramFaults(0.3, 0.2, 0.5, Duration.ofMillis(50), 100);
        Collector collector = send100(faults, 2);
        long distinct = collector.firstBytes.stream().distinct().count();
        assertTrue(distinct > 50 && distinct < 90, "about 30% lost: " + distinct + " of 100 arrived");
        assertTrue(collector.sizes.size() > distinct, "some arrived twice");
        assertTrue(collector.sizes.stream().allMatch(size -> size == 100), "every datagram cut to 100 bytes");
        assertNotEquals(collector.firstBytes.stream().sorted().toList(), collector.firstBytes, "some overtook others");
    }

    @Test
    void aConnectedPortHearsPortUnreachableAndOversizedDatagramsAreRefused() throws IOException {
        Simulation sim = new Simulation(3);
        SimulatedReactor a = sim.host("a");
        Collector collector = new Collector();
        DatagramTransport port = a.listenUdp(new InetSocketAddress(0), collector, UdpOptions.defaults());
        port.connect(new InetSocketAddress(sim.host("b").address(), 5000));
        port.write(new byte[10]);
        sim.runUntilIdle(Duration.ofSeconds(1));
        assertEquals(1, collector.refused);
        assertThrows(IllegalArgumentException.class, () -> port.write(new byte[DatagramTransport.MAX_IPV4_PAYLOAD + 1]));
    }
}
