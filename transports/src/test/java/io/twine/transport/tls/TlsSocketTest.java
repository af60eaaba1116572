package io.twine.transport.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.TcpOptions;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TLS over real TCP connections on the loopback interface, against the JDK's blocking SSLSocket and our own client. */
@Timeout(60)
class TlsSocketTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** SO_RCVBUF and SO_SNDBUF where a test needs the kernel to hold little. */
    private static final int KERNEL_BUFFER = 64 * 1024;

    /** Echoes, and pauses its own reading while the echo waits to be sent (the transport is its own producer). */
    static final class Echo extends Protocol {
        static final AtomicLong largestQueue = new AtomicLong();

        @Override
        public void connectionMade() {
            transport.registerProducer(transport, true);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
            largestQueue.accumulateAndGet(transport.getWriteBufferSize(), Math::max);
        }
    }

    private static ListeningPort listen(ReactorThread rt, TlsOptions options, Factory factory) {
        return rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Tls.server(rt.reactor(), options, factory)));
    }

    private static InetSocketAddress address(ListeningPort port) {
        return (InetSocketAddress) port.getHost();
    }

    @Test
    void echoServerAnswersTheJdkSslSocket() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, TestCertificates.localhostServer().build(), Factory.forProtocol(Echo::new));
            try (SSLSocket socket = BlockingTlsClient.connect(address(port))) {
                byte[] sent = new byte[300_000];
                new Random(7).nextBytes(sent);
                Thread writer = new Thread(() -> {
                    try {
                        socket.getOutputStream().write(sent);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                byte[] received = new byte[sent.length];
                new DataInputStream(socket.getInputStream()).readFully(received);
                writer.join();
                assertArrayEquals(sent, received);
            }
        }
    }

    @Test
    void clientThatNeverReadsStallsTheEchoAtABoundedSizeAndGetsEveryByteLater() throws Exception {
        Echo.largestQueue.set(0);
        // Small, fixed kernel buffers on both sides: autotuned, the server's receive buffer alone
        // may grow to net.ipv4.tcp_rmem's maximum (32 MiB here), and 16 MiB then fitted into the
        // kernel without any flow control (1 run in 40 under load).
        TcpOptions smallBuffers = TcpOptions.defaults().withReceiveBufferSize(KERNEL_BUFFER).withSendBufferSize(KERNEL_BUFFER);
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT,
                    Tls.server(rt.reactor(), TestCertificates.localhostServer().build(), Factory.forProtocol(Echo::new)),
                    smallBuffers));
            Socket plain = new Socket();
            plain.setReceiveBufferSize(KERNEL_BUFFER);
            plain.setSendBufferSize(KERNEL_BUFFER);
            plain.connect(address(port));
            try (SSLSocket socket = BlockingTlsClient.over(plain, true)) {
                socket.startHandshake();
                byte[] sent = new byte[16 << 20];
                new Random(8).nextBytes(sent);
                CompletableFuture<Integer> written = new CompletableFuture<>();
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = socket.getOutputStream();
                        for (int offset = 0; offset < sent.length; offset += 8192) {
                            out.write(sent, offset, 8192);
                        }
                        written.complete(sent.length);
                    } catch (Exception e) {
                        written.completeExceptionally(e);
                    }
                });
                writer.setDaemon(true);
                writer.start();
                // The writer blocks once the kernel buffers on both paths and the server's queue are full.
                assertThrowsTimeout(written);
                long stalled = Echo.largestQueue.get();
                assertTrue(stalled < 1 << 20, "the server queued " + stalled + " bytes for a client that does not read");
                byte[] received = new byte[sent.length];
                new DataInputStream(socket.getInputStream()).readFully(received);
                assertEquals(sent.length, written.get(20, TimeUnit.SECONDS));
                assertArrayEquals(sent, received);
            }
        }
    }

    private static void assertThrowsTimeout(CompletableFuture<Integer> written) throws Exception {
        try {
            written.get(1, TimeUnit.SECONDS);
            throw new AssertionError("16 MiB went through although the client reads nothing");
        } catch (java.util.concurrent.TimeoutException expected) {
            // stalled, as flow control wants
        }
    }

    @Test
    void twineClientTalksToTwineServerAndClosesWithCloseNotify() throws Exception {
        CompletableFuture<Reason> serverLost = new CompletableFuture<>();
        CompletableFuture<String> clientGot = new CompletableFuture<>();
        CompletableFuture<Reason> clientLost = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, TestCertificates.localhostServer().applicationProtocols("twine/1").build(),
                    Factory.forProtocol(() -> new Protocol() {
                        @Override
                        public void connectionMade() {
                            TlsTransport tls = (TlsTransport) transport;
                            transport.write((tls.applicationProtocol() + " " + tls.serverName()).getBytes(StandardCharsets.UTF_8));
                            transport.loseConnection();
                        }

                        @Override
                        public void connectionLost(Reason reason) {
                            serverLost.complete(reason);
                        }
                    }));
            TlsOptions clientOptions = TestCertificates.trustingClient().applicationProtocols("twine/1").build();
            rt.run(() -> Tcp.connect(rt.reactor(), address(port), Tls.client(rt.reactor(), clientOptions, "localhost",
                    Factory.forProtocol(() -> new Protocol() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public void dataReceived(ByteBuffer data) {
                            text.append(StandardCharsets.UTF_8.decode(data));
                        }

                        @Override
                        public void connectionLost(Reason reason) {
                            clientGot.complete(text.toString());
                            clientLost.complete(reason);
                        }
                    }))));
            assertEquals("twine/1 localhost", ReactorThread.await(clientGot));
            assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(clientLost).kind());
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(serverLost).kind());
        }
    }

    @Test
    void failedHandshakeReachesTheClientFactoryAsAFailedConnect() throws Exception {
        CompletableFuture<Reason> failed = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt,
                    TlsOptions.server(TestCertificates.file("stranger.pem"), TestCertificates.file("stranger-key.pem")).build(),
                    Factory.forProtocol(Echo::new));
            ClientFactory factory = new ClientFactory() {
                @Override
                public Protocol buildProtocol(java.net.SocketAddress peer) {
                    return new Protocol() {};
                }

                @Override
                public void clientConnectionFailed(Connector connector, Reason reason) {
                    failed.complete(reason);
                }

                @Override
                public void clientConnectionLost(Connector connector, Reason reason) {
                    failed.completeExceptionally(new AssertionError("lost, not failed: " + reason));
                }
            };
            rt.run(() -> Tcp.connect(rt.reactor(), address(port),
                    Tls.client(rt.reactor(), TestCertificates.trustingClient().build(), "localhost", factory)));
            Reason reason = ReactorThread.await(failed);
            assertEquals(Reason.Kind.ERROR, reason.kind());
            assertTrue(reason.message().startsWith("TLS handshake failed"), reason.message());
        }
    }

    @Test
    void plainTextPeerIsClosedQuicklyAndTheListenerGoesOn() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, TestCertificates.localhostServer().build(), Factory.forProtocol(Echo::new));
            try (Socket plain = new Socket(address(port).getAddress(), address(port).getPort())) {
                plain.setSoTimeout(1_000);  // closed "within a second"
                plain.getOutputStream().write("HELO example.com\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = plain.getInputStream();
                byte[] buffer = new byte[1024];
                int n;
                try {
                    while ((n = in.read(buffer)) >= 0) {
                        assertTrue(n > 0);  // an alert may come first
                    }
                } catch (java.net.SocketException reset) {
                    // a reset is a close too
                }
            }
            assertEchoWorks(port);
        }
    }

    @Test
    void hundredSilentPeersDoNotStopANewHandshake() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, TestCertificates.localhostServer().build(), Factory.forProtocol(Echo::new));
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    silent.add(new Socket(address(port).getAddress(), address(port).getPort()));
                }
                assertEchoWorks(port);
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void silentPeerIsClosedWhenTheHandshakeTimesOut() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt,
                    TestCertificates.localhostServer().handshakeTimeout(Duration.ofMillis(200)).build(),
                    Factory.forProtocol(Echo::new));
            try (Socket silent = new Socket(address(port).getAddress(), address(port).getPort())) {
                silent.setSoTimeout(20_000);
                assertEquals(-1, readUntilClosed(silent.getInputStream()));
            }
        }
    }

    private static int readUntilClosed(InputStream in) throws Exception {
        try {
            while (in.read() >= 0) {
                // skip an alert
            }
            return -1;
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static void assertEchoWorks(ListeningPort port) throws Exception {
        try (SSLSocket socket = BlockingTlsClient.connect(address(port))) {
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = new byte[4];
            new DataInputStream(socket.getInputStream()).readFully(answer);
            assertEquals("ping", new String(answer, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void endOfStreamWithoutCloseNotifyIsReportedAsTruncated() throws Exception {
        CompletableFuture<Reason> lost = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = listen(rt, TestCertificates.localhostServer().build(), Factory.forProtocol(() -> new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    data.position(data.limit());
                }

                @Override
                public void connectionLost(Reason reason) {
                    lost.complete(reason);
                }
            }));
            try (Socket plain = new Socket(address(port).getAddress(), address(port).getPort())) {
                SSLSocket socket = BlockingTlsClient.over(plain, false);
                socket.getOutputStream().write(1);
                socket.getOutputStream().flush();
                plain.shutdownOutput();  // end of stream under the TLS session, without close_notify
                Reason reason = ReactorThread.await(lost);
                assertEquals(Reason.Kind.RESET, reason.kind(), reason.toString());
                assertTrue(reason.message().contains("truncated"), reason.message());
            }
        }
    }
}
