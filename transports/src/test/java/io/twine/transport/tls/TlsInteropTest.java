package io.twine.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * twine's TLS against peers nobody here wrote: Python's ssl module, the openssl command and
 * Twisted. Close_notify, truncation, ALPN, SNI, client certificates and renegotiation each meet a
 * foreign peer here.
 */
@Timeout(900)  // a backstop: every wait below ends with its event
class TlsInteropTest {

    /**
     * The most a peer may take to print or exit; an upper bound only, each wait ends when the
     * peer does. Under stress-ng a foreign process (an interpreter behind pyenv's shim, then a
     * handshake) took more than 30 s to start, answer and exit, and the test failed so.
     */
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** Records what it got and how it ended; answers each line with {@code reply(line)}. */
    static class LineRecorder extends Protocol {
        final CompletableFuture<String> firstLine = new CompletableFuture<>();
        final CompletableFuture<Reason> lost = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public void dataReceived(ByteBuffer data) {
            text.append(StandardCharsets.UTF_8.decode(data));
            int end = text.indexOf("\n");
            if (end >= 0 && !firstLine.isDone()) {
                String line = text.substring(0, end);
                firstLine.complete(line);
                String reply = reply(line);
                if (reply != null) {
                    transport.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }

        String reply(String line) {
            return line;
        }

        @Override
        public void connectionLost(Reason reason) {
            lost.complete(reason);
        }
    }

    private static String path(String name) {
        return TestCertificates.file(name).toString();
    }

    private static int listen(ReactorThread rt, TlsOptions options, Protocol protocol) {
        ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT,
                Tls.server(rt.reactor(), options, Factory.forProtocol(() -> protocol))));
        return ((InetSocketAddress) port.getHost()).getPort();
    }

    @Test
    void pythonClientGetsAnEchoWithAlpnAndItsCloseNotifyIsAClean() throws Exception {
        String interpreter = ForeignPeer.python();
        LineRecorder server = new LineRecorder();
        try (ReactorThread rt = ReactorThread.start()) {
            int port = listen(rt, TestCertificates.localhostServer().applicationProtocols("y/1").build(), server);
            try (ForeignPeer python = ForeignPeer.start(List.of(interpreter, ForeignPeer.script("ssl_client.py").toString(),
                    "127.0.0.1", String.valueOf(port), path("ca.pem"), "close"))) {
                assertEquals(0, python.awaitExit(WAIT), python.errors());
                String out = python.output();
                assertTrue(out.contains("answer=hello from python"), out);
                assertTrue(out.contains("alpn=y/1"), out);
                assertTrue(out.contains("version=TLSv1.3"), out);
                Reason reason = ReactorThread.await(server.lost);
                assertEquals(Reason.Kind.CLOSED_BY_PEER, reason.kind(), reason.toString());
            }
        }
    }

    @Test
    void pythonClientThatClosesWithoutCloseNotifyIsATruncation() throws Exception {
        String interpreter = ForeignPeer.python();
        LineRecorder server = new LineRecorder();
        try (ReactorThread rt = ReactorThread.start()) {
            int port = listen(rt, TestCertificates.localhostServer().build(), server);
            try (ForeignPeer python = ForeignPeer.start(List.of(interpreter, ForeignPeer.script("ssl_client.py").toString(),
                    "127.0.0.1", String.valueOf(port), path("ca.pem"), "truncate"))) {
                assertEquals(0, python.awaitExit(WAIT), python.errors());
                Reason reason = ReactorThread.await(server.lost);
                assertEquals(Reason.Kind.RESET, reason.kind(), reason.toString());
                assertTrue(reason.message().contains("truncated"), reason.message());
            }
        }
    }

    @Test
    void twineClientShowsItsCertificateToAPythonServerWithSniAndAlpn() throws Exception {
        String interpreter = ForeignPeer.python();
        try (ForeignPeer python = ForeignPeer.start(List.of(interpreter, ForeignPeer.script("ssl_server.py").toString(),
                path("localhost.pem"), path("localhost-key.pem"), path("ca.pem")));
                ReactorThread rt = ReactorThread.start()) {
            int port = Integer.parseInt(python.awaitOutput("^port=(\\d+)", WAIT));
            CompletableFuture<String> alpn = new CompletableFuture<>();
            LineRecorder client = new LineRecorder() {
                @Override
                public void connectionMade() {
                    alpn.complete(((TlsTransport) transport).applicationProtocol());
                    transport.write("hello from twine\n".getBytes(StandardCharsets.UTF_8));
                }

                @Override
                String reply(String line) {
                    return null;
                }
            };
            TlsOptions options = TestCertificates.trustingClient().applicationProtocols("x/1")
                    .clientCertificate(TestCertificates.file("client.pem"), TestCertificates.file("client-key.pem")).build();
            rt.run(() -> Tcp.connect(rt.reactor(), new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    Tls.client(rt.reactor(), options, "localhost", Factory.forProtocol(() -> client))));
            assertEquals("got=hello from twine sni=localhost client=test client alpn=x/1", ReactorThread.await(client.firstLine));
            assertEquals("x/1", ReactorThread.await(alpn));
            Reason reason = ReactorThread.await(client.lost);
            assertEquals(Reason.Kind.CLOSED_BY_PEER, reason.kind(), reason + "\n" + python.errors());
        }
    }

