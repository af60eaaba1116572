package io.twine.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Reason;
import io.twine.testing.ReactorThread;
import io.twine.testsupport.HalfCloseThenClose;
import io.twine.transport.tcp.Tcp;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code loseConnection()} after {@code loseWriteConnection()} closes the socket: the half-close has
 * sent {@code close_notify} already, and nothing else may keep the connection open until the peer
 * happens to close. The peer here is the JDK's {@code SSLSocket} over a socket it does not close, so
 * only the server's close can end the stream under it.
 */
@Timeout(60)
class TlsCloseAfterHalfCloseTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    /** What the peer does once it has read the server's {@code close_notify}. */
    enum Peer {
        /** Nothing: the server closes from its {@code writeConnectionLost}. */
        WAITS,
        /** Writes: the server closes from {@code dataReceived}, an event after its half-close. */
        WRITES,
        /** Sends its own {@code close_notify} and keeps its socket open: both sides are done. */
        SENDS_CLOSE_NOTIFY
    }

    @Test
    void loseConnectionFromWriteConnectionLostClosesTheSocket() throws Exception {
        assertServerClosesItsSocket(Peer.WAITS, Reason.Kind.CLOSED_BY_US);
    }

    @Test
    void loseConnectionInALaterEventClosesTheSocket() throws Exception {
        assertServerClosesItsSocket(Peer.WRITES, Reason.Kind.CLOSED_BY_US);
    }

    @Test
    void peersCloseNotifyAfterOursClosesTheSocket() throws Exception {
        assertServerClosesItsSocket(Peer.SENDS_CLOSE_NOTIFY, Reason.Kind.CLOSED_BY_PEER);
    }

    private static void assertServerClosesItsSocket(Peer peer, Reason.Kind expected) throws Exception {
        HalfCloseThenClose server = new HalfCloseThenClose(HELLO, peer == Peer.WAITS);
        TlsOptions options = TestCertificates.localhostServer().build();  // slow under load: not inside the loop's call
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT,
                    Tls.server(rt.reactor(), options, Factory.forProtocol(() -> server))));
            InetSocketAddress address = (InetSocketAddress) port.getHost();
            try (Socket plain = new Socket(address.getAddress(), address.getPort());
                    SSLSocket tls = BlockingTlsClient.over(plain, false)) {
                plain.setSoTimeout(20_000);
                byte[] hello = new byte[HELLO.length];
                new DataInputStream(tls.getInputStream()).readFully(hello);
                assertEquals("hello", new String(hello, StandardCharsets.US_ASCII));
                assertEquals(-1, tls.getInputStream().read(), "close_notify ends what the server sends");
                if (peer == Peer.WRITES) {
                    tls.getOutputStream().write("more".getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                } else if (peer == Peer.SENDS_CLOSE_NOTIFY) {
                    tls.shutdownOutput();
                }
                // Times out (a SocketTimeoutException) while the server's socket stays open.
                assertEquals(-1, plain.getInputStream().read(), "the server closed its socket");
            }
            Reason reason = ReactorThread.await(server.lost);
            assertEquals(expected, reason.kind(), reason.toString());
            assertTrue(reason.isClean(), reason.toString());
        }
        assertEquals(1, server.lostCalls.get(), "connectionLost once");
    }
}
