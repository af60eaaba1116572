package io.twine.protocol;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A listening socket and the factory it builds protocols with (Twisted's {@code IListeningPort}).
 *
 * <p>Thread: loop only.
 */
public interface ListeningPort {

    /**
     * The address actually bound: the real port when port 0 was asked for. An
     * {@link InetSocketAddress} for TCP (see {@link #getInetHost()}), a
     * {@link java.net.UnixDomainSocketAddress} for a Unix socket.
     *
     * @return the bound address
     */
    SocketAddress getHost();

    /**
     * {@link #getHost()} as the {@link InetSocketAddress} of a TCP port, without a cast.
     *
     * @return the bound IP address and port
     * @throws IllegalStateException if this port is not on an IP address (a Unix socket)
     */
    default InetSocketAddress getInetHost() {
        SocketAddress host = getHost();
        if (!(host instanceof InetSocketAddress)) {
            throw new IllegalStateException("this port is bound to " + host + ", not to an IP address and port");
        }
        return (InetSocketAddress) host;
    }

    /**
     * The port number bound: the one the system picked when port 0 was asked for.
     *
     * @return the port, never 0 once listening
     * @throws IllegalStateException if this port is not on an IP address (a Unix socket)
     */
    default int getPort() {
        return getInetHost().getPort();
    }

    /**
     * Closes the listening socket; connections already accepted go on. Calling it again does
     * nothing.
     */
    void stopListening();

    /**
     * True until {@link #stopListening()}.
     *
     * @return false once the port has stopped listening
     */
    boolean isListening();
}