    @Test
    void opensslClientGetsTheSniCertificateAndAlpnAndOurCloseNotify() throws Exception {
        ForeignPeer.requireOpenssl();
        CompletableFuture<Reason> lost = new CompletableFuture<>();
        Protocol server = new Protocol() {
            @Override
            public void connectionMade() {
                TlsTransport tls = (TlsTransport) transport;
                transport.write(("sni=" + tls.serverName() + " alpn=" + tls.applicationProtocol() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                transport.loseConnection();
            }

            @Override
            public void connectionLost(Reason reason) {
                lost.complete(reason);
            }
        };
        try (ReactorThread rt = ReactorThread.start()) {
            int port = listen(rt, TestCertificates.localhostServer()
                    .serverName("other.test", TestCertificates.file("other.pem"), TestCertificates.file("other-key.pem"))
                    .applicationProtocols("h2").build(), server);
            try (ForeignPeer openssl = ForeignPeer.start(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "other.test", "-verify_hostname", "other.test", "-CAfile", path("ca.pem"),
                    "-verify_return_error", "-alpn", "h2", "-quiet"))) {
                assertEquals(0, openssl.awaitExit(WAIT), openssl.errors());
                assertTrue(openssl.output().contains("sni=other.test alpn=h2"), openssl.output() + openssl.errors());
                assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(lost).kind());
            }
        }
    }

    @Test
    void twineClientWithACertificateTalksToOpensslServer() throws Exception {
        ForeignPeer.requireOpenssl();
        try (ForeignPeer openssl = ForeignPeer.start(List.of("openssl", "s_server", "-accept", "127.0.0.1:0",
                "-cert", path("localhost.pem"), "-key", path("localhost-key.pem"), "-CAfile", path("ca.pem"),
                "-Verify", "1", "-verify_return_error", "-rev", "-naccept", "1"));
                ReactorThread rt = ReactorThread.start()) {
            int port = Integer.parseInt(openssl.awaitOutput("^ACCEPT 127\\.0\\.0\\.1:(\\d+)", WAIT));
            LineRecorder client = new LineRecorder() {
                @Override
                public void connectionMade() {
                    transport.write("hello\n".getBytes(StandardCharsets.UTF_8));
                }

                @Override
                String reply(String line) {
                    transport.loseConnection();
                    return null;
                }
            };
            TlsOptions options = TestCertificates.trustingClient()
                    .clientCertificate(TestCertificates.file("client.pem"), TestCertificates.file("client-key.pem")).build();
            rt.run(() -> Tcp.connect(rt.reactor(), new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    Tls.client(rt.reactor(), options, "localhost", Factory.forProtocol(() -> client))));
            assertEquals("olleh", ReactorThread.await(client.firstLine));
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(client.lost).kind());
            openssl.awaitExit(WAIT);
            assertTrue(openssl.errors().contains("Peer certificate: CN = test client"), openssl.errors());
        }
    }

    @Test
    void opensslClientRenegotiationOverTls12IsRefused() throws Exception {
        ForeignPeer.requireOpenssl();
        LineRecorder server = new LineRecorder();
        try (ReactorThread rt = ReactorThread.start()) {
            int port = listen(rt, TestCertificates.localhostServer().build(), server);
            try (ForeignPeer openssl = ForeignPeer.start(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-tls1_2", "-CAfile", path("ca.pem")))) {
                openssl.awaitOutput("(Verify return code: 0)", WAIT);
                openssl.input("R\n", false);  // s_client renegotiates on a line "R"
                Reason reason = ReactorThread.await(server.lost);
                assertTrue(reason.message().contains("renegotiat"), reason.toString());
                openssl.awaitExit(WAIT);
            }
        }
    }

    @Test
    void twineClientTalksToTwistedTlsServer() throws Exception {
        ForeignPeer.requireTwisted();
        try (ForeignPeer twisted = ForeignPeer.start(List.of(ForeignPeer.SYSTEM_PYTHON, "-u",
                ForeignPeer.script("twisted_tls.py").toString(), "server", path("localhost.pem"), path("localhost-key.pem")));
                ReactorThread rt = ReactorThread.start()) {
            int port = Integer.parseInt(twisted.awaitOutput("^port=(\\d+)", WAIT));
            LineRecorder client = new LineRecorder() {
                @Override
                public void connectionMade() {
                    transport.write("hello twisted\n".getBytes(StandardCharsets.UTF_8));
                }

                @Override
                String reply(String line) {
                    transport.loseConnection();
                    return null;
                }
            };
            rt.run(() -> Tcp.connect(rt.reactor(), new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    Tls.client(rt.reactor(), TestCertificates.trustingClient().build(), "localhost",
                            Factory.forProtocol(() -> client))));
            assertEquals("hello twisted", ReactorThread.await(client.firstLine));
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(client.lost).kind());
            assertEquals("ConnectionDone", twisted.awaitOutput("^lost=(\\w+)", WAIT), twisted.errors());
        }
    }

    @Test
    void twistedTlsClientTalksToTwineServer() throws Exception {
        ForeignPeer.requireTwisted();
        LineRecorder server = new LineRecorder();
        try (ReactorThread rt = ReactorThread.start()) {
            int port = listen(rt, TestCertificates.localhostServer().build(), server);
            try (ForeignPeer twisted = ForeignPeer.start(List.of(ForeignPeer.SYSTEM_PYTHON, "-u",
                    ForeignPeer.script("twisted_tls.py").toString(), "client", String.valueOf(port), path("ca.pem")))) {
                assertEquals("hello from twisted", twisted.awaitOutput("^answer=(.*)$", WAIT), twisted.errors());
                assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(server.lost).kind());
                assertEquals("ConnectionDone", twisted.awaitOutput("^lost=(\\w+)", WAIT), twisted.errors());
            }
        }
    }
}
