package io.twine.testing;

import io.twine.protocol.Factory;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.SwitchableTransport;
import io.twine.protocol.Transport;
import io.twine.reactor.spi.FlowControl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link Transport} with no socket behind it, that records what its protocol does to it
 * (Twisted's {@code proto_helpers.StringTransport}): the bytes written, calls to close, abort and
 * half-close, the registered producer, and whether reading was paused. A test feeds the protocol
 * with {@code protocol.dataReceived(...)} and looks at {@link #value()}.
 *
 * <p>It follows the transport contract where a test would notice: writes are copied, writes made
 * after {@code loseConnection} or {@code abortConnection} are ignored, and
 * {@link #isConnected()} turns false at either. It calls {@code connectionLost} only when the
 * test says so, with {@link #finish(Reason)}, and stops the registered producer first, as a real
 * transport does.
 *
 * <p>Flow control is the real one (the same code as TCP's): by default the peer takes every byte
 * at once, so nothing is queued; after {@link #peerStopsReading()} written bytes stay queued, a
 * streaming producer is paused above the high-water mark, and a write past the hard cap closes
 * the transport with {@link Reason.Kind#LIMIT_EXCEEDED}; {@link #peerReads(long)} and
 * {@link #peerReadsAgain()} let bytes leave, which resumes producers at the low-water mark.
 *
 * <p>Thread: not thread-safe; use it from the test's thread, as a protocol uses its transport
 * from the loop's.
 */
public final class StringTransport implements SwitchableTransport {

    /** The default {@link #getHost()}: 10.0.0.1, port 12345. */
    public static final InetSocketAddress DEFAULT_HOST = address(10, 0, 0, 1, 12345);
    /** The default {@link #getPeer()}: 192.168.1.1, port 54321. */
    public static final InetSocketAddress DEFAULT_PEER = address(192, 168, 1, 1, 54321);

    private final SocketAddress host;
    private final SocketAddress peer;
    private byte[] written = new byte[256];
    private int writtenLength;

    private boolean loseConnectionCalled;
    private boolean abortConnectionCalled;
    private boolean loseWriteConnectionCalled;
    private Reason closeReason;
    private boolean readingPaused;
    private boolean producingStopped;
    private Protocol protocol;
    private boolean finished;

    private final FlowControl flow = new FlowControl();
    private long maxWriteBufferSize = -1;
    private boolean peerReading = true;
    /** Bytes written and not yet taken by the peer (only while it does not read). */
    private long queued;

    /** A transport between {@link #DEFAULT_HOST} and {@link #DEFAULT_PEER}. */
    public StringTransport() {
        this(DEFAULT_HOST, DEFAULT_PEER);
    }

    /**
     * A transport whose {@link #getHost()} and {@link #getPeer()} return these addresses.
     *
     * @param host what {@link #getHost()} returns
     * @param peer what {@link #getPeer()} returns
     */
    public StringTransport(SocketAddress host, SocketAddress peer) {
        this.host = Objects.requireNonNull(host, "host");
        this.peer = Objects.requireNonNull(peer, "peer");
    }

    /**
     * Attaches {@code protocol} (calls its {@code makeConnection}) and returns this transport.
     *
     * @param protocol the protocol under test
     * @return this transport, for chaining
     */
    public StringTransport connect(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        protocol.makeConnection(this);
        return this;
    }

    // ------------------------------------------------------------------ what was written

    /**
     * A copy of every byte written so far (since the last {@link #clear()}), whether the peer has
     * taken it or not.
     *
     * @return a new array
     */
    public byte[] value() {
        return Arrays.copyOf(written, writtenLength);
    }

    /**
     * Every byte written so far, decoded with {@code charset}.
     *
     * @param charset the bytes' encoding
     * @return the decoded text
     */
    public String value(Charset charset) {
        return new String(written, 0, writtenLength, charset);
    }

    /**
     * Every byte written so far, decoded as UTF-8.
     *
     * @return the decoded text
     */
    public String valueAsString() {
        return value(StandardCharsets.UTF_8);
    }

    /**
     * How many bytes were written since the last {@link #clear()}.
     *
     * @return the byte count
     */
    public int writtenLength() {
        return writtenLength;
    }

    /** Forgets what was written (and keeps its storage, so a benchmark can reuse it). */
    public void clear() {
        writtenLength = 0;
    }

    // ------------------------------------------------------------------ how it was closed

    /**
     * True once {@code loseConnection} (with or without a reason) was called.
     *
     * @return true if asked to close cleanly
     */
    public boolean loseConnectionCalled() {
        return loseConnectionCalled;
    }

    /**
     * True once {@code abortConnection} (with or without a reason) was called.
     *
     * @return true if asked to abort
     */
    public boolean abortConnectionCalled() {
        return abortConnectionCalled;
    }

    /**
     * True once {@code loseWriteConnection} was called.
     *
     * @return true if asked to half-close
     */
    public boolean loseWriteConnectionCalled() {
        return loseWriteConnectionCalled;
    }

    /**
     * The reason the protocol would get in {@code connectionLost}, from the first close call:
     * {@link Reason#closedByUs()}, {@link Reason#aborted()}, or the reason given. Null while
     * nothing closed the transport.
     *
     * @return the reason, or null
     */
    public Reason closeReason() {
        return closeReason;
    }

    /**
     * Ends the connection as a real transport would: calls {@code connectionLost} on the protocol
     * attached with {@link #connect}, once, with {@link #closeReason()} if a close was asked for,
     * else with {@code otherwise} (for instance {@link Reason#closedByPeer()}). Later calls do
     * nothing.
     *
     * @param otherwise the reason when nothing asked for a close
     * @return the reason given to {@code connectionLost}
     * @throws IllegalStateException if no protocol was attached with {@link #connect}
     */
    public Reason finish(Reason otherwise) {
        if (protocol == null) {
            throw new IllegalStateException("no protocol attached: call connect(protocol) first");
        }
        if (closeReason == null) {
            closeReason = Objects.requireNonNull(otherwise, "otherwise");
        }
        if (!finished) {
            finished = true;
            Producer registered = flow.detach();
            if (registered != null && registered != this) {
                registered.stopProducing();
            }
            protocol.connectionLost(closeReason);
        }
        return closeReason;
    }

    // ------------------------------------------------------------------ producer state

    /**
     * True between {@link #pauseProducing()} and {@link #resumeProducing()}: reading is paused.
     *
     * @return true while paused
     */
    public boolean isReadingPaused() {
        return readingPaused;
    }

    /**
     * True once {@link #stopProducing()} was called.
     *
     * @return true once stopped
     */
    public boolean isProducingStopped() {
        return producingStopped;
    }

    /**
     * The registered producer, or null.
     *
     * @return the producer, or null
     */
    public Producer producer() {
        return flow.producer();
    }

    /**
     * Whether the registered producer is a streaming (push) one.
     *
     * @return true for a streaming producer, false for a pull one or none
     */
    public boolean isStreamingProducer() {
        return flow.isStreaming();
    }

    /**
     * The high-water mark (default 64 KiB).
     *
     * @return bytes
     */
    public long highWaterMark() {
        return flow.highWaterMark();
    }

    /**
     * The low-water mark (default 16 KiB).
     *
     * @return bytes
     */
    public long lowWaterMark() {
        return flow.lowWaterMark();
    }

    /**
     * The hard cap last set with {@link #setMaxWriteBufferSize}, or -1.
     *
     * @return bytes, or -1 if never set
     */
    public long maxWriteBufferSize() {
        return maxWriteBufferSize;
    }

    // ------------------------------------------------------------------ the peer's side

    /**
     * From now on written bytes stay queued ({@link #getWriteBufferSize()} grows), as when the
     * peer stops reading and the kernel's buffers are full.
     */
    public void peerStopsReading() {
        peerReading = false;
    }

    /**
     * The peer takes up to {@code maxBytes} of the queued bytes; at the low-water mark a paused
     * streaming producer is resumed and a pull producer asked for more. The peer still does not
     * read what is written later.
     *
     * @param maxBytes how many queued bytes the peer takes at most
     * @throws IllegalArgumentException if {@code maxBytes} is negative
     */
    public void peerReads(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be zero or positive, got " + maxBytes);
        }
        long taken = Math.min(maxBytes, queued);
        if (taken > 0) {
            queued -= taken;
            flow.drained(queued);
        }
    }

    /** The peer takes everything queued (see {@link #peerReads}) and from now on every byte at once. */
    public void peerReadsAgain() {
        peerReading = true;
        peerReads(queued);
    }

    // ------------------------------------------------------------------ Transport

    @Override
    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (acceptsWrite(length)) {
            ensureRoom(length);
            System.arraycopy(data, offset, written, writtenLength, length);
            writtenLength += length;
            queue(length);
        }
    }

    @Override
    public void write(ByteBuffer data) {
        int length = data.remaining();
        if (acceptsWrite(length)) {
            ensureRoom(length);
            data.get(written, writtenLength, length);
            writtenLength += length;
            queue(length);
        } else {
            data.position(data.limit());
        }
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        for (ByteBuffer buffer : data) {
            write(buffer);
        }
    }

    /** False when the write must be dropped: closing, or it would cross the hard cap (which closes). */
    private boolean acceptsWrite(long length) {
        if (closeReason != null || loseWriteConnectionCalled) {
            return false;
        }
        long cap = maxWriteBufferSize > 0 ? maxWriteBufferSize : Factory.DEFAULT_MAX_WRITE_BUFFER_SIZE;
        if (queued + length > cap) {
            abortConnection(Reason.limitExceeded("outbound buffer would reach " + (queued + length)
                    + " bytes, above the cap of " + cap + " bytes"));
            return false;
        }
        return true;
    }

    /** After a write: what the peer does not take now stays queued and may pause the producer. */
    private void queue(long length) {
        if (!peerReading) {
            queued += length;
            flow.queued(queued);
        }
    }

    private void ensureRoom(int length) {
        long needed = (long) writtenLength + length;
        if (needed > written.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a StringTransport holds at most 2 GiB; call clear()");
            }
            written = Arrays.copyOf(written, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8, 2L * written.length)));
        }
    }

    @Override
    public void loseConnection() {
        loseConnection(Reason.closedByUs());
    }

    @Override
    public void loseConnection(Reason reason) {
        Objects.requireNonNull(reason, "reason");
        loseConnectionCalled = true;
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    @Override
    public void abortConnection() {
        abortConnection(Reason.aborted());
    }

    @Override
    public void abortConnection(Reason reason) {
        Objects.requireNonNull(reason, "reason");
        abortConnectionCalled = true;
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    @Override
    public void loseWriteConnection() {
        loseWriteConnectionCalled = true;
    }

    /**
     * The protocol attached with {@link #connect}, or the one it was switched to since; null
     * before.
     *
     * @return the protocol, or null
     */
    public Protocol protocol() {
        return protocol;
    }

    /** Later {@link #finish} calls reach {@code next}, and {@link #protocol()} returns it. */
    @Override
    public void switchProtocol(Protocol next) {
        this.protocol = Objects.requireNonNull(next, "next");
    }

    @Override
    public SocketAddress getPeer() {
        return peer;
    }

    @Override
    public SocketAddress getHost() {
        return host;
    }

    /** True until a close was asked for. */
    @Override
    public boolean isConnected() {
        return closeReason == null;
    }

    @Override
    public void pauseProducing() {
        readingPaused = true;
    }

    @Override
    public void resumeProducing() {
        readingPaused = false;
    }

    /** Records the call and, as a real transport does, asks for a clean close. */
    @Override
    public void stopProducing() {
        producingStopped = true;
        loseConnection();
    }

    @Override
    public void registerProducer(Producer newProducer, boolean streaming) {
        flow.register(newProducer, streaming, queued, finished || abortConnectionCalled);
    }

    @Override
    public void unregisterProducer() {
        flow.unregister();
    }

    @Override
    public void setWriteBufferLimits(long highWaterMark, long lowWaterMark) {
        flow.setLimits(highWaterMark, lowWaterMark);
    }

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {
        this.maxWriteBufferSize = Transport.checkMaxWriteBufferSize(maxBytes);
    }

    /** Bytes written that the peer has not taken: 0 unless {@link #peerStopsReading()} was called. */
    @Override
    public long getWriteBufferSize() {
        return queued;
    }

    @Override
    public String toString() {
        return "StringTransport[" + host + " <-> " + peer + ", " + writtenLength + " bytes written"
                + (closeReason != null ? ", " + closeReason : "") + "]";
    }

    private static InetSocketAddress address(int a, int b, int c, int d, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), port);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an address", e);
        }
    }
}
