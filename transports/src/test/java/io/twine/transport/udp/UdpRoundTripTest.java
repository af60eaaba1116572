package io.twine.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.Reactor;
import io.twine.reactor.UdpOptions;
import io.twine.testing.ReactorThread;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(120)
class UdpRoundTripTest {

    static final int DATAGRAMS = 1000;
    /** Loopback drops bursts of large datagrams silently, so at most this many are in flight. */
    static final int IN_FLIGHT = 2;
    /** Asked for, the kernel caps it: room for a few maximum-size datagrams queued at once. */
    static final UdpOptions OPTIONS = UdpOptions.defaults().withReceiveBufferSize(1 << 20);

    /** Sends its datagram back to whoever sent it. */
    static final class Echo extends DatagramProtocol {
        @Override
        public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
            transport.write(data, sender);
        }
    }

    /** Sends the datagrams in turn, checks each echo byte for byte, keeps {@link #IN_FLIGHT} out. */
    static final class Pinger extends DatagramProtocol {
        final byte[][] datagrams;
        final InetSocketAddress server;
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        int sent;
        int received;

        Pinger(byte[][] datagrams, InetSocketAddress server) {
            this.datagrams = datagrams;
            this.server = server;
        }

        @Override
        public void startProtocol() {
            while (sent < IN_FLIGHT) {
                sendNext();
            }
        }

        private void sendNext() {
            if (sent < datagrams.length) {
                transport.write(datagrams[sent++], server);
            }
        }

        @Override
        public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
            byte[] expected = datagrams[received];
            byte[] actual = new byte[data.remaining()];
            data.get(actual);
            if (!Arrays.equals(expected, actual)) {
                done.completeExceptionally(new AssertionError("echo " + received + " differs: sent "
                        + expected.length + " bytes, got " + actual.length));
                return;
            }
            received++;
            if (received == datagrams.length) {
                done.complete(received);
            } else {
                sendNext();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, 65507", "::1, 65527"})
    void thousandDatagramsOfRandomSizesUpToTheFamilyMaximumComeBackByteExact(String address, int max)
            throws Exception {
        Random random = new Random(20240601);
        byte[][] datagrams = new byte[DATAGRAMS][];
        for (int i = 0; i < DATAGRAMS; i++) {
            int size = i == 0 ? 0 : i == 1 ? max : random.nextInt(max + 1);
            datagrams[i] = new byte[size];
            random.nextBytes(datagrams[i]);
        }
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            InetAddress loopback = InetAddress.getByName(address);
            DatagramTransport server = rt.call(() ->
                    Udp.listen(reactor, new InetSocketAddress(loopback, 0), new Echo(), OPTIONS));
            assertEquals(max, UdpPort.maxPayload(loopback));
            Pinger pinger = new Pinger(datagrams, server.getHost());
            rt.call(() -> Udp.listen(reactor, new InetSocketAddress(loopback, 0), pinger, OPTIONS));
            assertEquals(DATAGRAMS, ReactorThread.await(pinger.done));
        }
    }
}
