package io.twine.protocol.basic;

import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The building block for custom framing (Netty's {@code ByteToMessageDecoder}, Twisted's
 * {@code StatefulProtocol}): it keeps the bytes your decode step has not consumed yet, calls
 * {@link #decodeFrame(ByteBuffer)} again and again while it consumes bytes, holds at most a bounded
 * frame, and stops delivering while it is paused. {@link ByteLineReceiver}, {@link LineReceiver},
 * the {@link IntNStringReceiver}s and {@link NetstringReceiver} are built on it.
 *
 * <p><b>What a plain {@link Protocol} does with bytes it leaves.</b> Nothing: the buffer given to
 * {@code dataReceived} is the reactor's and is reused for the next read, so bytes a plain
 * protocol does not copy before it returns are lost. This class is what keeps them.
 *
 * <p><b>The decode step.</b> {@code decodeFrame(in)} sees every byte not yet consumed, between
 * {@code in}'s position and limit. If they begin with a whole frame it handles that frame
 * (typically by calling a method of its own, such as {@code lineReceived}) and moves the position
 * past it; if not, it leaves the position where it is and returns: it is called again once more
 * bytes have arrived. It may also consume bytes without finishing a frame (a state machine that
 * reads a header first). It is called again at once as long as it consumes something, bytes
 * remain, this protocol is not paused and the connection is not closing. Handle one frame per
 * call, so that a pause takes effect at the next frame.
 *
 * <p><b>Bounded.</b> When the decode step needs more bytes although more than
 * {@link #getMaxFrameLength()} bytes are waiting (default 1 MiB), {@link #frameLengthExceeded}
 * is called, which by default closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED}
 * reason; the bytes held are dropped either way. A decode step that knows a frame's length early
 * (from a length prefix) should refuse it itself, before its bytes arrive.
 *
 * <p><b>Flow control for request/reply.</b> This protocol is a streaming {@link Producer}: while
 * paused it delivers no frame, not even one already buffered, and stops the transport reading;
 * {@link #resumeProducing()} delivers the buffered frames from where it stopped, then reads
 * again. Registered with its own transport, it is paused whenever the replies waiting to be sent
 * pass the transport's high-water mark:
 *
 * <pre>{@code
 * public void connectionMade() {
 *     transport.registerProducer(this, true);
 * }
 * }</pre>
 *
 * <p>With that one line a client that pipelines requests and never reads costs the server at
 * most the high-water mark plus the replies to one request in outbound bytes, plus one read (64
 * KiB on TCP) and an unfinished frame held here, however many requests it sends.
 *
 * <p><b>Cost.</b> A frame that lies within one read is handed to the decode step on the read
 * buffer itself: no copy. Bytes left at the end of a read are copied into a buffer this protocol
 * keeps, which grows to the largest amount held and is then reused: no allocation per frame in
 * steady state.
 *
 * <p><b>Buffers.</b> {@code in} belongs to the reactor or to this protocol and is valid only
 * during the call: copy what you keep. Leave its limit as it was when you return.
 *
 * <p>Thread: loop only, like every protocol.
 */
public abstract class FrameReceiver extends Protocol implements Producer {

    /** The default {@link #getMaxFrameLength()}: 1 MiB. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;
    private static final int INITIAL_CAPACITY = 256;

    private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
    /** Bytes kept between calls, between {@code held}'s position and limit; {@code held} wraps {@code bytes}. */
    private byte[] bytes = new byte[INITIAL_CAPACITY];
    private ByteBuffer held = ByteBuffer.wrap(bytes).limit(0);
    private boolean paused;
    private boolean decoding;

    /**
     * Consumes at most one frame from the bytes between {@code in}'s position and limit, as
     * described above. Called on the loop thread; never while paused or once the transport is
     * closing.
     *
     * @param in the bytes not yet consumed, valid only during this call: consume a frame by moving
     *     the position past it, or leave it to wait for more
     */
    protected abstract void decodeFrame(ByteBuffer in);

    /**
     * More than {@link #getMaxFrameLength()} bytes are waiting and the decode step still needs
     * more. The default closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED} reason
     * naming both figures.
     *
     * <p>The bytes held are dropped once this returns, whether or not the connection stays open.
     * An override that keeps it open gets the decode step called with the next bytes read, which
     * may lie in the middle of the frame that was too long: a format that can find the start of
     * its next frame (a delimiter, a length) should rather skip the frame in its decode step, as
     * {@link ByteLineReceiver}, the {@link IntNStringReceiver}s and {@link NetstringReceiver} do,
     * so that this is never called for them. This is how Twisted's {@code LineReceiver} goes on
     * after a line without a delimiter that is too long.
     *
     * @param buffered the bytes waiting, more than the limit
     */
    protected void frameLengthExceeded(int buffered) {
        transport.loseConnection(Reason.limitExceeded(buffered + " bytes received without a complete frame, more than "
                + "the limit of " + maxFrameLength + " bytes"));
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Keeps {@code data} after what is already held and runs the decode step over it. Called by the
     * transport; an override must call this one.
     *
     * @throws IllegalStateException if called from inside the decode step
     */
    @Override
    public void dataReceived(ByteBuffer data) {
        if (decoding) {
            throw new IllegalStateException("dataReceived called from inside decodeFrame");
        }
        if (!held.hasRemaining()) {
            // The common case: decode straight from the read buffer, keep only the rest.
            decodeWhileReady(data);
            if (data.hasRemaining() && !isClosing()) {
                hold(data);
            }
            return;
        }
        hold(data);
        decodeWhileReady(held);
    }

    /**
     * Bytes held between reads: the start of an unfinished frame, or frames waiting while paused.
     *
     * @return the byte count held now
     */
    public final int bufferedBytes() {
        return held.remaining();
    }

    /**
     * Returns a copy of the bytes held between reads and holds nothing from now on. Outside the
     * decode step only: during it, the bytes not consumed yet are the decode step's {@code in}.
     */
    final byte[] takeHeld() {
        if (decoding) {
            throw new IllegalStateException("takeHeld from inside decodeFrame");
        }
        byte[] taken = new byte[held.remaining()];
        held.get(taken);
        return taken;
    }

    private void decodeWhileReady(ByteBuffer in) {
        decoding = true;
        try {
            while (!paused && in.hasRemaining() && !isClosing()) {
                int before = in.position();
                decodeFrame(in);
                if (in.position() == before) {
                    if (in.remaining() > maxFrameLength) {
                        int buffered = in.remaining();
                        in.position(in.limit());
                        frameLengthExceeded(buffered);
                    }
                    return;
                }
            }
        } finally {
            decoding = false;
            if (isClosing()) {
                in.position(in.limit());
            }
        }
    }

    /** Appends the rest of {@code data} to what is held, compacting or growing the array as needed. */
    private void hold(ByteBuffer data) {
        int length = data.remaining();
        int start = held.position();
        int end = held.limit();
        if (start == end) {
            start = 0;
            end = 0;
        }
        if (end + length > bytes.length) {
            int kept = end - start;
            if (kept + length > bytes.length) {
                int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(kept + (long) length, 2L * bytes.length));
                byte[] bigger = Arrays.copyOfRange(bytes, start, start + grown);
                bytes = bigger;
                held = ByteBuffer.wrap(bytes);
            } else {
                System.arraycopy(bytes, start, bytes, 0, kept);
            }
            start = 0;
            end = kept;
        }
        data.get(bytes, end, length);
        held.limit(end + length).position(start);
    }

    // ------------------------------------------------------------------ producer

    /**
     * Stops delivering frames, also those already buffered, and stops the transport reading,
     * until {@link #resumeProducing()}. Called by the transport this protocol is registered with
     * when its outbound bytes pass the high-water mark, or by the protocol itself (while it waits
     * for an answer from elsewhere, say). Loop-only.
     */
    @Override
    public void pauseProducing() {
        paused = true;
        if (transport != null) {
            transport.pauseProducing();
        }
    }

    /**
     * Delivers the frames buffered while paused, in order, then lets the transport read again
     * unless one of them paused this protocol anew. Loop-only.
     */
    @Override
    public void resumeProducing() {
        paused = false;
        if (!decoding && held.hasRemaining()) {
            decodeWhileReady(held);
        }
        if (!paused && transport != null && transport.isConnected()) {
            transport.resumeProducing();
        }
    }

    /** Drops what is buffered, delivers nothing more, and stops the transport. Loop-only. */
    @Override
    public void stopProducing() {
        paused = true;
        held.position(held.limit());
        if (transport != null) {
            transport.stopProducing();
        }
    }

    /**
     * True between {@link #pauseProducing()} and {@link #resumeProducing()}.
     *
     * @return true while no frame is decoded
     */
    public final boolean isPaused() {
        return paused;
    }

    // ------------------------------------------------------------------ settings

    /**
     * The most bytes a frame may take while it is being received.
     *
     * @return bytes
     */
    public final int getMaxFrameLength() {
        return maxFrameLength;
    }

    /**
     * Sets the most bytes a frame may take while it is being received.
     *
     * @param maxFrameLength in bytes, positive
     * @throws IllegalArgumentException if {@code maxFrameLength} is not positive
     */
    protected final void setMaxFrameLength(int maxFrameLength) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("the maximum frame length must be positive, got " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    /** True once the transport is closing: nothing more is delivered. */
    final boolean isClosing() {
        return transport != null && !transport.isConnected();
    }
}
