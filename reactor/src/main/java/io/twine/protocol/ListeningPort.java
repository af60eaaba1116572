package io.twine.protocol;

import java.net.SocketAddress;

/**
 * A listening socket and the factory it builds protocols with (Twisted's {@code IListeningPort}).
 *
 * <p>Thread: loop only.
 */
public interface ListeningPort {

    /** The address actually bound: the real port when port 0 was asked for. */
    SocketAddress getHost();

    /**
     * Closes the listening socket; connections already accepted go on. Calling it again does
     * nothing.
     */
    void stopListening();

    /** True until {@link #stopListening()}. */
    boolean isListening();
}
