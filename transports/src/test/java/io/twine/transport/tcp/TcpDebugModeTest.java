package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Transport;
import io.twine.reactor.Reactor;
import io.twine.reactor.observe.CallbackKind;
import io.twine.reactor.observe.SlowCallback;
import io.twine.testing.ReactorThread;
import io.twine.transport.udp.Udp;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpDebugModeTest {

    /** Echoes, but keeps the loop busy for a while first on every read: a blocking protocol. */
    static final class SlowEcho extends Protocol {
        static final Duration BUSY = Duration.ofMillis(150);
        final CompletableFuture<Void> answered = new CompletableFuture<>();
        private CompletableFuture<io.twine.protocol.Reason> lost = new CompletableFuture<>();

        void lostTo(CompletableFuture<io.twine.protocol.Reason> future) {
            lost = future;
        }

        @Override
        public void connectionLost(io.twine.protocol.Reason reason) {
            lost.complete(reason);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            long until = System.nanoTime() + BUSY.toNanos();
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();  // no sleep: the loop thread is simply busy
            }
            transport.write(data);
            answered.complete(null);
        }
    }

    @Test
    void slowDataReceivedProducesExactlyOneWarningNamingProtocolAndConnection() throws Exception {
        Reactor reactor = new Reactor();
        reactor.setDebug(true);
        reactor.setSlowCallbackThreshold(Duration.ofMillis(50));
        List<SlowCallback> warnings = new ArrayList<>();
        reactor.setSlowCallbackListener(warnings::add);
        SlowEcho echo = new SlowEcho();
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            ListeningPort port = rt.call(() -> Tcp.listen(reactor, Loopback.ANY_PORT, Factory.forProtocol(() -> echo)));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.getOutputStream().write('x');
                assertEquals('x', socket.getInputStream().read());
                ReactorThread.await(echo.answered);
                // Only the reads of SlowEcho's connection (the one with the byte, since the client has
                // not closed yet): on a loaded machine any other callback may be descheduled past
                // the threshold too.
                List<SlowCallback> seen = rt.call(() -> warnings.stream()
                        .filter(w -> SlowEcho.class.getName().equals(w.protocolClass()) && "read".equals(w.callback()))
                        .collect(Collectors.toList()));
                assertEquals(1, seen.size(), seen.toString());
                SlowCallback warning = seen.get(0);
                assertEquals(CallbackKind.IO, warning.kind());
                assertEquals("read", warning.callback());
                assertEquals(SlowEcho.class.getName(), warning.protocolClass());
                String clientSide = "127.0.0.1:" + socket.getLocalPort();
                assertEquals("127.0.0.1:" + bound.getPort() + " <-> " + clientSide, warning.connection());
                assertTrue(warning.durationNanos() >= SlowEcho.BUSY.toNanos());
                assertTrue(warning.message().contains("TcpDebugModeTest$SlowEcho on 127.0.0.1:"), warning.message());
            }
        }
    }

    @Test
    void writeAndLoseConnectionFromAnotherThreadThrowSayingToUseCallFromThread() throws Exception {
        Reactor reactor = debugReactor();
        CompletableFuture<Transport> made = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            ListeningPort port = rt.call(() -> Tcp.listen(reactor, Loopback.ANY_PORT, Factory.forProtocol(() -> new Protocol() {
                @Override
                public void connectionMade() {
                    made.complete(transport);
                }
            })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                Transport transport = ReactorThread.await(made);
                byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
                IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> transport.write(hello));
                assertTrue(thrown.getMessage().startsWith("Transport.write was called from thread '"
                        + Thread.currentThread().getName() + "'"), thrown.getMessage());
                assertTrue(thrown.getMessage().contains("use reactor.callFromThread("), thrown.getMessage());
                assertThrows(IllegalStateException.class, transport::loseConnection);
                assertThrows(IllegalStateException.class, transport::abortConnection);
                assertThrows(IllegalStateException.class, () -> transport.write(ByteBuffer.wrap(hello)));
                // The way the message points to works, and nothing from the refused calls was sent.
                reactor.callFromThread(() -> {
                    transport.write("ok".getBytes(StandardCharsets.US_ASCII));
                    transport.loseConnection();
                });
                assertEquals("ok", new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void loseConnectionWithAReasonFromAnotherThreadChangesNothing() throws Exception {
        Reactor reactor = new Reactor();
        reactor.setDebug(true);
        Loopback.Recording protocol = new Loopback.Recording();
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            ListeningPort port = rt.call(() -> Tcp.listen(reactor, Loopback.ANY_PORT, Factory.forProtocol(() -> protocol)));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                ReactorThread.await(protocol.made);
                Transport transport = protocol.transport();
                assertThrows(IllegalStateException.class,
                        () -> transport.loseConnection(io.twine.protocol.Reason.aborted("from the wrong thread")));
                assertThrows(IllegalStateException.class, () -> transport.setWriteBufferLimits(2, 1));
                assertThrows(IllegalStateException.class, transport::unregisterProducer);
                rt.run(transport::loseConnection);
                assertEquals(io.twine.protocol.Reason.Kind.CLOSED_BY_US, ReactorThread.await(protocol.lost).kind(),
                        "the refused call left no reason behind");
                assertEquals(-1, socket.getInputStream().read());
            }
        }
    }

    @Test
    void datagramWriteFromAnotherThreadThrowsInDebugMode() {
        Reactor reactor = debugReactor();
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            DatagramTransport udp = rt.call(() -> Udp.listen(reactor, Loopback.ANY_PORT, new DatagramProtocol() { }));
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> udp.write(new byte[1], udp.getHost()));
            assertTrue(thrown.getMessage().contains("callFromThread"), thrown.getMessage());
        }
    }

    /**
     * A reactor in debug mode whose slow-callback warnings are dropped: on a loaded machine any
     * callback may be descheduled past the threshold, which is not what these tests are about and
     * not for the build's console.
     */
    static Reactor debugReactor() {
        Reactor reactor = new Reactor();
        reactor.setDebug(true);
        reactor.setSlowCallbackListener(ignored -> { });
        return reactor;
    }
}
