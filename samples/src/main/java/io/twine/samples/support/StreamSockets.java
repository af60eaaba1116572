package io.twine.samples.support;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.reactor.EventLoop;
import io.twine.reactor.TcpOptions;
import io.twine.transport.tcp.Tcp;
import io.twine.transport.unix.Unix;
import io.twine.transport.unix.UnixOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Listens and connects where a stream sample was told to: TCP for an internet address, a Unix
 * domain socket (with its socket-file care) for a {@link UnixDomainSocketAddress}. The protocols
 * cannot tell the two apart.
 *
 * <p>Thread: loop only, or before {@code run()}.
 */
public final class StreamSockets {

    private StreamSockets() {}

    public static ListeningPort listen(EventLoop reactor, SocketAddress address, Factory factory) throws IOException {
        return listen(reactor, address, factory, TcpOptions.defaults());
    }

    /** Listens on {@code address}; for a Unix socket, {@code options}' connection limit applies. */
    public static ListeningPort listen(EventLoop reactor, SocketAddress address, Factory factory, TcpOptions options)
            throws IOException {
        if (address instanceof UnixDomainSocketAddress) {
            return Unix.listen(reactor, ((UnixDomainSocketAddress) address).getPath(), factory,
                    UnixOptions.defaults().withMaxConnections(options.maxConnections()));
        }
        return Tcp.listen(reactor, address, factory, options);
    }

    public static Connector connect(EventLoop reactor, SocketAddress address, ClientFactory factory) {
        if (address instanceof UnixDomainSocketAddress) {
            return Unix.connect(reactor, ((UnixDomainSocketAddress) address).getPath(), factory);
        }
        return Tcp.connect(reactor, address, factory);
    }
}
