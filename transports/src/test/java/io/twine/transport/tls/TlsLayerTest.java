package io.twine.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TLS layer over the test kit's fake transport: two engines talking in memory. */
class TlsLayerTest {

    private final MemoryPipe pipe = new MemoryPipe();

    private Protocol clientLayer(TlsOptions options, String host, Protocol user) {
        return Tls.client(pipe.loop, options, host, Factory.forProtocol(() -> user)).buildProtocol(pipe.serverSide.getHost());
    }

    private Protocol serverLayer(TlsOptions options, Protocol user) {
        return Tls.server(pipe.loop, options, Factory.forProtocol(() -> user)).buildProtocol(pipe.clientSide.getHost());
    }

    private void connect(TlsOptions clientOptions, String host, Recorder client, TlsOptions serverOptions, Recorder server) {
        pipe.connect(clientLayer(clientOptions, host, client), serverLayer(serverOptions, server));
        pipe.pump();
    }

    private void connect(Recorder client, Recorder server) {
        connect(TestCertificates.trustingClient().build(), "localhost", client,
                TestCertificates.localhostServer().build(), server);
    }

    @Test
    void handshakeInMemoryThenBothSidesTalk() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        assertEquals(List.of("made", "handshake"), client.events);
        assertEquals(List.of("made", "handshake"), server.events);
        assertEquals("TLSv1.3", client.tls().protocolVersion());
        assertEquals("localhost", server.tls().serverName());
        assertEquals("CN=localhost", client.tls().peerCertificates().get(0).getSubjectX500Principal().getName());
        assertTrue(server.tls().peerCertificates().isEmpty());
        assertTrue(pipe.loop.offLoopRuns > 0, "the engine's delegated tasks ran through the loop's worker");

