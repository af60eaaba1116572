package io.twine.protocol;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes a {@link Protocol} for each accepted connection (Twisted's {@code Factory}). One factory
 * may serve several listening ports; {@link #startFactory()} runs when the first starts using it
 * and {@link #stopFactory()} when the last stops.
 *
 * <p>Shared state of all connections (a chat room's members, counters) belongs here: every
 * protocol of one reactor runs on its loop thread, so no lock is needed.
 *
 * <p>Thread: loop only.
 */
public abstract class Factory {

    /** The default hard cap on each connection's queued outbound bytes: 64 MiB. */
    public static final long DEFAULT_MAX_WRITE_BUFFER_SIZE = 64L * 1024 * 1024;

    private int activePorts;
    private long maxWriteBufferSize = DEFAULT_MAX_WRITE_BUFFER_SIZE;

    /**
     * Returns the protocol for a new connection from {@code peer}, or null to refuse it (the
     * connection is closed at once). For a client connection {@code peer} is the server.
     *
     * @param peer the other end's address (for a client, the server's)
     * @return a new protocol, attached to the connection on the loop thread; or null
     */
    public abstract Protocol buildProtocol(SocketAddress peer);

    /** Called before the first port or connector starts using this factory. */
    public void startFactory() {}

    /** Called after the last port or connector has stopped using this factory. */
    public void stopFactory() {}

    /**
     * Counts one more user; calls {@link #startFactory()} for the first. Called by transports.
     * If {@code startFactory} throws, the count is as before and the exception propagates.
     */
    public final void doStart() {
        if (activePorts == 0) {
            startFactory();
        }
        activePorts++;
    }

    /** Counts one user fewer; calls {@link #stopFactory()} for the last. Called by transports. */
    public final void doStop() {
        if (activePorts == 0) {
            throw new IllegalStateException("doStop() without a matching doStart()");
        }
        if (--activePorts == 0) {
            stopFactory();
        }
    }

    /**
     * How many ports or connectors use this factory now.
     *
     * @return the count of started ports and connectors not yet stopped
     */
    public final int activePorts() {
        return activePorts;
    }

    /**
     * The hard cap on queued outbound bytes given to each new connection.
     *
     * @return bytes; 64 MiB unless set
     */
    public long getMaxWriteBufferSize() {
        return maxWriteBufferSize;
    }

    /**
     * Sets the hard cap on queued outbound bytes for connections made from now on.
     *
     * @param maxBytes the cap; connections already open keep theirs
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    public void setMaxWriteBufferSize(long maxBytes) {
        this.maxWriteBufferSize = Transport.checkMaxWriteBufferSize(maxBytes);
    }

    /**
     * A factory that calls {@code protocols} for every connection.
     *
     * @param protocols called on the loop thread for each connection; must return a new protocol
     *     each time
     * @return a factory that never refuses a connection
     */
    public static Factory forProtocol(Supplier<? extends Protocol> protocols) {
        Objects.requireNonNull(protocols, "protocols");
        return new Factory() {
            @Override
            public Protocol buildProtocol(SocketAddress peer) {
                return protocols.get();
            }
        };
    }
}
