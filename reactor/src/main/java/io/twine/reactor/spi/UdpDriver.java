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

    /** Opens a UDP port on {@code loop}. */
    DatagramTransport listen(TransportLoop loop, SocketAddress address, DatagramProtocol protocol, UdpOptions options)
            throws IOException;
}
