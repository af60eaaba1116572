package io.twine.transport.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.spi.FlowControl;
import io.twine.testing.StringTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rare and hostile paths of the TLS layer, in memory: timeouts, garbage, renegotiation, startTLS, half-close, pausing. */
class TlsLayerEdgeTest {

    private final MemoryPipe pipe = new MemoryPipe();

    private TlsLayer clientLayer(TlsOptions options, Protocol user) {
        return (TlsLayer) Tls.client(pipe.loop, options, "localhost", Factory.forProtocol(() -> user)).buildProtocol(null);
    }

    private TlsLayer serverLayer(TlsOptions options, Protocol user) {
        return (TlsLayer) Tls.server(pipe.loop, options, Factory.forProtocol(() -> user)).buildProtocol(null);
    }

    /** Connects {@code client} and {@code server} over the pipe, each in its own layer, and completes the handshake. */
    private void connect(Protocol client, Protocol server) {
        pipe.connect(clientLayer(TestCertificates.trustingClient().build(), client),
                serverLayer(TestCertificates.localhostServer().build(), server));
        pipe.pump();
    }

    private TlsLayer lonelyServer(Recorder user) {
        TlsLayer server = serverLayer(TestCertificates.localhostServer().handshakeTimeout(Duration.ofSeconds(3)).build(), user);
        pipe.serverSide.connect(server);
        return server;
    }

    @Test
    void silentPeerTimesOutWithATimedOutReason() {
        Recorder user = new Recorder();
        lonelyServer(user);
        pipe.loop.clock.advance(Duration.ofMillis(2_999));
        assertTrue(pipe.serverSide.isConnected());
        pipe.loop.clock.advance(Duration.ofMillis(1));
        Reason reason = pipe.serverSide.closeReason();
        assertEquals(Reason.Kind.TIMED_OUT, reason.kind());
        assertTrue(reason.message().contains("handshake"), reason.message());
        assertTrue(pipe.serverSide.abortConnectionCalled());
        assertTrue(user.events.isEmpty());
    }

