package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Reason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a failed read or write becomes a {@link Reason}, with the exceptions this JDK really throws
 * on loopback (run on Java 17 and 25: the words are the JDK's, not ours). Loopback cannot make
 * the kernel time out an established connection or lose its route, so for those two the test
 * uses the exception the JDK makes from that errno: its type, or the words of its message.
 */
@Timeout(30)
class IoErrorsTest {

    @Test
    void aResetSeenByAReadIsAReset() throws Exception {
        try (Pair pair = Pair.open()) {
            pair.resetByServer();
            IOException error = assertThrows(IOException.class, () -> pair.client.read(ByteBuffer.allocate(16)));
            Reason reason = IoErrors.reasonFor(error);
            assertEquals(Reason.Kind.RESET, reason.kind(), error.toString());
            assertSame(error, reason.cause());
            assertTrue(reason.message().contains(error.getMessage()), reason.message());
        }
    }

    @Test
    void aResetSeenByAWriteIsAResetAndTheBrokenPipeAfterItIsALoss() throws Exception {
        try (Pair pair = Pair.open()) {
            pair.resetByServer();
            IOException first = assertThrows(IOException.class, () -> pair.writeUntilItFails());
            assertEquals(Reason.Kind.RESET, IoErrors.reasonFor(first).kind(), first.toString());
            IOException second = assertThrows(IOException.class, () -> pair.writeUntilItFails());
            assertTrue(second.getMessage().contains("Broken pipe"), second.toString());
            Reason reason = IoErrors.reasonFor(second);
            assertEquals(Reason.Kind.LOST, reason.kind(), second.toString());
            assertTrue(reason.message().contains("broken pipe"), reason.message());
        }
    }

    @Test
    void writingToAPeerThatClosedAndThenResetIsABrokenPipe() throws Exception {
        try (Pair pair = Pair.open()) {
            pair.server.close();  // a clean close: our next write is answered with a RST
            IOException error = assertThrows(IOException.class, () -> pair.writeUntilItFails());
            Reason.Kind kind = IoErrors.reasonFor(error).kind();
            assertTrue(kind == Reason.Kind.LOST || kind == Reason.Kind.RESET, error + " gave " + kind);
            assertTrue(IoErrors.reasonFor(error).message().contains(error.getMessage()));
        }
    }

    @Test
    void aTimeoutIsATimeout() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                Socket socket = new Socket()) {
            socket.connect(server.getLocalAddress());
            socket.setSoTimeout(1);
            SocketTimeoutException error = assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read());
            assertEquals(Reason.Kind.TIMED_OUT, IoErrors.reasonFor(error).kind());
        }
        // ETIMEDOUT on an established connection (retransmissions or keep-alive gave up), as the JDK words it.
        IOException kernelGaveUp = new IOException("Connection timed out");
        assertEquals(Reason.Kind.TIMED_OUT, IoErrors.reasonFor(kernelGaveUp).kind());
    }

    @Test
    void anUnreachablePeerIsALoss() throws Exception {
        // A real ICMP port unreachable on loopback, as a connected datagram channel reports it.
        try (DatagramChannel closed = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                DatagramChannel channel = DatagramChannel.open()) {
            InetSocketAddress nobody = (InetSocketAddress) closed.getLocalAddress();
            closed.close();
            channel.connect(nobody);
            channel.write(ByteBuffer.wrap(new byte[] {1}));
            PortUnreachableException error = assertThrows(PortUnreachableException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    channel.receive(ByteBuffer.allocate(8));
                    Thread.onSpinWait();
                }
            });
            assertEquals(Reason.Kind.LOST, IoErrors.reasonFor(error).kind());
        }
        for (IOException error : new IOException[] {
                new NoRouteToHostException("No route to host"),
                new IOException("No route to host"),
                new IOException("Network is unreachable"),
                new IOException("Host is down")}) {
            Reason reason = IoErrors.reasonFor(error);
            assertEquals(Reason.Kind.LOST, reason.kind(), error.toString());
            assertTrue(reason.message().contains("unreachable"), reason.message());
        }
    }

    @Test
    void anythingElseIsALossNamingWhatTheJdkSaid() {
        Reason reason = IoErrors.reasonFor(new IOException("Something new"));
        assertEquals(Reason.Kind.LOST, reason.kind());
        assertTrue(reason.message().contains("Something new"), reason.message());
        assertEquals(Reason.Kind.LOST, IoErrors.reasonFor(new IOException()).kind());
    }

    /** A connected pair of loopback channels: our client and the server end that misbehaves. */
    private static final class Pair implements AutoCloseable {
        final ServerSocketChannel listener;
        final SocketChannel client;
        final SocketChannel server;

        private Pair(ServerSocketChannel listener, SocketChannel client, SocketChannel server) {
            this.listener = listener;
            this.client = client;
            this.server = server;
        }

        static Pair open() throws IOException {
            ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            SocketChannel client = SocketChannel.open(listener.getLocalAddress());
            return new Pair(listener, client, listener.accept());
        }

        /** Closes the server end with SO_LINGER 0 and waits until the RST has reached the client. */
        void resetByServer() throws IOException {
            server.setOption(StandardSocketOptions.SO_LINGER, 0);
            server.close();
            // The RST is local: once the client's socket says end-of-input or error on a poll, it is there.
            client.configureBlocking(false);
            try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
                client.register(selector, java.nio.channels.SelectionKey.OP_READ);
                selector.select(10_000);
            }
            client.configureBlocking(true);
        }

        /** Writes until the kernel refuses; returns normally never (the test expects a throw). */
        void writeUntilItFails() throws IOException {
            for (int i = 0; i < 1000; i++) {
                client.write(ByteBuffer.wrap(new byte[1024]));
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
            listener.close();
        }
    }
}
