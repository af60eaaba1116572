package io.twine.samples.support;

import io.twine.protocol.DatagramTransport;
import io.twine.protocol.ListeningPort;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * A server sample that is listening: where, and how to stop it. TCP servers wrap their
 * {@link ListeningPort}; a UDP server wraps its datagram port the same way.
 *
 * <p>Thread: loop only.
 */
public interface StartedServer {

    /**
     * The address actually bound (the real port when 0 was asked for): an
     * {@link InetSocketAddress}, or a {@link java.net.UnixDomainSocketAddress} for a stream server
     * on a Unix socket.
     */
    SocketAddress address();

    /**
     * {@link #address()} of a server known to listen on an internet address (TCP or UDP).
     *
     * @throws IllegalStateException for a server on a Unix domain socket
     */
    default InetSocketAddress internetAddress() {
        SocketAddress address = address();
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalStateException("listening on " + address + ", not on an internet address");
        }
        return (InetSocketAddress) address;
    }

    /** Stops listening; connections already accepted go on until they end. */
    void stop();

    /** A TCP server listening on {@code port}. */
    static StartedServer of(ListeningPort port) {
        Objects.requireNonNull(port, "port");
        return new StartedServer() {
            @Override
            public SocketAddress address() {
                return port.getHost();
            }

            @Override
            public void stop() {
                port.stopListening();
            }
        };
    }

    /** A UDP server on {@code port}: stopping it closes the port. */
    static StartedServer of(DatagramTransport port) {
        Objects.requireNonNull(port, "port");
        return new StartedServer() {
            @Override
            public InetSocketAddress address() {
                return port.getHost();
            }

            @Override
            public void stop() {
                port.stopListening();
            }
        };
    }
}