        client.transport().write("hello ".getBytes(StandardCharsets.UTF_8));
        client.transport().write("server".getBytes(StandardCharsets.UTF_8));
        server.transport().write("hi client".getBytes(StandardCharsets.UTF_8));
        pipe.pump();
        assertEquals("hello server", server.text());
        assertEquals("hi client", client.text());
        assertEquals(1, server.dataCalls, "two writes of one callback arrive as one record");
    }

    @Test
    void recordsSplitAtEveryByteBoundaryStillArriveWhole() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        pipe.pieceSize = 1;
        connect(client, server);
        byte[] message = new byte[40_000];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) (i * 31);
        }
        client.transport().write(message);
        pipe.pump();
        assertTrue(java.util.Arrays.equals(message, server.received.toByteArray()));
    }

    @Test
    void everyPieceSizeCarriesTheHandshakeAndData() {
        for (int piece : new int[] {2, 3, 5, 7, 13, 100, 517, 4096}) {
            MemoryPipe each = new MemoryPipe();
            each.pieceSize = piece;
            Recorder client = new Recorder();
            Recorder server = new Recorder();
            each.connect(
                    Tls.client(each.loop, TestCertificates.trustingClient().build(), "localhost",
                            Factory.forProtocol(() -> client)).buildProtocol(null),
                    Tls.server(each.loop, TestCertificates.localhostServer().build(),
                            Factory.forProtocol(() -> server)).buildProtocol(null));
            each.pump();
            client.transport().write(new byte[20_000]);
            each.pump();
            assertEquals(20_000, server.received.size(), "piece size " + piece);
        }
    }

    @Test
    void loseConnectionSendsCloseNotifyAndBothSidesCloseCleanly() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        client.transport().write("last words".getBytes(StandardCharsets.UTF_8));
        client.transport().loseConnection();
        pipe.pump();
        assertEquals("last words", server.text());
        assertEquals(Reason.Kind.CLOSED_BY_US, client.lost.kind());
        assertEquals(Reason.Kind.CLOSED_BY_PEER, server.lost.kind(), server.lost.toString());
    }

    @Test
    void serverCloseNotifyReachesTheClientAsACleanClose() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        server.transport().loseConnection();
        pipe.pump();
        assertEquals(Reason.Kind.CLOSED_BY_US, server.lost.kind());
        assertEquals(Reason.Kind.CLOSED_BY_PEER, client.lost.kind(), client.lost.toString());
    }

    @Test
    void endOfStreamWithoutCloseNotifyIsATruncation() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        pipe.clientSide.finish(Reason.closedByUs());
        pipe.serverSide.finish(Reason.closedByPeer());
        assertFalse(server.lost.isClean());
        assertTrue(server.lost.message().contains("truncat"), server.lost.message());
    }

    @Test
    void alpnResultIsVisibleOnBothSides() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TestCertificates.trustingClient().applicationProtocols("h2", "http/1.1").build(), "localhost", client,
                TestCertificates.localhostServer().applicationProtocols("http/1.1", "h2").build(), server);
        assertEquals("http/1.1", server.tls().applicationProtocol());
        assertEquals("http/1.1", client.tls().applicationProtocol());
    }

    @Test
    void withoutAlpnTheResultIsNull() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        assertNull(client.tls().applicationProtocol());
    }

    @Test
    void sniPicksTheCertificateForTheRequestedName() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TestCertificates.trustingClient().build(), "other.test", client,
                TestCertificates.localhostServer()
                        .serverName("other.test", TestCertificates.file("other.pem"), TestCertificates.file("other-key.pem"))
                        .build(), server);
        assertEquals(List.of("made", "handshake"), client.events);
        assertEquals("other.test", server.tls().serverName());
        assertEquals("CN=other.test", client.tls().peerCertificates().get(0).getSubjectX500Principal().getName());
    }

    @Test
    void wrongHostNameFailsTheHandshakeAndTheProtocolNeverHearsOfIt() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TestCertificates.trustingClient().build(), "not-localhost.test", client,
                TestCertificates.localhostServer().build(), server);
        assertTrue(client.events.isEmpty(), client.events.toString());
        assertTrue(server.events.isEmpty(), server.events.toString());
        Reason reason = pipe.clientSide.closeReason();
        assertNotNull(reason);
        assertEquals(Reason.Kind.ERROR, reason.kind());
        assertTrue(reason.message().startsWith("TLS handshake failed"), reason.message());
    }

    @Test
    void untrustedCertificateFailsTheHandshake() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TestCertificates.trustingClient().build(), "localhost", client,
                TlsOptions.server(TestCertificates.file("stranger.pem"), TestCertificates.file("stranger-key.pem")).build(),
                server);
        assertTrue(client.events.isEmpty());
        assertTrue(pipe.clientSide.closeReason().message().contains("TLS handshake failed"));
    }

    @Test
    void insecureClientAcceptsAnyCertificate() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TlsOptions.client().insecureSkipCertificateVerification().build(), "wrong.test", client,
                TlsOptions.server(TestCertificates.file("stranger.pem"), TestCertificates.file("stranger-key.pem")).build(),
                server);
        assertEquals(List.of("made", "handshake"), client.events);
    }

    @Test
    void requiredClientCertificateIsVisibleToTheServer() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TestCertificates.trustingClient()
                        .clientCertificate(TestCertificates.file("client.pem"), TestCertificates.file("client-key.pem")).build(),
                "localhost", client,
                TestCertificates.localhostServer().clientAuth(TlsOptions.ClientAuth.REQUIRED)
                        .trustRoots(TestCertificates.file("ca.pem")).build(), server);
        assertEquals(List.of("made", "handshake"), server.events);
        assertEquals("CN=test client", server.tls().peerCertificates().get(0).getSubjectX500Principal().getName());
    }

    @Test
    void requiredClientCertificateMissingFailsTheHandshake() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TestCertificates.trustingClient().build(), "localhost", client,
                TestCertificates.localhostServer().clientAuth(TlsOptions.ClientAuth.REQUIRED)
                        .trustRoots(TestCertificates.file("ca.pem")).build(), server);
        assertTrue(server.events.isEmpty(), server.events.toString());
        assertNotNull(pipe.serverSide.closeReason());
    }

    @Test
    void wantedClientCertificateMayBeMissing() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TestCertificates.trustingClient().build(), "localhost", client,
                TestCertificates.localhostServer().clientAuth(TlsOptions.ClientAuth.WANTED)
                        .trustRoots(TestCertificates.file("ca.pem")).build(), server);
        assertEquals(List.of("made", "handshake"), server.events);
        assertTrue(server.tls().peerCertificates().isEmpty());
    }

    @Test
    void pkcs12ServerWorks() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TestCertificates.trustingClient().build(), "localhost", client,
                TlsOptions.serverFromPkcs12(TestCertificates.file("localhost.p12"), "secret".toCharArray()).build(), server);
        assertEquals(List.of("made", "handshake"), client.events);
    }

    @Test
    void tls12WorksWhenAskedFor() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(TestCertificates.trustingClient().protocols("TLSv1.2").build(), "localhost", client,
                TestCertificates.localhostServer().build(), server);
        assertEquals("TLSv1.2", server.tls().protocolVersion());
        client.transport().write(new byte[] {1, 2, 3});
        pipe.pump();
        assertEquals(3, server.received.size());
    }
}