    @Test
    void finishedHandshakeCancelsTheTimeout() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        assertEquals(0, pipe.loop.clock.pendingCalls());
    }

    @Test
    void plainTextInsteadOfClientHelloClosesWithAClearReason() {
        Recorder user = new Recorder();
        TlsLayer server = lonelyServer(user);
        server.dataReceived(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        pipe.loop.runPending();
        Reason reason = pipe.serverSide.closeReason();
        assertNotNull(reason);
        assertEquals(Reason.Kind.ERROR, reason.kind());
        assertTrue(reason.message().startsWith("TLS handshake failed"), reason.message());
        assertTrue(user.events.isEmpty());
    }

    @Test
    void randomBytesInsteadOfClientHelloCloseTheConnection() {
        Random random = new Random(14);
        for (int round = 0; round < 50; round++) {
            MemoryPipe each = new MemoryPipe();
            TlsLayer server = (TlsLayer) Tls.server(each.loop,
                    TestCertificates.localhostServer().handshakeTimeout(TlsOptions.DEFAULT_HANDSHAKE_TIMEOUT).build(),
                    Factory.forProtocol(Recorder::new)).buildProtocol(null);
            each.serverSide.connect(server);
            byte[] noise = new byte[1 + random.nextInt(4000)];
            random.nextBytes(noise);
            server.dataReceived(ByteBuffer.wrap(noise));
            each.loop.runPending();
            // Noise that happens to look like the start of a record waits for the rest: the handshake timeout ends it.
            if (each.serverSide.closeReason() == null) {
                each.loop.clock.advance(TlsOptions.DEFAULT_HANDSHAKE_TIMEOUT);
            }
            assertNotNull(each.serverSide.closeReason(), "round " + round);
            assertFalse(each.serverSide.closeReason().isClean());
        }
    }

    @Test
    void recordLongerThanTheProtocolAllowsClosesTheConnection() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        TlsLayer serverLayer = serverLayer(TestCertificates.localhostServer().build(), server);
        pipe.connect(clientLayer(TestCertificates.trustingClient().build(), client), serverLayer);
        pipe.pump();
        byte[] header = {23, 3, 3, (byte) 0xff, (byte) 0xff};
        serverLayer.dataReceived(ByteBuffer.wrap(header));
        serverLayer.dataReceived(ByteBuffer.wrap(new byte[70_000]));
        pipe.loop.runPending();
        assertNotNull(pipe.serverSide.closeReason());
        assertFalse(pipe.serverSide.closeReason().isClean());
    }

    @Test
    void floodOfTinyRecordsIsUnwrappedIntoFewDeliveries() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        for (int i = 0; i < 5_000; i++) {
            client.transport().write(new byte[] {(byte) i});
            pipe.loop.runPending();  // each write its own loop turn: its own record
        }
        int recordBytes = pipe.clientSide.writtenLength();
        assertTrue(recordBytes > 5_000 * 20, "5,000 records were sent, " + recordBytes + " bytes");
        pipe.pump();
        assertEquals(5_000, server.received.size());
        assertTrue(server.dataCalls < 100, "records of one read reach the protocol together: " + server.dataCalls + " calls");
    }

    @Test
    void writePastTheHardCapClosesTheConnectionAndDropsWhatWasQueued() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        server.tls().setMaxWriteBufferSize(100_000);

        server.tls().write(new byte[60_000]);
        server.tls().write(new byte[60_000]);  // in the same callback: 120,000 bytes would be queued
        pipe.pump();
        assertNotNull(server.lost, "a write past the cap closes the connection");
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, server.lost.kind(), server.lost.toString());
        assertTrue(server.lost.message().contains("above the cap of 100000 bytes"), server.lost.message());
        assertEquals(0, pipe.loop.pool.bytesInUse(), "the queued plaintext went back to the pool");
    }

    @Test
    void writePastTheHighWaterMarkWithTheOutboundBudgetUsedUpClosesTheConnection() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        pipe.loop.pool.setBudget(1);  // used up by the first byte queued anywhere

        server.tls().write("within the mark".getBytes(StandardCharsets.US_ASCII));
        pipe.pump();
        assertEquals("within the mark", client.text(), "a connection within its high-water mark is never cut");
        assertNull(server.lost);

        server.tls().write(new byte[(int) FlowControl.DEFAULT_HIGH_WATER_MARK + 1]);
        pipe.pump();
        assertNotNull(server.lost, "a write past the high-water mark with the budget used up closes the connection");
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, server.lost.kind(), server.lost.toString());
        assertTrue(server.lost.message().contains("outbound memory budget of 1 bytes"), server.lost.message());
        assertEquals(0, pipe.loop.pool.bytesInUse(), "the queued plaintext went back to the pool");
    }

    @Test
    void tls12RenegotiationIsRefused() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        TlsLayer clientLayer = clientLayer(TestCertificates.trustingClient().protocols("TLSv1.2").build(), client);
        pipe.connect(clientLayer, serverLayer(TestCertificates.localhostServer().build(), server));
        pipe.pump();
        assertEquals("TLSv1.2", server.tls().protocolVersion());
        assertThrows(Exception.class, () -> {
            clientLayer.engine().beginHandshake();
            clientLayer.dataReceived(ByteBuffer.allocate(0));  // lets the client layer wrap its new ClientHello
            pipe.pump();
            if (pipe.serverSide.closeReason() == null) {
                throw new AssertionError("the server is still open");
            }
            throw new IllegalStateException("refused");
        });
        Reason reason = server.lost;
        assertNotNull(reason);
        assertTrue(reason.message().contains("renegotiat"), reason.message());
    }

    @Test
    void startTlsSendsEarlierPlaintextFirstThenGoesOnEncrypted() {
        StartTlsServer server = new StartTlsServer();
        StartTlsClient client = new StartTlsClient();
        pipe.connect(client, server);
        pipe.pump();
        assertTrue(client.secured, "the client's handshake finished");
        assertEquals("STARTTLS\nsecret", server.text());
        assertEquals(List.of("made", "handshake"), server.events);
        assertEquals("GO\nwelcome", client.text());
    }

    /** A plaintext server that starts TLS when asked, then greets. */
    private final class StartTlsServer extends Recorder {
        @Override
        public void dataReceived(ByteBuffer data) {
            super.dataReceived(data);
            if (text().equals("STARTTLS\n")) {
                transport.write("GO\n".getBytes(StandardCharsets.US_ASCII));
                Tls.startTls(pipe.loop, this, TestCertificates.localhostServer().build(), null);
            }
        }

        @Override
        public void handshakeCompleted() {
            super.handshakeCompleted();
            transport.write("welcome".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final class StartTlsClient extends Recorder {
        boolean secured;

        @Override
        public void connectionMade() {
            transport.write("STARTTLS\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            super.dataReceived(data);
            if (text().equals("GO\n")) {
                Tls.startTls(pipe.loop, this, TestCertificates.trustingClient().build(), "localhost");
            }
        }

        @Override
        public void handshakeCompleted() {
            secured = transport instanceof TlsTransport;
            transport.write("secret".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void startTlsNeedsATransportThatCanHandItsConnectionOver() {
        Recorder plain = new Recorder();
        Protocol timed = new io.twine.protocol.policies.IdleTimeoutFactory(pipe.loop.clock,
                Factory.forProtocol(() -> plain), Duration.ofSeconds(1)).buildProtocol(null);
        new StringTransport().connect(timed);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Tls.startTls(pipe.loop, plain, TestCertificates.localhostServer().build(), null));
        assertTrue(refused.getMessage().contains("cannot start TLS"), refused.getMessage());
    }

    @Test
    void tls13HalfCloseLetsThePeerAnswerAfterOurCloseNotify() {
        Recorder.HalfCloseable client = new Recorder.HalfCloseable();
        Recorder.HalfCloseable server = new Recorder.HalfCloseable() {
            @Override
            public void readConnectionLost() {
                super.readConnectionLost();
                transport.write("answer".getBytes(StandardCharsets.US_ASCII));
                transport.loseConnection();
            }
        };
        connect(client, server);
        client.transport().write("question".getBytes(StandardCharsets.US_ASCII));
        client.transport().loseWriteConnection();
        pipe.pump();
        assertEquals("question", server.text());
        assertEquals("answer", client.text());
        assertTrue(client.events.contains("writeLost"), client.events.toString());
        assertEquals(List.of("made", "handshake", "readLost", "lost"), server.events);
        assertTrue(client.lost.isClean(), client.lost.toString());
        assertTrue(server.lost.isClean(), server.lost.toString());
    }

    @Test
    void pausedReadingHoldsRecordsUntilResumed() {
        Recorder client = new Recorder();
        Recorder server = new Recorder();
        connect(client, server);
        server.transport().pauseProducing();
        assertTrue(pipe.serverSide.isReadingPaused(), "pausing the protocol's reading pauses the transport's");
        client.transport().write(new byte[1000]);
        pipe.pump();
        assertEquals(0, server.received.size());
        server.transport().resumeProducing();
        assertFalse(pipe.serverSide.isReadingPaused());
        pipe.pump();
        assertEquals(1000, server.received.size());
    }

    @Test
    void readingGoesOnWhileTheEngineWorksAndPausesOnlyWhenCiphertextArrivesMeanwhile() {
        TlsLayer server = serverLayer(TestCertificates.localhostServer().build(), new Recorder());
        pipe.serverSide.connect(server);
        pipe.clientSide.connect(clientLayer(TestCertificates.trustingClient().build(), new Recorder()));
        pipe.loop.runPending();
        byte[] clientHello = pipe.clientSide.value();
        pipe.clientSide.clear();
        int offLoopRuns = pipe.loop.offLoopRuns;

        server.dataReceived(ByteBuffer.wrap(clientHello));
        assertEquals(offLoopRuns + 1, pipe.loop.offLoopRuns, "the ClientHello starts the engine's work off the loop");
        assertFalse(pipe.serverSide.isReadingPaused(), "nothing waits, so the socket is not paused for the engine's work");

        server.dataReceived(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x03}));  // the start of the next record
        assertTrue(pipe.serverSide.isReadingPaused(), "ciphertext arrived while the engine works: reading pauses");

        pipe.loop.runPending();
        assertFalse(pipe.serverSide.isReadingPaused(), "the engine's work is done: reading resumes");
        assertTrue(pipe.serverSide.value().length > 0, "the server answered the ClientHello");
        assertTrue(pipe.serverSide.isConnected());
    }

    @Test
    void pauseDuringDeliveryKeepsTheRestForLater() {
        Recorder client = new Recorder();
        Recorder server = new Recorder() {
            @Override
            public void dataReceived(ByteBuffer data) {
                super.dataReceived(data);
                transport.pauseProducing();
            }
        };
        connect(client, server);
        byte[] big = new byte[200_000];
        new Random(1).nextBytes(big);
        client.transport().write(big);
        pipe.pump();
        int calls = 0;
        while (server.received.size() < big.length && calls++ < 1_000) {
            server.transport().resumeProducing();
            pipe.pump();
        }
        assertArrayEquals(big, server.received.toByteArray());
    }

    @Test
    void exceptionInDataReceivedAbortsWithTheErrorAndIsReported() {
        Recorder client = new Recorder();
        Recorder server = new Recorder() {
            @Override
            public void dataReceived(ByteBuffer data) {
                throw new IllegalStateException("boom");
            }
        };
        connect(client, server);
        client.transport().write(new byte[] {1});
        pipe.pump();
        assertEquals(Reason.Kind.ERROR, server.lost.kind());
        assertEquals("boom", server.lost.cause().getMessage());
        assertEquals(1, pipe.loop.errors.size());
    }
}
