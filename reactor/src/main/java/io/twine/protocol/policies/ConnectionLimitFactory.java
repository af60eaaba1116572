package io.twine.protocol.policies;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.net.SocketAddress;

/**
 * Limits how many connections a factory has open at once, across every port it serves
 * (Twisted's {@code policies.LimitTotalConnectionsFactory}). A connection over the limit never
 * reaches the wrapped factory: it is sent the refusal message, if one is set, and closed with a
 * {@link Reason.Kind#LIMIT_EXCEEDED} reason that says how many were open; {@link #refusedCount()}
 * counts them.
 *
 * <p>Unlike a port's own limit ({@code TcpOptions.maxConnections}, which closes the extra
 * connection before any protocol sees it), this one counts a factory's connections over all the
 * ports and connectors it serves, can answer the refused peer, and gives each refusal a reason
 * that the loop's metrics count.
 *
 * <p>Thread: loop only.
 */
public final class ConnectionLimitFactory extends WrappingFactory {

    private final int maxConnections;
    private byte[] refusalMessage;
    private long refused;

    /**
     * @param wrapped the factory whose connections are counted
     * @param maxConnections how many may be open at once; positive
     * @throws IllegalArgumentException if {@code maxConnections} is not positive
     */
    public ConnectionLimitFactory(Factory wrapped, int maxConnections) {
        super(wrapped);
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("the connection limit must be positive, got " + maxConnections);
        }
        this.maxConnections = maxConnections;
    }

    /**
     * Bytes sent to each refused peer before its connection is closed (a protocol's "busy" reply);
     * null for none.
     *
     * @param message the reply; copied, so the caller keeps the array
     * @return this factory, for chaining
     */
    public ConnectionLimitFactory setRefusalMessage(byte[] message) {
        this.refusalMessage = message == null ? null : message.clone();
        return this;
    }

    /**
     * The most connections open at once.
     *
     * @return the limit given at construction
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Connections refused so far because the limit was reached.
     *
     * @return the count, never reset
     */
    public long refusedCount() {
        return refused;
    }

    /** The wrapped factory's protocol while fewer than the limit are open; otherwise the refusal. */
    @Override
    public Protocol buildProtocol(SocketAddress peer) {
        if (openConnections() < maxConnections) {
            return super.buildProtocol(peer);
        }
        refused++;
        return new Refusal(refusalMessage, Reason.limitExceeded("refused: " + openConnections()
                + " connections are open, the most this factory allows (" + maxConnections + ")"));
    }

    /** Sends the refusal message, if any, then closes with the limit-exceeded reason. */
    private static final class Refusal extends Protocol {
        private final byte[] message;
        private final Reason reason;

        Refusal(byte[] message, Reason reason) {
            this.message = message;
            this.reason = reason;
        }

        @Override
        public void connectionMade() {
            if (message != null) {
                transport.write(message);
            }
            transport.loseConnection(reason);
        }
    }
}
