package io.twine.reactor.spi;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.UdpOptions;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * UDP as a {@link io.twine.reactor.Reactor} opens it: the transports module provides the
 * implementation as a {@link java.util.ServiceLoader} service, and the reactor hands it its
 * {@link TransportLoop} on every call. See {@link io.twine.reactor.EventLoop#listenUdp} for the
 * contract.
 *
 * <p>Thread: loop only.
 */
public interface UdpDriver {

    /**
     * Opens a UDP port on {@code loop}.
     *
     * @param loop the loop the port lives on
     * @param address the local address; port 0 picks a free one
     * @param protocol receives every datagram on the loop thread
     * @param options socket options and the send queue's size
     * @return the port, bound
     * @throws IOException if the address cannot be bound
     */
    DatagramTransport listen(TransportLoop loop, SocketAddress address, DatagramProtocol protocol, UdpOptions options)
            throws IOException;
}
