package io.twine.transport.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.policies.ConnectionLimitFactory;
import io.twine.protocol.policies.IdleTimeoutFactory;
import io.twine.protocol.policies.ThrottlingFactory;
import io.twine.protocol.policies.WrappingFactory;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A reactor that stops gracefully ends each TLS connection as {@code loseConnection()} would:
 * what the protocol wrote goes out as records, then {@code close_notify}, then the socket
 * closes, so the peer sees a clean close and not a truncation; also when other wrappers (an idle
 * timeout, a throttle, a connection limit) sit around the TLS factory.
 */
@Timeout(60)
class TlsGracefulStopTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    /** Far more than the TLS layer's high-water mark: most of it is still plaintext when the stop begins. */
    private static final int REPLY_SIZE = 4 << 20;

    /** Answers the first bytes with a large reply and stops the reactor in the same callback. */
    static class ReplyThenStop extends Protocol {
        final byte[] reply;
        final CompletableFuture<Reason> lost;
        final AtomicInteger lostCalls;
        final Reactor reactor;
        private boolean replied;

        ReplyThenStop(Reactor reactor, byte[] reply, CompletableFuture<Reason> lost, AtomicInteger lostCalls) {
            this.reactor = reactor;
            this.reply = reply;
            this.lost = lost;
            this.lostCalls = lostCalls;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            data.position(data.limit());
            if (!replied) {
                replied = true;
                replyAndStop();
            }
        }

        void replyAndStop() {
            transport.write(reply);
            reactor.stop();
        }

        @Override
        public void connectionLost(Reason reason) {
            lostCalls.incrementAndGet();
            lost.complete(reason);
        }
    }

    private static byte[] randomReply(long seed) {
        byte[] reply = new byte[REPLY_SIZE];
        new Random(seed).nextBytes(reply);
        return reply;
    }

    @Test
    void stopSendsEveryQueuedByteThenCloseNotifyToTheJdkSslSocket() throws Exception {
        assertStopEndsWithCloseNotify(1, (reactor, tls) -> tls);
    }

    /** A factory around the TLS factory; what the listener serves. */
    interface Wrapping {
        Factory around(Reactor reactor, Factory tls);
    }

    /**
     * Wrappers around the TLS factory: the connection's protocol is then the outer wrapper, not
     * the TLS layer, and the stop must still reach the layer inside.
     */
    static Stream<Arguments> wrappersAroundTls() {
        Duration idle = Duration.ofMinutes(10);
        return Stream.of(
                Arguments.of("WrappingFactory", (Wrapping) (reactor, tls) -> new WrappingFactory(tls)),
                Arguments.of("IdleTimeoutFactory", (Wrapping) (reactor, tls) -> new IdleTimeoutFactory(reactor, tls, idle)),
                Arguments.of("ThrottlingFactory", (Wrapping) (reactor, tls) -> new ThrottlingFactory(reactor, tls)),
                Arguments.of("ConnectionLimitFactory around IdleTimeoutFactory", (Wrapping) (reactor, tls) ->
                        new ConnectionLimitFactory(new IdleTimeoutFactory(reactor, tls, idle), 10)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrappersAroundTls")
    void stopSendsCloseNotifyThroughWrappersAroundTheTlsFactory(String name, Wrapping wrapping) throws Exception {
        assertStopEndsWithCloseNotify(name.hashCode(), wrapping);
    }

    /**
     * Serves TLS inside {@code wrapping}; the first bytes from a JDK {@code SSLSocket} get a reply far
     * larger than the TLS layer's high-water mark, written in the callback that stops the reactor.
     * The peer must get every byte and then {@code close_notify}.
     */
    private static void assertStopEndsWithCloseNotify(long seed, Wrapping wrapping) throws Exception {
        byte[] reply = randomReply(seed);
        CompletableFuture<Reason> serverLost = new CompletableFuture<>();
        AtomicInteger lostCalls = new AtomicInteger();
        TlsOptions options = TestCertificates.localhostServer().build();  // slow under load: not inside the loop's call
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            reactor.setShutdownGracePeriod(Duration.ofSeconds(30));  // so that only a missing close could end it by abort
            ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT, wrapping.around(reactor,
                    Tls.server(reactor, options,
                            Factory.forProtocol(() -> new ReplyThenStop(reactor, reply, serverLost, lostCalls))))));
            try (SSLSocket socket = BlockingTlsClient.connect((InetSocketAddress) port.getHost())) {
                socket.getOutputStream().write('?');
                byte[] received = new byte[reply.length];
                new DataInputStream(socket.getInputStream()).readFully(received);
                assertArrayEquals(reply, received);
                // close_notify: a clean end of stream; a truncation would throw an SSLException here.
                assertEquals(-1, socket.getInputStream().read());
            }
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(serverLost).kind(), "the reason plain TCP's stop gives");
        }
        assertEquals(1, lostCalls.get());
    }

    @Test
    void twineClientSeesTheCleanCloseWhenTheServersReactorStops() throws Exception {
        byte[] reply = randomReply(2);
        CompletableFuture<Reason> serverLost = new CompletableFuture<>();
        CompletableFuture<Reason> clientLost = new CompletableFuture<>();
        CompletableFuture<byte[]> clientGot = new CompletableFuture<>();
        AtomicInteger lostCalls = new AtomicInteger();
        try (ReactorThread server = ReactorThread.start(); ReactorThread client = ReactorThread.start()) {
            Reactor reactor = server.reactor();
            ListeningPort port = server.call(() -> Tcp.listen(reactor, ANY_PORT,
                    Tls.server(reactor, TestCertificates.localhostServer().build(),
                            Factory.forProtocol(() -> new ReplyThenStop(reactor, reply, serverLost, lostCalls)))));
            client.run(() -> Tcp.connect(client.reactor(), port.getHost(),
                    Tls.client(client.reactor(), TestCertificates.trustingClient().build(), "localhost",
                            Factory.forProtocol(() -> new Protocol() {
                                private final ByteBuffer got = ByteBuffer.allocate(REPLY_SIZE);

                                @Override
                                public void connectionMade() {
                                    transport.write(new byte[] {'?'});
                                }

                                @Override
                                public void dataReceived(ByteBuffer data) {
                                    got.put(data);
                                }

                                @Override
                                public void connectionLost(Reason reason) {
                                    clientGot.complete(got.flip().hasRemaining() ? copy(got) : new byte[0]);
                                    clientLost.complete(reason);
                                }
                            }))));
            assertArrayEquals(reply, ReactorThread.await(clientGot));
            Reason reason = ReactorThread.await(clientLost);
            assertEquals(Reason.Kind.CLOSED_BY_PEER, reason.kind(), reason.toString());
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(serverLost).kind());
        }
        assertEquals(1, lostCalls.get());
    }

    private static byte[] copy(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** Speaks plaintext until the peer sends "STARTTLS", answers "GO", then starts TLS; replies once the handshake is done. */
    static final class StartTlsThenStop extends ReplyThenStop implements TlsHandshakeListener {
        private final TlsOptions options;
        private boolean startedTls;

        StartTlsThenStop(Reactor reactor, TlsOptions options, byte[] reply, CompletableFuture<Reason> lost,
                AtomicInteger lostCalls) {
            super(reactor, reply, lost, lostCalls);
            this.options = options;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            data.position(data.limit());
            if (!startedTls) {
                startedTls = true;
                transport.write("GO\n".getBytes(StandardCharsets.US_ASCII));
                Tls.startTls(reactor, this, options, null);
            }
        }

        @Override
        public void handshakeCompleted() {
            replyAndStop();
        }
    }

    @Test
    void stopAfterStartTlsSendsEveryQueuedByteThenCloseNotify() throws Exception {
        byte[] reply = randomReply(3);
        CompletableFuture<Reason> serverLost = new CompletableFuture<>();
        AtomicInteger lostCalls = new AtomicInteger();
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            TlsOptions options = TestCertificates.localhostServer().build();
            ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT,
                    Factory.forProtocol(() -> new StartTlsThenStop(reactor, options, reply, serverLost, lostCalls))));
            InetSocketAddress address = (InetSocketAddress) port.getHost();
            try (Socket plain = new Socket(address.getAddress(), address.getPort())) {
                plain.setSoTimeout(20_000);
                plain.getOutputStream().write("STARTTLS\n".getBytes(StandardCharsets.US_ASCII));
                byte[] go = new byte[3];
                new DataInputStream(plain.getInputStream()).readFully(go);
                assertEquals("GO\n", new String(go, StandardCharsets.US_ASCII));
                SSLSocket socket = BlockingTlsClient.over(plain, true);
                socket.startHandshake();
                byte[] received = new byte[reply.length];
                new DataInputStream(socket.getInputStream()).readFully(received);
                assertArrayEquals(reply, received);
                assertEquals(-1, socket.getInputStream().read());
            }
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(serverLost).kind());
        }
        assertEquals(1, lostCalls.get());
    }

    @Test
    void connectionStillInItsHandshakeIsJustClosed() throws Exception {
        Reactor reactor = new Reactor();
        reactor.setShutdownGracePeriod(Duration.ofMinutes(5));  // longer than the test's timeout: the stop must not wait for it
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT,
                    Tls.server(reactor, TestCertificates.localhostServer().build(), Factory.forProtocol(() -> {
                        accepted.complete(null);  // built as the connection is accepted, before its handshake
                        return new Protocol() {};
                    }))));
            InetSocketAddress address = (InetSocketAddress) port.getHost();
            try (Socket silent = new Socket(address.getAddress(), address.getPort())) {
                silent.setSoTimeout(20_000);
                ReactorThread.await(accepted);
                reactor.stop();
                InputStream in = silent.getInputStream();
                assertEquals(-1, in.read(), "nothing was ever sent to a peer that never said hello");
            }
        }
    }
}
