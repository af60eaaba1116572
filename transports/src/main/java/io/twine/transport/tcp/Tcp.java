package io.twine.transport.tcp;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.reactor.EventLoop;
import io.twine.reactor.TcpOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * TCP for the twine reactor: {@link #listen} (Twisted's {@code listenTCP}) and {@link #connect}
 * ({@code connectTCP}) on any {@link EventLoop}: a {@link io.twine.reactor.Reactor} opens real
 * sockets, {@link io.twine.testing.MemoryReactor} records the call. The transports themselves
 * are package-private; protocols see them only as {@link io.twine.protocol.Transport}.
 *
 * <p>Thread: loop only, or on the thread that will call {@code run()} before it does.
 */
public final class Tcp {

    private Tcp() {}

    /**
     * Listens with {@link TcpOptions#defaults()}.
     *
     * @param reactor the loop the port and its connections live on
     * @param address the local address; port 0 picks a free one
     * @param factory builds one protocol per accepted connection, on the loop thread
     * @return the listening port
     * @throws IOException if the address cannot be bound; the message names it
     */
    public static ListeningPort listen(EventLoop reactor, SocketAddress address, Factory factory) throws IOException {
        return listen(reactor, address, factory, TcpOptions.defaults());
    }

    /**
     * Binds {@code address} (IPv4 or IPv6; port 0 picks a free port, which
     * {@link ListeningPort#getHost()} then reports) and accepts connections, each with a protocol
     * from {@code factory}. The factory's {@code startFactory} runs before this returns.
     *
     * @param reactor the loop the port and its connections live on
     * @param address the local address
     * @param factory builds one protocol per accepted connection, on the loop thread
     * @param options socket options and limits for the port and its connections
     * @return the listening port; {@code stopListening} closes it
     * @throws IOException if the address cannot be bound; the message names it
     */
    public static ListeningPort listen(EventLoop reactor, SocketAddress address, Factory factory, TcpOptions options)
            throws IOException {
        Objects.requireNonNull(reactor, "reactor");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        return reactor.listenTcp(address, factory, options);
    }

    /**
     * Connects with {@link TcpOptions#defaults()}: a 30 second connect timeout.
     *
     * @param reactor the loop the connection lives on
     * @param address the server, already resolved ({@code ClientEndpoint} resolves host names)
     * @param factory builds the protocol once connected and hears of failure, on the loop thread
     * @return the attempt, to cancel or repeat it
     */
    public static Connector connect(EventLoop reactor, SocketAddress address, ClientFactory factory) {
        return connect(reactor, address, factory, TcpOptions.defaults());
    }

    /**
     * Starts connecting to {@code address}. Success builds a protocol with {@code factory};
     * refusal, an unreachable address or the connect timeout reach
     * {@link ClientFactory#clientConnectionFailed} with the cause, from the loop, and never as an
     * exception from this method.
     *
     * @param reactor the loop the connection lives on
     * @param address the server, already resolved ({@code ClientEndpoint} resolves host names)
     * @param factory builds the protocol once connected and hears of failure, on the loop thread
     * @param options socket options, limits and the connect timeout
     * @return the attempt, to cancel or repeat it
     */
    public static Connector connect(EventLoop reactor, SocketAddress address, ClientFactory factory, TcpOptions options) {
        Objects.requireNonNull(reactor, "reactor");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        return reactor.connectTcp(address, factory, options);
    }

    /**
     * Applies the per-connection options to a new channel and makes it non-blocking. A Unix
     * domain socket has no Nagle delay and no keep-alive: only the buffer sizes apply to it.
     */
    static void configure(SocketChannel channel, TcpOptions options, boolean unixDomain) throws IOException {
        channel.configureBlocking(false);
        if (!unixDomain) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, options.noDelay());
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, options.keepAlive());
        }
        if (options.receiveBufferSize() > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
        }
        if (options.sendBufferSize() > 0) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
        }
    }

    /**
     * True for a Unix domain socket path ({@code io.twine.transport.unix.Unix} passes one in):
     * the listener, the connector and the connection serve TCP and Unix sockets with one code
     * path, and differ only where this says so.
     */
    static boolean isUnixDomain(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress;
    }
}
