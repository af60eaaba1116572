package io.twine.benchmarks.echo;

import java.util.Locale;

/** The echo servers the benchmarks compare; {@link #C_EPOLL} exists only as a separate process. */
public enum EchoKind {
    /** twine: one reactor thread, the TCP transport, a three-line echo protocol. */
    TWINE("twine"),
    /** Netty 4.2, NIO transport, one event loop for accepting and for I/O, pooled direct buffers. */
    NETTY_NIO("netty-nio"),
    /** Netty 4.2, native epoll transport, one event loop, pooled direct buffers. */
    NETTY_EPOLL("netty-epoll"),
    /**
     * Netty 4.2, NIO transport, with OpenSSL (netty-tcnative's BoringSSL) behind its SslHandler
     * instead of the JDK's engine: the TLS ceiling. Without TLS it would be {@link #NETTY_NIO}.
     */
    NETTY_OPENSSL("netty-openssl"),
    /** java.net blocking sockets, one thread per connection. */
    BLOCKING("blocking"),
    /** A minimal single-threaded C server on epoll: the ceiling. */
    C_EPOLL("c-epoll");

    private final String label;

    EchoKind(String label) {
        this.label = label;
    }

    /** The short name used on command lines and in result files. */
    public String label() {
        return label;
    }

    /** The kind whose {@link #label()} is {@code label}. */
    public static EchoKind of(String label) {
        for (EchoKind kind : values()) {
            if (kind.label.equals(label.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown server '" + label + "'; expected one of twine, netty-nio, "
                + "netty-epoll, netty-openssl, blocking, c-epoll");
    }
}
