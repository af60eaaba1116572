package io.twine.protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;

/**
 * One UDP port, as its {@link DatagramProtocol} sees it (Twisted's {@code IUDPTransport} and
 * {@code IMulticastTransport}).
 *
 * <p><b>Sending.</b> A {@code write} hands the datagram to the kernel at once and the caller may
 * reuse its bytes as soon as it returns. Datagrams written during one callback leave in the
 * order they were written. A datagram larger than UDP can carry ({@link #MAX_IPV4_PAYLOAD} bytes
 * to an IPv4 address, {@link #MAX_IPV6_PAYLOAD} to an IPv6 one) is refused with an
 * {@link IllegalArgumentException} and nothing is sent.
 *
 * <p><b>A full kernel buffer.</b> When the kernel's send buffer is full, the datagram is copied
 * into a queue and sent, in order, as soon as the kernel has room; later writes queue behind
 * it. The queue is bounded (1,024 datagrams by default, settable in the port's options): a
 * datagram written while it is full is <em>dropped</em> and counted in
 * {@link #getDroppedDatagrams()}, as a router drops what it cannot forward. UDP never promised
 * delivery; an application that cares watches the count or paces itself.
 *
 * <p><b>Writing to a port</b> after {@link #stopListening()} does nothing.
 *
 * <p>Thread: loop only, like every method here.
 */
public interface DatagramTransport {

    /** The largest UDP payload to an IPv4 address: 65,535 less the 20-byte IP and 8-byte UDP headers. */
    int MAX_IPV4_PAYLOAD = 65_507;

    /** The largest UDP payload to an IPv6 address (without jumbograms): 65,535 less the 8-byte UDP header. */
    int MAX_IPV6_PAYLOAD = 65_527;

    /**
     * Sends the bytes between {@code data}'s position and limit as one datagram to
     * {@code address}, and moves the position to the limit.
     *
     * @param data the datagram between position and limit; the caller's again once this returns
     * @param address where to send it
     * @throws IllegalArgumentException if the datagram is too large for the address family, the
     *     address is unresolved or of a family this port cannot reach, or the port is connected
     *     to another address
     */
    void write(ByteBuffer data, InetSocketAddress address);

    /**
     * Sends all of {@code data} as one datagram to {@code address}.
     *
     * @param data the datagram; the caller's again once this returns
     * @param address where to send it
     */
    void write(byte[] data, InetSocketAddress address);

    /**
     * Sends {@code length} bytes of {@code data} from {@code offset} as one datagram to
     * {@code address}.
     *
     * @param data holds the datagram; the caller's again once this returns
     * @param offset where the datagram starts in {@code data}
     * @param length the datagram's size in bytes
     * @param address where to send it
     */
    void write(byte[] data, int offset, int length, InetSocketAddress address);

    /**
     * Sends one datagram to the connected peer.
     *
     * @param data the datagram between position and limit; the caller's again once this returns
     * @throws IllegalStateException if the port is not {@linkplain #connect connected}
     */
    void write(ByteBuffer data);

    /**
     * Sends all of {@code data} as one datagram to the connected peer.
     *
     * @param data the datagram; the caller's again once this returns
     */
    void write(byte[] data);

    /**
     * Connects the port to {@code address}: from now on it receives only from there, writes go
     * there by default, and an ICMP "port unreachable" answer reaches
     * {@link DatagramProtocol#connectionRefused()}. A port connects once.
     *
     * @param address the only peer from now on
     * @throws IllegalStateException if the port is already connected or closed
     * @throws IllegalArgumentException if the address is unresolved
     * @throws IOException if the kernel refuses
     */
    void connect(InetSocketAddress address) throws IOException;

    /**
     * The connected peer, or null when the port is not connected.
     *
     * @return the address given to {@link #connect}, or null
     */
    InetSocketAddress getPeer();

    /**
     * The address actually bound: the real port when port 0 was asked for.
     *
     * @return the bound address, with its real port
     */
    InetSocketAddress getHost();

    /**
     * Stops receiving at once; sends what is queued, then closes the port, after which the
     * protocol's {@link DatagramProtocol#stopProtocol()} runs (never from inside the call).
     * Calling it again does nothing.
     */
    void stopListening();

