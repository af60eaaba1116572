package io.twine.protocol;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One connection, as its {@link Protocol} sees it (Twisted's {@code ITransport} with
 * {@code ITCPTransport}'s half-close and {@code IConsumer}'s producer registration).
 *
 * <p>A transport is itself a {@link Producer} of the data it reads: {@link #pauseProducing()}
 * stops reading, {@link #resumeProducing()} starts again. So a proxy or an echo server registers
 * the transport it reads from as the producer of the one it writes to, and a slow writer
 * throttles a fast reader.
 *
 * <p><b>Writes copy.</b> Every {@code write} copies the caller's bytes into the transport's
 * outbound queue before it returns, so the caller may reuse its array or buffer at once. Nothing
 * is sent from inside {@code write}: writes made while the connection handles its own read event
 * are sent together at the end of that event, and writes made anywhere else (a timer, a task,
 * another connection's callback) just before the loop's next select; either way in one
 * (gathering) write. When the kernel's buffer is full, the rest goes as soon as it has room.
 *
 * <p><b>Limits.</b> Above the high-water mark (default 64 KiB) a registered streaming producer is
 * paused; at or below the low-water mark (default 16 KiB) it is resumed. A protocol that ignores
 * this is still bounded: past the hard cap (default 64 MiB) the connection is closed with
 * {@link Reason.Kind#LIMIT_EXCEEDED}, and the write that crossed it is dropped.
 *
 * <p>Thread: loop only, like every method here.
 */
public interface Transport extends Producer {

    /**
     * Queues all of {@code data} to be sent. Ignored once the connection is closing.
     *
     * @param data the bytes, copied before this returns
     */
    void write(byte[] data);

    /**
     * Queues {@code length} bytes of {@code data} from {@code offset}.
     *
     * @param data holds the bytes, copied before this returns
     * @param offset where the bytes start in {@code data}
     * @param length how many bytes to send
     */
    void write(byte[] data, int offset, int length);

    /**
     * Queues the bytes between {@code data}'s position and limit, and moves its position to its
     * limit, as a channel write would.
     *
     * <p>One exception to the copy: the very buffer {@link Protocol#dataReceived} was handed,
     * written back to its own connection during that call (an echo), belongs to the reactor, and
     * a socket transport may send it from there; the caller must not change its bytes before
     * {@code dataReceived} returns. A view of it ({@code duplicate}, {@code slice}) is copied.
     *
     * @param data the bytes between position and limit, copied before this returns (but see above)
     */
    void write(ByteBuffer data);

    /**
     * Queues each buffer in turn, as one write.
     *
     * @param data the buffers, each between position and limit; all copied before this returns
     */
    void writeSequence(ByteBuffer... data);

    /**
     * Stops reading, sends everything queued, then closes. The protocol's
     * {@code connectionLost} then gets {@link Reason#closedByUs()}. Calling it again does nothing.
     */
    void loseConnection();

    /**
     * Closes now, dropping whatever is still queued; {@code connectionLost} gets
     * {@link Reason#aborted()}, on the loop's next turn and never from inside this call (so a
     * protocol that aborts in its own {@code dataReceived} finishes that call first).
     */
    void abortConnection();

    /**
     * Like {@link #loseConnection()} (stop reading, send what is queued, then close), but
     * {@code connectionLost} gets {@code reason} instead of a clean close: framing protocols use it
     * to say a limit was exceeded or the peer sent malformed data. If the flush itself fails, the
     * failure is the reason given.
     *
     * <p>The default, for transports that cannot carry a reason, is plain {@code loseConnection()}.
     *
     * @param reason what {@code connectionLost} gets once the queued bytes are sent
     */
    default void loseConnection(Reason reason) {
        loseConnection();
    }

    /**
     * Like {@link #abortConnection()} (close now, drop what is queued), but {@code connectionLost}
     * gets {@code reason}: an idle timeout uses it to say why the connection ended.
     *
     * <p>The default, for transports that cannot carry a reason, is plain {@code abortConnection()}.
     *
     * @param reason what {@code connectionLost} gets
     */
    default void abortConnection(Reason reason) {
        abortConnection();
    }

    /**
     * Sends everything queued, then shuts down our sending side (TCP half-close) while reading
     * goes on. Useful with a {@link HalfCloseableProtocol}.
     */
    void loseWriteConnection();

    /**
     * The address of the other end.
     *
     * @return the peer's address; for TCP an {@link java.net.InetSocketAddress}
     */
    SocketAddress getPeer();

    /**
     * Our own address.
     *
     * @return the local address; for TCP an {@link java.net.InetSocketAddress}
     */
    SocketAddress getHost();

    /**
     * The user and group of the process at the other end, where the transport knows them: a Unix
     * domain socket does (the kernel's record from the moment the peer connected); TCP, UDP and
     * the test kit's transports do not, and give empty. A layer over another transport (TLS, a
     * wrapping factory) gives what the transport under it gives.
     *
     * @return the peer's credentials, or empty where the transport cannot know them
     */
    default Optional<PeerCredentials> getPeerCredentials() {
        return Optional.empty();
    }

    /**
     * True until the connection is closing or closed.
     *
     * @return false once {@code loseConnection} or {@code abortConnection} was called, or the peer
     *     closed
     */
    boolean isConnected();

    /** Stops reading from the peer until {@link #resumeProducing()}. */
    @Override
    void pauseProducing();

    /** Starts reading again after {@link #pauseProducing()}. */
    @Override
    void resumeProducing();

    /** Same as {@link #loseConnection()}. */
    @Override
    void stopProducing();

    /**
     * Registers the one producer that writes to this transport.
     *
     * @param streaming true for a push producer (paused and resumed by the water marks), false
     *     for a pull producer (resumed whenever the buffer has drained)
     * @param producer paused, resumed and stopped by this transport on the loop thread
     * @throws IllegalStateException if another producer is registered
     */
    void registerProducer(Producer producer, boolean streaming);

    /** Forgets the registered producer, if any. */
    void unregisterProducer();

    /**
     * Sets the water marks, in bytes of queued outbound data.
     *
     * @param highWaterMark a streaming producer is paused above this many bytes
     * @param lowWaterMark it is resumed at or below this many bytes
     * @throws IllegalArgumentException unless {@code 0 <= low <= high}
     */
    void setWriteBufferLimits(long highWaterMark, long lowWaterMark);

    /**
     * Sets the hard cap on queued outbound bytes; above it the connection is closed with
     * {@link Reason.Kind#LIMIT_EXCEEDED}.
     *
     * @param maxBytes the cap, above the high-water mark to be of use
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    void setMaxWriteBufferSize(long maxBytes);

    /**
     * Bytes queued and not yet accepted by the kernel.
     *
     * @return the bytes queued now
     */
    long getWriteBufferSize();

    /**
     * The rule every transport applies in {@link #setWriteBufferLimits}: {@code 0 <= low <= high}.
     *
     * @param highWaterMark the high-water mark asked for
     * @param lowWaterMark the low-water mark asked for
     * @throws IllegalArgumentException naming both values when they break it
     */
    static void checkWriteBufferLimits(long highWaterMark, long lowWaterMark) {
        if (lowWaterMark < 0 || highWaterMark < lowWaterMark) {
            throw new IllegalArgumentException("need 0 <= low <= high, got high=" + highWaterMark
                    + " low=" + lowWaterMark);
        }
    }

    /**
     * The rule for every hard cap on queued outbound bytes ({@link #setMaxWriteBufferSize}, and a
     * factory's): it must be positive.
     *
     * @param maxBytes the cap asked for
     * @return {@code maxBytes}
     * @throws IllegalArgumentException naming the value otherwise
     */
    static long checkMaxWriteBufferSize(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the write buffer cap must be positive, got " + maxBytes);
        }
        return maxBytes;
    }
}
