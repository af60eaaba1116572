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

    /**
     * Opens a listening port on {@code loop}.
     *
     * @param loop the loop the port and its connections live on
     * @param address the local address; port 0 picks a free one
     * @param factory builds one protocol per accepted connection
     * @param options socket options and limits
     * @return the port, listening
     * @throws IOException if the address cannot be bound
     */
    ListeningPort listen(TransportLoop loop, SocketAddress address, Factory factory, TcpOptions options)
            throws IOException;

    /**
     * Starts a connection attempt on {@code loop}.
     *
     * @param loop the loop the connection lives on
     * @param address the peer
     * @param factory builds the protocol once connected, and hears of failure
     * @param options socket options, limits and the connect timeout
     * @return the attempt, started
     */
    Connector connect(TransportLoop loop, SocketAddress address, ClientFactory factory, TcpOptions options);
}
