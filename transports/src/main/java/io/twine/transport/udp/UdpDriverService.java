package io.twine.transport.udp;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.UdpOptions;
import io.twine.reactor.spi.TransportLoop;
import io.twine.reactor.spi.UdpDriver;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * Where a {@link io.twine.reactor.Reactor} finds UDP. The driver is a public class, because
 * {@link java.util.ServiceLoader} instantiates it, nested in this package-private one, so that
 * no user code can name it: the reactor is the only caller, and the only holder of the
 * {@link TransportLoop} it takes.
 */
final class UdpDriverService {

    private UdpDriverService() {}

    /** Listed in {@code module-info.java} and {@code META-INF/services}. */
    public static final class Provider implements UdpDriver {

        /** For {@link java.util.ServiceLoader}. */
        public Provider() {}

        @Override
        public DatagramTransport listen(TransportLoop loop, SocketAddress address, DatagramProtocol protocol,
                UdpOptions options) throws IOException {
            return UdpPort.open(loop, address, protocol, options, DatagramSender::of);
        }
    }
}
