package io.twine.protocol.blocking;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;

/**
 * A non-blocking twine connection as a {@link BlockingHandler} sees it: a pair of blocking streams
 * over bounded buffers that the loop thread fills and drains.
 *
 * <p><b>Threads.</b> The streams are meant for the one worker thread running the handler; every
 * method here is thread-safe, so the handler may also pass a stream to a helper thread (one
 * reader and one writer at a time). No method is ever called on the loop thread by the bridge, and
 * none must be called there by user code: a blocked call would stall the whole reactor.
 *
 * <p><b>Buffers.</b> Bytes are copied in both directions: {@code write} copies the caller's array
 * before it returns, and {@code read} copies into the caller's array. The connection's own
 * buffers belong to it and are bounded (see {@link BlockingHandlerFactory}).
 */
public interface BlockingConnection {

    /**
     * The bytes the peer sends. {@code read} blocks until bytes arrive and returns -1 once the
     * peer has finished sending (after every byte it sent). When the connection is lost another
     * way (reset, aborted, closed by this side or by the reactor stopping), the bytes already
     * received are still returned and then {@code read} throws an {@link java.io.IOException}
     * saying why. A thread interrupted while blocked gets an {@link java.io.InterruptedIOException}
     * with its interrupt status kept.
     *
     * <p>{@code close()} on it discards what is buffered and what arrives later; reads then throw.
     * It does not close the connection.
     *
     * @return the stream, one per connection; only the handler's thread should read it
     */
    InputStream input();

    /**
     * The bytes to send to the peer. {@code write} copies into the connection's write buffer and
     * blocks only while that buffer is full because the peer is slow, so a handler can never queue
     * more than the outbound limit. {@code flush} blocks until every byte written so far has been
     * handed to the transport. Both throw an {@link java.io.IOException} once the connection is
     * lost or closing.
     *
     * <p>{@code close()} on it sends what is buffered and then shuts down the sending side (TCP
     * half-close, Twisted's {@code loseWriteConnection}); reading goes on.
     *
     * @return the stream, one per connection; only the handler's thread should write it
     */
    OutputStream output();

    /**
     * The address of the other end.
     *
     * @return the peer's address, as the transport gives it
     */
    SocketAddress getPeer();

    /**
     * Our own address.
     *
     * @return the local address, as the transport gives it
     */
    SocketAddress getHost();

    /**
     * Sends everything written so far, then closes the connection cleanly. The handler returning
     * does the same, so calling it is only needed to end the connection early. Reads and writes
     * after it throw. Idempotent; does not block.
     */
    void close();
}
