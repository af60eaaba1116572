package io.twine.reactor.spi;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.reactor.TcpOptions;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * TCP as a {@link io.twine.reactor.Reactor} opens it: the transports module provides the
 * implementation as a {@link java.util.ServiceLoader} service, and the reactor hands it its
 * {@link TransportLoop} on every call. See {@link io.twine.reactor.EventLoop#listenTcp} and
 * {@link io.twine.reactor.EventLoop#connectTcp} for the contracts.
 *
 * <p>Thread: loop only.
 */
public interface TcpDriver {

    /** Opens a listening port on {@code loop}. */
    ListeningPort listen(TransportLoop loop, SocketAddress address, Factory factory, TcpOptions options)
            throws IOException;

    /** Starts a connection attempt on {@code loop}. */
    Connector connect(TransportLoop loop, SocketAddress address, ClientFactory factory, TcpOptions options);
}
