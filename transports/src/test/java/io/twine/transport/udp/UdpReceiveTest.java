package io.twine.transport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class UdpReceiveTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Throws on the first datagram, records the rest. */
    static final class ThrowsOnce extends Recorder {
        boolean thrown;

        @Override
        public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
            if (!thrown) {
                thrown = true;
                throw new IllegalStateException("bad datagram");
            }
            super.datagramReceived(data, sender);
        }
    }

    @Test
    void anExceptionFromDatagramReceivedIsReportedAndTheNextDatagramIsStillDelivered() throws Exception {
        Reactor reactor = new Reactor();
        ErrorCollector errors = new ErrorCollector();
        reactor.setErrorReporter(errors);
        ThrowsOnce protocol = new ThrowsOnce();
        try (ReactorThread rt = ReactorThread.start(reactor);
                DatagramChannel client = DatagramChannel.open(StandardProtocolFamily.INET)) {
            DatagramTransport port = rt.call(() -> Udp.listen(reactor, ANY_LOOPBACK_PORT, protocol));
            client.bind(ANY_LOOPBACK_PORT);
            client.send(text("first"), port.getHost());
            ErrorCollector.Report report = Recorder.poll(errors.reports, "an error report");
            assertEquals("bad datagram", report.error.getMessage());
            assertTrue(report.context.contains("datagramReceived"), report.context);

            client.send(text("second"), port.getHost());
            assertEquals("second", protocol.next().text());
            assertTrue(rt.call(port::isListening));
            assertEquals(0, protocol.stopCount);
        }
        assertTrue(errors.reports.isEmpty(), "reported once: " + errors.reports.size() + " more reports");
    }

    /** Counts datagrams, and notes how many the first readiness event delivered. */
    static final class CountsPerEvent extends DatagramProtocol {
        final Reactor reactor;
        final CompletableFuture<Integer> firstEvent = new CompletableFuture<>();
        final CompletableFuture<Void> all = new CompletableFuture<>();
        final int expected;
        int count;

        CountsPerEvent(Reactor reactor, int expected) {
            this.reactor = reactor;
            this.expected = expected;
        }

        @Override
        public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
            if (count++ == 0) {
                // Timers run after every ready key of this pass has been dispatched.
                reactor.callLater(Duration.ZERO, () -> firstEvent.complete(count));
            }
            if (count == expected) {
                all.complete(null);
            }
        }
    }

    @Test
    void oneReadinessEventDrainsSeveralDatagramsButNoMoreThanTheBound() throws Exception {
        int sent = 3 * UdpPort.MAX_DATAGRAMS_PER_EVENT + 5;
        Reactor reactor = new Reactor();
        CountsPerEvent protocol = new CountsPerEvent(reactor, sent);
        try (ReactorThread rt = ReactorThread.start(reactor);
                DatagramChannel client = DatagramChannel.open(StandardProtocolFamily.INET)) {
            DatagramTransport port = rt.call(() -> Udp.listen(reactor, ANY_LOOPBACK_PORT, protocol));
            client.bind(ANY_LOOPBACK_PORT);
            // Hold the loop while every datagram lands in the socket's buffer.
            CountDownLatch loopHeld = new CountDownLatch(1);
            CountDownLatch allSent = new CountDownLatch(1);
            reactor.callFromThread(() -> {
                loopHeld.countDown();
                try {
                    allSent.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            loopHeld.await();
            for (int i = 0; i < sent; i++) {
                client.send(text("datagram " + i), port.getHost());
            }
            allSent.countDown();
            assertEquals(UdpPort.MAX_DATAGRAMS_PER_EVENT, ReactorThread.await(protocol.firstEvent));
            ReactorThread.await(protocol.all);
        }
    }
}
