package io.twine.protocol.basic;

import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A protocol that reads and writes netstrings (D. J. Bernstein's format, Twisted's
 * {@code NetstringReceiver}): a message of {@code n} bytes travels as the decimal digits of
 * {@code n}, a colon, the bytes, and a comma; {@code "hello"} is {@code 5:hello,}.
 *
 * <p><b>Strict.</b> A length with a leading zero ({@code 05:}), no digits, anything but a digit
 * before the colon, or anything but a comma after the message makes the peer <em>broken</em>:
 * the connection is closed with a {@link Reason.Kind#ERROR} reason that says what was wrong and
 * where, and nothing more is parsed. {@code 0:,} (an empty message) is valid.
 *
 * <p><b>Limits.</b> A length above {@link #getMaxLength()} (default 99,999) is caught as soon as
 * its digits pass the limit, before the colon: {@link #lengthLimitExceeded(long)} is called,
 * which by default closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED} reason.
 * Either way the stream cannot be resynchronised, so nothing more is parsed. Between reads this
 * protocol holds at most the maximum length bytes.
 *
 * <p><b>Cost.</b> Linear in the input however it is chunked; a message within one read is
 * handed over as a window on the read buffer (no copy); one that spans reads is copied once into
 * a reused buffer. Messages are delivered only once their comma has arrived.
 *
 * <p><b>Closing.</b> Once the transport is closing, messages still buffered or still in the
 * current read are dropped, never delivered.
 *
 * <p>Thread: loop only.
 */
public abstract class NetstringReceiver extends Protocol {

    /** The default maximum message length in bytes: 99,999. */
    public static final int DEFAULT_MAX_LENGTH = 99_999;

    private enum State { LENGTH, BODY, COMMA }

    private static final byte COLON = ':';
    private static final byte COMMA = ',';
    /** Never changed; transports copy what they are given. */
    private static final byte[] COMMA_BYTES = {COMMA};

    private int maxLength = DEFAULT_MAX_LENGTH;
    private final ByteAccumulator body = new ByteAccumulator();
    /** The digits and colon of an outgoing length, written into this reused array. */
    private final byte[] outgoingLength = new byte[11];

    private State state = State.LENGTH;
    private long length;
    private int digits;
    /** The peer broke the format or a limit: ignore everything it sends from now on. */
    private boolean broken;

    /**
     * A complete message arrived (its comma too). {@code message} holds it between its position
     * and limit and is valid only during this call: copy what you keep. Called on the loop thread,
     * never after the transport started closing.
     */
    public abstract void stringReceived(ByteBuffer message);

    /**
     * A length above the maximum arrived ({@code length} is its value so far, already too big).
     * The default closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED} reason.
     * Nothing more is parsed either way.
     */
    public void lengthLimitExceeded(long length) {
        transport.loseConnection(Reason.limitExceeded("netstring length of at least " + length
                + " bytes is longer than the limit of " + maxLength + " bytes"));
    }

    /**
     * Sends {@code message} as a netstring.
     *
     * @throws IllegalArgumentException if it is longer than {@link #getMaxLength()}: a peer with
     *     the same limit would refuse it
     */
    public void sendString(byte[] message) {
        writeLength(message.length);
        transport.write(message);
        transport.write(COMMA_BYTES);
    }

    /** Sends the bytes between {@code message}'s position and limit as a netstring. */
    public void sendString(ByteBuffer message) {
        writeLength(message.remaining());
        transport.write(message);
        transport.write(COMMA_BYTES);
    }

    private void writeLength(int n) {
        if (n > maxLength) {
            throw new IllegalArgumentException("message of " + n + " bytes is longer than the limit of "
                    + maxLength + " bytes");
        }
        int at = outgoingLength.length;
        outgoingLength[--at] = COLON;
        int v = n;
        do {
            outgoingLength[--at] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        transport.write(outgoingLength, at, outgoingLength.length - at);
    }

    // ------------------------------------------------------------------ settings

    /** The longest message accepted or sent, in bytes. */
    public final int getMaxLength() {
        return maxLength;
    }

    /**
     * Sets the longest message accepted or sent.
     *
     * @throws IllegalArgumentException unless {@code 0 <= maxLength <= Integer.MAX_VALUE - 8}
     */
    public final void setMaxLength(int maxLength) {
        if (maxLength < 0 || maxLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the maximum length must be between 0 and "
                    + (Integer.MAX_VALUE - 8) + ", got " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /** How many bytes of an unfinished message this protocol holds between reads. */
    public final int bufferedBytes() {
        return body.size();
    }

    /** True once the peer broke the format or a limit; nothing it sends is parsed any more. */
    public final boolean isBrokenPeer() {
        return broken;
    }

    // ------------------------------------------------------------------ parsing

    /** Splits {@code data} into netstrings. Called by the transport; an override must call this one. */
    @Override
    public void dataReceived(ByteBuffer data) {
        while (data.hasRemaining() && !broken && !isClosing()) {
            switch (state) {
                case LENGTH:
                    readLength(data);
                    break;
                case BODY:
                    readBody(data);
                    break;
                default:
                    readComma(data);
                    break;
            }
        }
    }

    private void readLength(ByteBuffer data) {
        while (data.hasRemaining()) {
            byte b = data.get();
            if (b == COLON) {
                if (digits == 0) {
                    malformed("a length before ':'", b);
                    return;
                }
                state = State.BODY;
                digits = 0;
                tryWholeMessage(data);
                return;
            }
            if (b < '0' || b > '9') {
                malformed("a digit or ':'", b);
                return;
            }
            if (digits == 1 && length == 0) {
                malformed("no leading zero in the length", b);
                return;
            }
            length = length * 10 + (b - '0');
            digits++;
            if (length > maxLength) {
                broken = true;
                lengthLimitExceeded(length);
                return;
            }
        }
    }

    /** Just after the colon: if the message and its comma are all in this read, hand it over with no copy. */
    private void tryWholeMessage(ByteBuffer data) {
        int n = (int) length;
        if (data.remaining() <= n) {
            return;
        }
        int start = data.position();
        int end = start + n;
        if (data.get(end) != COMMA) {
            data.position(end);
            malformed("',' after the " + n + "-byte message", data.get(end));
            return;
        }
        int limit = data.limit();
        resetForNextMessage();
        data.limit(end);
        stringReceived(data);
        data.limit(limit).position(end + 1);
    }

    private void readBody(ByteBuffer data) {
        int n = (int) Math.min(length - body.size(), data.remaining());
        body.append(data, n);
        if (body.size() == length) {
            state = State.COMMA;
        }
    }

    private void readComma(ByteBuffer data) {
        byte b = data.get();
        if (b != COMMA) {
            malformed("',' after the " + length + "-byte message", b);
            return;
        }
        ByteBuffer message = body.view(body.size());
        body.clear();
        resetForNextMessage();
        stringReceived(message);
    }

    private void resetForNextMessage() {
        state = State.LENGTH;
        length = 0;
        digits = 0;
    }

    private void malformed(String expected, byte got) {
        broken = true;
        body.clear();
        transport.loseConnection(Reason.error("malformed netstring: expected " + expected + " but got "
                + describe(got), null));
    }

    private static String describe(byte b) {
        if (b >= 0x20 && b < 0x7F) {
            return "'" + new String(new byte[] {b}, StandardCharsets.US_ASCII) + "'";
        }
        return String.format("byte 0x%02x", b & 0xFF);
    }

    private boolean isClosing() {
        return transport != null && !transport.isConnected();
    }

    @Override
    public String toString() {
        return getClass().getName() + "[maxLength=" + maxLength + ", state=" + state
                + (broken ? ", broken" : "") + ", buffered=" + body.size() + "]";
    }
}
