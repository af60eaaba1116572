package io.twine.transport.tcp;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.reactor.TcpOptions;
import io.twine.reactor.spi.TcpDriver;
import io.twine.reactor.spi.TransportLoop;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * Where a {@link io.twine.reactor.Reactor} finds TCP. The driver is a public class, because
 * {@link java.util.ServiceLoader} instantiates it, nested in this package-private one, so that
 * no user code can name it: the reactor is the only caller, and the only holder of the
 * {@link TransportLoop} it takes.
 */
final class TcpDriverService {

    private TcpDriverService() {}

    /** Listed in {@code module-info.java} and {@code META-INF/services}. */
    public static final class Provider implements TcpDriver {

        /** For {@link java.util.ServiceLoader}. */
        public Provider() {}

        @Override
        public ListeningPort listen(TransportLoop loop, SocketAddress address, Factory factory, TcpOptions options)
                throws IOException {
            return TcpListener.open(loop, address, factory, options);
        }

        @Override
        public Connector connect(TransportLoop loop, SocketAddress address, ClientFactory factory, TcpOptions options) {
            TcpConnector connector = new TcpConnector(loop, address, factory, options);
            connector.connect();
            return connector;
        }
    }
}
