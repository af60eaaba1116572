package io.twine.transport.udp;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.EventLoop;
import io.twine.reactor.UdpOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * UDP for the twine reactor: {@link #listen} (Twisted's {@code listenUDP} and
 * {@code listenMulticast}) on any {@link EventLoop}: a {@link io.twine.reactor.Reactor} opens a
 * real socket, {@link io.twine.testing.MemoryReactor} records the call. The port itself is
 * package-private; protocols see it only as a {@link DatagramTransport}.
 *
 * <p>Thread: loop only, or on the thread that will call {@code run()} before it does.
 */
public final class Udp {

    private Udp() {}

    /**
     * Listens with {@link UdpOptions#defaults()}.
     *
     * @param reactor the loop the port lives on
     * @param address the local address; port 0 picks a free one
     * @param protocol receives every datagram on the loop thread
     * @return the bound port
     * @throws IOException if the address cannot be bound; the message names it
     */
    public static DatagramTransport listen(EventLoop reactor, SocketAddress address, DatagramProtocol protocol)
            throws IOException {
        return listen(reactor, address, protocol, UdpOptions.defaults());
    }

    /**
     * Binds {@code address} and delivers every datagram that arrives there to {@code protocol}.
     * The socket's family follows the address, as in Twisted: an IPv4 address (including
     * {@code 0.0.0.0}) gives an IPv4-only port, an IPv6 one (including {@code ::}) a port that
     * reaches both families. Port 0 picks a free port, which {@code getHost()} then reports; to
     * receive a multicast group, bind the group's address (or a wildcard) and
     * {@code joinGroup}. The protocol's {@code startProtocol} runs before this returns.
     *
     * @param address an {@link java.net.InetSocketAddress} with a resolved address
     * @param reactor the loop the port lives on
     * @param protocol receives every datagram on the loop thread
     * @param options socket options and the send queue's size
     * @return the bound port; {@code stopListening} closes it
     * @throws IllegalArgumentException if the address is not a resolved {@code InetSocketAddress}
     * @throws IllegalStateException if {@code protocol} is attached to another open port
     * @throws IOException if the address cannot be bound; the message names it
     */
    public static DatagramTransport listen(EventLoop reactor, SocketAddress address, DatagramProtocol protocol,
            UdpOptions options) throws IOException {
        Objects.requireNonNull(reactor, "reactor");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(options, "options");
        return reactor.listenUdp(address, protocol, options);
    }
}
