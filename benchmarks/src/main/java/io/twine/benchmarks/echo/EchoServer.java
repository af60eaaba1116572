package io.twine.benchmarks.echo;

import io.netty.handler.ssl.OpenSsl;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A running echo server on 127.0.0.1 or a Unix socket: every byte a client sends comes straight
 * back. The benchmarks and the shootout start the same servers, so twine, Netty and blocking
 * sockets are measured doing the same work.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, more than once.
 */
public interface EchoServer extends AutoCloseable {

    /** The listen backlog of every server here: large enough that 10,000 connects in a row never see a dropped SYN. */
    int BACKLOG = 1024;

    /** Where it listens: an {@link InetSocketAddress} or a {@link java.net.UnixDomainSocketAddress}. */
    SocketAddress address();

    /** The TCP port it listens on. */
    default int port() {
        return ((InetSocketAddress) address()).getPort();
    }

    /** Stops listening, closes every connection and stops the server's threads. */
    @Override
    void close();

    /** Starts the server called {@code kind} on 127.0.0.1:{@code port} (0 picks a free port), one loop, no TLS. */
    static EchoServer start(EchoKind kind, int port) throws Exception {
        return start(kind, EchoSetup.tcp(port));
    }

    /**
     * Starts the server called {@code kind} as {@code setup} says.
     *
     * @throws IllegalArgumentException if this kind cannot serve that setup (see {@link #supports})
     */
    static EchoServer start(EchoKind kind, EchoSetup setup) throws Exception {
        String unsupported = supports(kind, setup);
        if (unsupported != null) {
            throw new IllegalArgumentException(unsupported);
        }
        switch (kind) {
            case TWINE:
                return TwineEchoServer.start(setup);
            case NETTY_NIO:
                return NettyEchoServer.start(setup, false, false);
            case NETTY_EPOLL:
                return NettyEchoServer.start(setup, true, false);
            case NETTY_OPENSSL:
                return NettyEchoServer.start(setup, false, true);
            case BLOCKING:
                return BlockingEchoServer.start(setup);
            default:
                throw new IllegalArgumentException("no in-process server for " + kind);
        }
    }

    /** Why {@code kind} cannot serve {@code setup}, or null when it can. */
    static String supports(EchoKind kind, EchoSetup setup) {
        if (kind == EchoKind.BLOCKING && setup.isUnix()) {
            return "the blocking server (java.net sockets) speaks TCP only";
        }
        if (kind == EchoKind.BLOCKING && setup.loops() > 1) {
            return "the blocking server has a thread per connection, not loops";
        }
        if (kind == EchoKind.NETTY_OPENSSL && !setup.isTls()) {
            return "netty-openssl differs from netty-nio only with TLS";
        }
        if (kind == EchoKind.NETTY_OPENSSL && !OpenSsl.isAvailable()) {
            return "Netty's OpenSSL (netty-tcnative) does not load here: " + OpenSsl.unavailabilityCause();
        }
        return null;
    }
}
