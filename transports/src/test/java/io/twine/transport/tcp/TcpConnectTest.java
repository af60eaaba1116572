package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.TcpOptions;
import io.twine.testing.ReactorThread;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connecting: success, refusal, timeouts, retries from the factory, and factory lifecycles. */
@Timeout(60)
class TcpConnectTest {

    private static InetSocketAddress closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }
    }

    @Test
    void connectedClientGetsConnectionMadeAndLostWithThePeersClose() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void connectionMade() {
                    transport.write(new byte[] {42});
                    transport.loseConnection();
                }
            })));
            Loopback.Recording client = new Loopback.Recording();
            Loopback.RecordingClientFactory factory = new Loopback.RecordingClientFactory(() -> client);
            Connector connector = rt.call(() -> Tcp.connect(rt.reactor(), port.getHost(), factory));
            ReactorThread.await(client.made);
            assertEquals(port.getHost(), connector.getDestination());
            assertEquals(port.getHost(), rt.call(() -> client.transport().getPeer()));
            assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(client.lost).kind());
            assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(factory.lost).kind());
            assertEquals(0, (int) rt.call(factory::activePorts), "the factory is stopped once the connector is done");
        }
    }

    @Test
    void refusedConnectionReachesClientConnectionFailedWithConnectException() throws Exception {
        InetSocketAddress nobody = closedPort();
        try (ReactorThread rt = ReactorThread.start()) {
            Loopback.RecordingClientFactory factory = new Loopback.RecordingClientFactory(Loopback.Recording::new);
            rt.call(() -> Tcp.connect(rt.reactor(), nobody, factory));
            Reason reason = ReactorThread.await(factory.failed);
            assertEquals(Reason.Kind.ERROR, reason.kind());
            assertInstanceOf(ConnectException.class, reason.cause());
            assertEquals(0, (int) rt.call(factory::activePorts));
        }
    }

    @Test
    void connectThatNeverCompletesTimesOut() throws Exception {
        // A listener with backlog 1 that never accepts: the kernel queues two connections and
        // drops the SYN of the third, which then hangs until our timeout.
        try (ServerSocketChannel full = ServerSocketChannel.open()) {
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            SocketAddress address = full.getLocalAddress();
            List<Socket> queued = new ArrayList<>();
            try (ReactorThread rt = ReactorThread.start()) {
                for (int i = 0; i < 2; i++) {
                    queued.add(new Socket(((InetSocketAddress) address).getAddress(), ((InetSocketAddress) address).getPort()));
                }
                Loopback.RecordingClientFactory factory = new Loopback.RecordingClientFactory(Loopback.Recording::new);
                TcpOptions options = TcpOptions.defaults().withConnectTimeout(Duration.ofMillis(300));
                rt.call(() -> Tcp.connect(rt.reactor(), address, factory, options));
                Reason reason = ReactorThread.await(factory.failed);
                assertEquals(Reason.Kind.TIMED_OUT, reason.kind());
                assertTrue(reason.message().contains("timed out after 300 ms"), reason.message());
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void connectCalledFromClientConnectionFailedRetries() throws Exception {
        InetSocketAddress nobody = closedPort();
        try (ReactorThread rt = ReactorThread.start()) {
            List<Reason> failures = new ArrayList<>();
            CompletableFuture<Integer> gaveUp = new CompletableFuture<>();
            int[] started = new int[2];
            ClientFactory factory = new ClientFactory() {
                @Override
                public Protocol buildProtocol(SocketAddress peer) {
                    return new Protocol() { };
                }

                @Override
                public void startFactory() {
                    started[0]++;
                }

                @Override
                public void startedConnecting(Connector connector) {
                    started[1]++;
                }

                @Override
                public void clientConnectionFailed(Connector connector, Reason reason) {
                    failures.add(reason);
                    if (failures.size() < 3) {
                        connector.connect();
                    } else {
                        gaveUp.complete(failures.size());
                    }
                }
            };
            rt.call(() -> Tcp.connect(rt.reactor(), nobody, factory));
            assertEquals(3, ReactorThread.await(gaveUp));
            assertEquals(1, rt.call(() -> started[0]), "startFactory runs once across retries");
            assertEquals(3, rt.call(() -> started[1]), "startedConnecting runs for each attempt");
            assertEquals(0, (int) rt.call(factory::activePorts));
        }
    }

    @Test
    void stopConnectingReportsAnAbortedAttempt() throws Exception {
        try (ServerSocketChannel full = ServerSocketChannel.open()) {
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            InetSocketAddress address = (InetSocketAddress) full.getLocalAddress();
            try (Socket a = new Socket(address.getAddress(), address.getPort());
                    Socket b = new Socket(address.getAddress(), address.getPort());
                    ReactorThread rt = ReactorThread.start()) {
                Loopback.RecordingClientFactory factory = new Loopback.RecordingClientFactory(Loopback.Recording::new);
                Connector connector = rt.call(() -> Tcp.connect(rt.reactor(), address, factory));
                rt.run(connector::stopConnecting);
                assertEquals(Reason.Kind.ABORTED, ReactorThread.await(factory.failed).kind());
            }
        }
    }

    @Test
    void factoryReturningNullRefusesTheConnection() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, new Factory() {
                @Override
                public Protocol buildProtocol(SocketAddress peer) {
                    return null;
                }
            }));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(10_000);
                assertEquals(-1, socket.getInputStream().read());
            }
        }
    }

    @Test
    void oneFactoryOnTwoPortsStartsOnceAndStopsWithTheLast() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            List<String> events = new ArrayList<>();
            Factory factory = new Factory() {
                @Override
                public Protocol buildProtocol(SocketAddress peer) {
                    return new Protocol() { };
                }

                @Override
                public void startFactory() {
                    events.add("start");
                }

                @Override
                public void stopFactory() {
                    events.add("stop");
                }
            };
            ListeningPort first = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, factory));
            ListeningPort second = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, factory));
            rt.run(first::stopListening);
            assertEquals(List.of("start"), rt.call(() -> new ArrayList<>(events)));
            rt.run(second::stopListening);
            rt.run(second::stopListening);  // a second call does nothing
            assertEquals(List.of("start", "stop"), rt.call(() -> new ArrayList<>(events)));
        }
    }

    @Test
    void listeningOnABusyPortFailsNamingTheAddress() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> new Protocol() { })));
            Exception error = null;
            try {
                rt.call(() -> Tcp.listen(rt.reactor(), port.getHost(), Factory.forProtocol(() -> new Protocol() { })));
            } catch (Exception e) {
                error = e;
            }
            assertTrue(error != null && error.getMessage().contains("cannot listen on"), String.valueOf(error));
        }
    }
}
