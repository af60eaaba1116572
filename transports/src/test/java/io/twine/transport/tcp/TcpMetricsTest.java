package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.observe.LoopMetrics;
import io.twine.reactor.observe.ReactorMetricsBean;
import io.twine.testing.ReactorThread;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpMetricsTest {

    /** A client that sends {@code ping} once connected and closes cleanly when it is echoed back. */
    static final class Pinger extends Loopback.Recording {
        private int received;

        @Override
        public void connectionMade() {
            transport.write(new byte[] {'p', 'i', 'n', 'g'});
            super.connectionMade();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            received += data.remaining();
            data.position(data.limit());
            if (received == 4) {
                transport.loseConnection();
            }
        }
    }

    @Test
    void metricsAfterAScriptedRunMatchTheKnownCounts() throws Exception {
        List<Loopback.Echo> servers = new ArrayList<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), Loopback.ANY_PORT, Factory.forProtocol(() -> {
                Loopback.Echo echo = new Loopback.Echo();
                servers.add(echo);
                return echo;
            })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            ObjectName name = rt.call(() -> ReactorMetricsBean.register(rt.reactor(), "tcp-metrics-test"));

            // Two blocking clients, 1,000 bytes each, echoed, then closed by the client.
            for (int client = 0; client < 2; client++) {
                try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                    socket.getOutputStream().write(Loopback.patternBytes(0, 1_000));
                    InputStream in = socket.getInputStream();
                    assertEquals(1_000, in.readNBytes(1_000).length);
                }
            }
            // One twine client on the same reactor: 4 bytes each way, closed by the client.
            Loopback.RecordingClientFactory factory = new Loopback.RecordingClientFactory(Pinger::new);
            rt.run(() -> Tcp.connect(rt.reactor(), bound, factory));
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(factory.lost).kind());
            for (Loopback.Echo server : rt.call(() -> new ArrayList<>(servers))) {
                assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(server.lost).kind());
            }

            LoopMetrics metrics = rt.call(rt.reactor()::metrics);
            assertEquals(3, metrics.connectionsAccepted());
            assertEquals(1, metrics.connectionsConnected());
            assertEquals(0, metrics.connectionsRefused());
            assertEquals(0, metrics.acceptFailures());
            assertEquals(0, metrics.connectionsOpen());
            assertEquals(4, metrics.connectionsClosed());
            assertEquals(3, metrics.closed(Reason.Kind.CLOSED_BY_PEER));
            assertEquals(1, metrics.closed(Reason.Kind.CLOSED_BY_US));
            assertEquals(0, metrics.closed(Reason.Kind.RESET));
            // Both ends of the twine client's connection live on this reactor.
            assertEquals(2 * 1_000 + 4 + 4, metrics.bytesIn());
            assertEquals(2 * 1_000 + 4 + 4, metrics.bytesOut());

            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            assertEquals(3L, server.getAttribute(name, "ConnectionsAccepted"));
            assertEquals(metrics.bytesIn(), server.getAttribute(name, "BytesIn"));
            assertEquals(metrics.bytesOut(), server.getAttribute(name, "BytesOut"));
            assertEquals(4L, server.getAttribute(name, "ConnectionsClosed"));
            assertEquals(0L, server.getAttribute(name, "ConnectionsRefused"));
            assertEquals(0L, server.getAttribute(name, "AcceptFailures"));
        }
    }
}