    /**
     * True until {@link #stopListening()} or the reactor's stop.
     *
     * @return false once the port is closed
     */
    boolean isListening();

    /**
     * Allows (or forbids, the default) sending to broadcast addresses ({@code SO_BROADCAST}).
     *
     * @param allowed true to allow broadcast sends
     * @throws IOException if the kernel refuses the option
     */
    void setBroadcastAllowed(boolean allowed) throws IOException;

    /**
     * {@return true if sending to broadcast addresses is allowed ({@code SO_BROADCAST})}
     *
     * @throws IOException if the kernel cannot read the option
     */
    boolean isBroadcastAllowed() throws IOException;

    /**
     * Joins the multicast {@code group} on the port's default multicast interface: the one set
     * with {@link #setOutgoingInterface}, else the one that owns the bound address.
     *
     * @param group the multicast address to receive datagrams for
     * @throws IllegalArgumentException if {@code group} is not a multicast address, or no
     *     interface can be chosen (the port is bound to a wildcard and no outgoing interface is
     *     set): then name one with {@link #joinGroup(InetAddress, NetworkInterface)}
     * @throws IOException if the kernel refuses
     */
    void joinGroup(InetAddress group) throws IOException;

    /**
     * Joins the multicast {@code group} on {@code networkInterface}. Joining twice does nothing.
     *
     * @param group the multicast address to receive datagrams for
     * @param networkInterface the interface to join it on
     * @throws IOException if the kernel refuses
     */
    void joinGroup(InetAddress group, NetworkInterface networkInterface) throws IOException;

    /**
     * Leaves a group joined with {@link #joinGroup(InetAddress)}; does nothing if not a member.
     *
     * @param group the multicast address to stop receiving
     * @throws IOException if the kernel refuses
     */
    void leaveGroup(InetAddress group) throws IOException;

    /**
     * Leaves a group joined on {@code networkInterface}; does nothing if not a member.
     *
     * @param group the multicast address to stop receiving
     * @param networkInterface the interface it was joined on
     * @throws IOException if the kernel refuses
     */
    void leaveGroup(InetAddress group, NetworkInterface networkInterface) throws IOException;

    /**
     * Sets the time-to-live (IPv6: hop limit) of outgoing multicast datagrams, 0 to 255. 0 keeps
     * them on this host; 1, the default, on the local network.
     *
     * @param ttl 0 to 255
     * @throws IOException if the kernel refuses the option
     */
    void setTTL(int ttl) throws IOException;

    /**
     * {@return the time-to-live (IPv6: hop limit) of outgoing multicast datagrams}
     *
     * @throws IOException if the kernel cannot read the option
     */
    int getTTL() throws IOException;

    /**
     * Whether this host's own members of a group receive what the port sends to it (default true).
     *
     * @param loopback false to keep this host's members from hearing the port's own sends
     * @throws IOException if the kernel refuses the option
     */
    void setLoopbackMode(boolean loopback) throws IOException;

    /**
     * {@return true if this host's own group members receive what the port sends}
     *
     * @throws IOException if the kernel cannot read the option
     */
    boolean getLoopbackMode() throws IOException;

    /**
     * The interface outgoing multicast datagrams leave by ({@code IP_MULTICAST_IF}).
     *
     * @param networkInterface the interface for multicast sends
     * @throws IOException if the kernel refuses the option
     */
    void setOutgoingInterface(NetworkInterface networkInterface) throws IOException;

    /**
     * The interface set with {@link #setOutgoingInterface}, or null for the kernel's choice.
     *
     * @return the interface, or null
     * @throws IOException if the kernel cannot read the option
     */
    NetworkInterface getOutgoingInterface() throws IOException;

    /**
     * Datagrams waiting for room in the kernel's send buffer.
     *
     * @return the queue's length now; at most the port's {@code maxQueuedDatagrams}
     */
    int getQueuedDatagrams();

    /**
     * Datagrams dropped because the send queue was full, since the port opened.
     *
     * @return the count, never reset
     */
    long getDroppedDatagrams();
}
