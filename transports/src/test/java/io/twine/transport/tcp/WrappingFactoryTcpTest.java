package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.Factory;
import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.policies.ProtocolWrapper;
import io.twine.protocol.policies.WrappingFactory;
import io.twine.testing.ReactorThread;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wrapping factory's base on real sockets: bytes both ways, half-close, and the count of open connections. */
@Timeout(60)
class WrappingFactoryTcpTest {

    /** Answers everything it reads, upper-cased, once the peer has finished sending. */
    static final class ShoutWhenDone extends Loopback.Recording implements HalfCloseableProtocol {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received.writeBytes(bytes);
        }

        @Override
        public void readConnectionLost() {
            transport.write(received.toString(StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII));
            transport.loseConnection();
        }
    }

    /** Counts the bytes that pass in each direction. */
    static final class Counting extends ProtocolWrapper {
        final AtomicLong in;
        final AtomicLong out;

        Counting(Protocol inner, AtomicLong in, AtomicLong out) {
            super(inner);
            this.in = in;
            this.out = out;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            in.addAndGet(data.remaining());
            super.dataReceived(data);
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            out.addAndGet(length);
            super.write(data, offset, length);
        }
    }

    @Test
    void wrappedProtocolTalksThroughTheWrapperAndHalfClosesAsWithoutIt() throws Exception {
        AtomicLong in = new AtomicLong();
        AtomicLong out = new AtomicLong();
        CompletableFuture<Reason> serverLost = new CompletableFuture<>();
        WrappingFactory factory = new WrappingFactory(Factory.forProtocol(() -> {
            ShoutWhenDone server = new ShoutWhenDone();
            server.lost.thenAccept(serverLost::complete);
            return server;
        })) {
            @Override
            protected ProtocolWrapper wrapProtocol(Protocol inner) {
                return new Counting(inner, in, out);
            }
        };
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, factory));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("hello, wrapper".getBytes(StandardCharsets.US_ASCII));
                socket.shutdownOutput();
                assertEquals("HELLO, WRAPPER", new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(serverLost).kind());
            assertEquals(14, in.get());
            assertEquals(14, out.get());
            assertEquals(0, (int) rt.call(factory::openConnections));
        }
    }

    @Test
    void plainProtocolInsideAWrapperIsClosedByThePeersEndOfStream() throws Exception {
        Loopback.Recording server = new Loopback.Recording();
        WrappingFactory factory = new WrappingFactory(Factory.forProtocol(() -> server));
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, factory));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                ReactorThread.await(server.made);
                assertEquals(1, (int) rt.call(factory::openConnections));
                socket.shutdownOutput();
                assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(server.lost).kind());
            }
            assertEquals(0, (int) rt.call(factory::openConnections));
        }
    }
}
