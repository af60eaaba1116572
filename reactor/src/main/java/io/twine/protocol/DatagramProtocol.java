package io.twine.protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What happens on one UDP port (Twisted's {@code DatagramProtocol}, with asyncio's
 * {@code error_received}). Subclass it and override the events you care about.
 *
 * <p>The calls are, in order: {@link #makeConnection} (which calls {@link #startProtocol}) once
 * when the port opens; {@link #datagramReceived}, {@link #connectionRefused} and
 * {@link #errorReceived} any number of times; and {@link #stopProtocol} once when the port has
 * closed.
 *
 * <p>Unlike a TCP {@link Protocol}, a datagram protocol outlives its errors: an exception thrown
 * from any of these methods is reported once through the reactor and the port stays open, so
 * one bad datagram cannot stop a server. A failed send or receive is an event
 * ({@link #errorReceived}), never the end of the port.
 *
 * <p>Thread: every method is called on the loop thread.
 */
public abstract class DatagramProtocol {

    private static final System.Logger LOG = System.getLogger(DatagramProtocol.class.getName());

    /** The port; set by {@link #makeConnection} before {@link #startProtocol}. */
    protected DatagramTransport transport;

    /**
     * Attaches the port, then calls {@link #startProtocol()}. Called once per port, by the
     * transport, before {@code Udp.listen} returns.
     *
     * @param transport the port, which this protocol may write to from now on
     * @throws IllegalStateException if this protocol is still attached to another open port
     */
    public void makeConnection(DatagramTransport transport) {
        if (this.transport != null && this.transport != transport && this.transport.isListening()) {
            throw new IllegalStateException("this protocol is already attached to the open port " + this.transport);
        }
        this.transport = transport;
        startProtocol();
    }

    /** The port is open: a good place to join groups or send a first datagram. */
    public void startProtocol() {}

    /**
     * The port has closed (after {@code stopListening}, or because the reactor stopped). Called
     * once; the transport no longer sends.
     */
    public void stopProtocol() {}

    /**
     * A datagram arrived from {@code sender}. {@code data} holds it, whole, between its position
     * and its limit; it belongs to the reactor and is reused for the next datagram, so it is
     * valid only during this call: copy what you keep. It may be passed straight to
     * {@link DatagramTransport#write(ByteBuffer, InetSocketAddress)} (an echo).
     *
     * @param data the datagram, owned by the reactor; valid only during this call
     * @param sender the address it came from, where a reply goes
     */
    public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {}

    /**
     * On a connected port only: the peer's host answered a datagram with ICMP "port
     * unreachable", so nothing listens there (yet). The port stays open and keeps receiving.
     * The default does nothing.
     */
    public void connectionRefused() {}

    /**
     * A send or receive failed for a reason other than a refused connection (no route, a
     * broadcast without {@code setBroadcastAllowed}, ...). The datagram concerned is lost; the
     * port stays open. The default logs the error at {@code WARNING} through
     * {@link System.Logger}; override it to count, retry or stay quiet.
     *
     * @param error what the kernel reported
     */
    public void errorReceived(IOException error) {
        LOG.log(System.Logger.Level.WARNING, "UDP error on " + transport, error);
    }

    /**
     * The port this protocol is attached to, or null before {@link #makeConnection}.
     *
     * @return the port, or null before it is attached
     */
    public DatagramTransport transport() {
        return transport;
    }
}
