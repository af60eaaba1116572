package io.twine.protocol;

import java.nio.ByteBuffer;

/**
 * What happens on one connection (Twisted's {@code Protocol}). Subclass it and override the
 * events you care about; events are named in the past tense, commands on the {@link Transport}
 * in the imperative.
 *
 * <p>For every connection the calls are, in order: {@link #makeConnection} (which calls
 * {@link #connectionMade}) once; {@link #dataReceived} any number of times; and
 * {@link #connectionLost} exactly once, whatever ended the connection.
 *
 * <p>An exception thrown from any of these closes this connection, with the exception as the
 * reason given to {@code connectionLost}, and is reported once; other connections and the loop
 * go on.
 *
 * <p>Thread: every method is called on the loop thread; so there is no need to lock state that
 * only this reactor's protocols share.
 */
public abstract class Protocol {

    /** The connection; set by {@link #makeConnection} before {@link #connectionMade}. */
    protected Transport transport;

    /**
     * Attaches the transport, then calls {@link #connectionMade()}. Called once, by the transport.
     *
     * @param transport the connection, which this protocol may write to from now on
     */
    public void makeConnection(Transport transport) {
        this.transport = transport;
        connectionMade();
    }

    /** The connection is open: a good place to send a greeting. */
    public void connectionMade() {}

    /**
     * Bytes arrived. {@code data} holds them between its position and its limit; it belongs to
     * the reactor and is valid only during this call, so copy what you keep. You may change its
     * position and limit, and pass it to {@link Transport#write(ByteBuffer)}: a socket transport
     * then sends those bytes from this buffer, without a copy, so once you have written it, leave
     * its bytes as they are until you return.
     *
     * @param data the bytes read, owned by the reactor and reused after this call
     */
    public void dataReceived(ByteBuffer data) {}

    /**
     * The connection is closed, for {@code reason}. Called exactly once per connection that was
     * made, and never from inside another callback of this protocol: whatever ended the
     * connection (an abort, a write past the hard cap, an exception from a callback, the peer),
     * it comes from the loop on a later turn. The transport may no longer be written to.
     *
     * @param reason why it closed; {@link Reason#isClean()} if nothing was lost
     */
    public void connectionLost(Reason reason) {}

    /**
     * Moves this protocol onto {@code replacement} without calling {@link #connectionMade} again:
     * a layer that takes over a live connection (startTLS) calls it, after which the protocol
     * writes through the layer. Called on the loop thread.
     *
     * @param replacement the transport this protocol writes to from now on
     */
    public void switchTransport(Transport replacement) {
        if (replacement == null) {
            throw new NullPointerException("replacement");
        }
        this.transport = replacement;
    }

    /**
     * The transport this protocol is attached to, or null before {@link #makeConnection}.
     *
     * @return the transport, or null before it is attached
     */
    public Transport transport() {
        return transport;
    }
}
