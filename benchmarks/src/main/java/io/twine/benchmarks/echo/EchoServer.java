package io.twine.benchmarks.echo;

/**
 * A running echo server on 127.0.0.1: every byte a client sends comes straight back. The
 * benchmarks and the shootout start the same servers, so twine, Netty and blocking sockets are
 * measured doing the same work.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, more than once.
 */
public interface EchoServer extends AutoCloseable {

    /** The listen backlog of every server here: large enough that 10,000 connects in a row never see a dropped SYN. */
    int BACKLOG = 1024;

    /** The port it listens on. */
    int port();

    /** Stops listening, closes every connection and stops the server's threads. */
    @Override
    void close();

    /** Starts the server called {@code kind} on 127.0.0.1:{@code port} (0 picks a free port). */
    static EchoServer start(EchoKind kind, int port) throws Exception {
        switch (kind) {
            case TWINE:
                return TwineEchoServer.start(port);
            case NETTY_NIO:
                return NettyEchoServer.start(port, false);
            case NETTY_EPOLL:
                return NettyEchoServer.start(port, true);
            case BLOCKING:
                return BlockingEchoServer.start(port);
            default:
                throw new IllegalArgumentException("no in-process server for " + kind);
        }
    }
}
