package io.twine.transport.tls;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TLS state shared per reactor lives as long as its reactor, and no longer. */
@Timeout(120)
class TlsLoopTest {

    /**
     * Each reactor's TLS state (and through it the reactor, its pooled direct chunks and read
     * buffer) was kept for the life of the JVM: the table of loops is weak in the reactor, but the
     * loop it held referred to the reactor. 40 runs of a TLS test class in one JVM used up its
     * 1 GiB of direct memory that way.
     */
    @Test
    void reactorThatServedTlsCanBeCollectedOnceStopped() throws Exception {
        ReferenceQueue<Reactor> collected = new ReferenceQueue<>();
        WeakReference<Reactor> reactor = serveOneTlsConnectionAndStop(collected);
        Reference<? extends Reactor> gone = null;
        for (int attempt = 0; attempt < 100 && gone == null; attempt++) {
            System.gc();
            gone = collected.remove(100);  // an upper bound: returns as soon as the reactor is collected
        }
        assertSame(reactor, gone, "the stopped reactor is still reachable");
    }

    private static WeakReference<Reactor> serveOneTlsConnectionAndStop(ReferenceQueue<Reactor> queue) throws Exception {
        Reactor reactor = new Reactor();
        TlsOptions options = TestCertificates.localhostServer().build();  // slow under load: not inside the loop's call
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            ListeningPort port = rt.call(() -> Tcp.listen(reactor,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    Tls.server(reactor, options, Factory.forProtocol(() -> new Protocol() {
                        @Override
                        public void connectionMade() {
                            transport.write(new byte[] {'!'});
                            transport.loseConnection();
                        }
                    }))));
            try (SSLSocket socket = BlockingTlsClient.connect((InetSocketAddress) port.getHost())) {
                socket.getInputStream().read();
            }
        }
        return new WeakReference<>(reactor, queue);
    }
}
