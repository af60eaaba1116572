package io.twine.protocol;

import java.net.SocketAddress;

/**
 * One outgoing connection's life, across attempts (Twisted's {@code IConnector}).
 *
 * <p>Thread: loop only.
 */
public interface Connector {

    /**
     * Starts a new attempt. Meant for retrying from {@link ClientFactory#clientConnectionFailed}
     * or {@link ClientFactory#clientConnectionLost}.
     *
     * @throws IllegalStateException if an attempt is in progress or connected
     */
    void connect();

    /**
     * Gives up the attempt in progress; the factory's {@code clientConnectionFailed} is called.
     *
     * @throws IllegalStateException if no attempt is in progress
     */
    void stopConnecting();

    /** Stops the attempt in progress or closes the connection ({@code loseConnection}). */
    void disconnect();

    /**
     * Where this connector connects to.
     *
     * @return the address the attempt was started with
     */
    SocketAddress getDestination();
}
