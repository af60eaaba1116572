package io.twine.benchmarks.echo;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.TcpOptions;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** The twine echo server: one reactor on its own thread. */
public final class TwineEchoServer implements EchoServer {

    /**
     * Writes back what it reads. The transport is registered as its own streaming producer, so a
     * client that stops reading pauses this connection's reads instead of growing its queue.
     */
    public static final class Echo extends Protocol {
        @Override
        public void connectionMade() {
            transport.registerProducer(transport, true);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    private final ReactorThread loop;
    private final int port;

    private TwineEchoServer(ReactorThread loop, int port) {
        this.loop = loop;
        this.port = port;
    }

    /** Listens on 127.0.0.1:{@code port}; 0 picks a free port. */
    public static TwineEchoServer start(int port) {
        ReactorThread loop = ReactorThread.start();
        try {
            ListeningPort listening = loop.call(() -> Tcp.listen(loop.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    Factory.forProtocol(Echo::new), TcpOptions.defaults().withBacklog(BACKLOG)));
            return new TwineEchoServer(loop, ((InetSocketAddress) listening.getHost()).getPort());
        } catch (RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        loop.close();
    }
}
