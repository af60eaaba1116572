package io.twine.protocol.basic;

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
 * which by default closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED} reason. An
 * override that keeps the connection makes this protocol skip that message (the rest of its
 * digits, its bytes, its comma) without holding it, and go on with the next. Between reads this
 * protocol holds at most the maximum length plus the comma (more only while paused: the rest of
 * the read that paused it).
 *
 * <p><b>Pausing and cost.</b> It is a {@link FrameReceiver}: paused, it delivers no message, not
 * even one already received. A message within one read is handed over as a window on the read
 * buffer (no copy); one that spans reads is copied once into a reused buffer. Messages are
 * delivered only once their comma has arrived.
 *
 * <p><b>Closing.</b> Once the transport is closing, messages still buffered or still in the
 * current read are dropped, never delivered.
 *
 * <p>Thread: loop only.
 */
public abstract class NetstringReceiver extends FrameReceiver {

    /** The default maximum message length in bytes: 99,999. */
    public static final int DEFAULT_MAX_LENGTH = 99_999;

    private static final byte COLON = ':';
    private static final byte COMMA = ',';
    /** Never changed; transports copy what they are given. */
    private static final byte[] COMMA_BYTES = {COMMA};

    private int maxLength;
    /** The digits and colon of an outgoing length, written into this reused array. */
    private final byte[] outgoingLength = new byte[11];

    /** The length being read (its digits are consumed as they arrive), or of the message after the colon. */
    private long length;
    private int digits;
    private boolean colonSeen;
    /** The peer broke the format or a limit: ignore everything it sends from now on. */
    private boolean broken;
    /** The message being read is over the limit and its handler kept the connection: skip it. */
    private boolean refusing;

    /** More digits than this cannot be a length anyone means (10^18 bytes), and would overflow. */
    private static final int MAX_DIGITS = 18;

    /** A receiver for netstrings of at most {@link #DEFAULT_MAX_LENGTH} bytes. */
    protected NetstringReceiver() {
        setMaxLength(DEFAULT_MAX_LENGTH);
    }

    /**
     * A complete message arrived (its comma too). {@code message} holds it between its position
     * and limit and is valid only during this call: copy what you keep. Called on the loop thread,
     * never while paused or after the transport started closing.
     *
     * @param message the message, in a buffer the receiver or the reactor reuses after this call
     */
    public abstract void stringReceived(ByteBuffer message);

    /**
     * A length above the maximum arrived ({@code length} is its value so far, already too big:
     * the rest of its digits may still be on the way). The default closes the connection with a
     * {@link Reason.Kind#LIMIT_EXCEEDED} reason, and nothing more is parsed.
     *
     * <p>An override that keeps the connection open makes this protocol skip that message: it
     * reads the rest of the length, drops that many bytes as they arrive (never holding them),
     * checks the comma after them, and goes on with the next netstring. A malformed byte on the
     * way (a non-digit in the length, no comma) still closes the connection as a broken peer, and
     * so does a length of more than 18 digits. Twisted's {@code NetstringReceiver} has no such
     * hook: a length over its limit is a parse error that always closes the connection.
     *
     * @param length the announced length, or its digits read so far
     */
    public void lengthLimitExceeded(long length) {
        transport.loseConnection(Reason.limitExceeded("netstring length of at least " + length
                + " bytes is longer than the limit of " + maxLength + " bytes"));
    }

    /**
     * Sends {@code message} as a netstring.
     *
     * @param message the bytes to send; copied by the transport
     * @throws IllegalArgumentException if it is longer than {@link #getMaxLength()}: a peer with
     *     the same limit would refuse it
     */
    public void sendString(byte[] message) {
        writeLength(message.length);
        transport.write(message);
        transport.write(COMMA_BYTES);
    }

    /**
     * Sends the bytes between {@code message}'s position and limit as a netstring.
     *
     * @param message the bytes to send; copied by the transport
     */
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

    /**
     * The longest message accepted or sent, in bytes.
     *
     * @return bytes; {@link #DEFAULT_MAX_LENGTH} unless set
     */
    public final int getMaxLength() {
        return maxLength;
    }

    /**
     * Sets the longest message accepted or sent.
     *
     * @param maxLength in bytes, without the length and punctuation
     * @throws IllegalArgumentException unless {@code 0 <= maxLength <= Integer.MAX_VALUE - 8}
     */
    public final void setMaxLength(int maxLength) {
        if (maxLength < 0 || maxLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the maximum length must be between 0 and "
                    + (Integer.MAX_VALUE - 8) + ", got " + maxLength);
        }
        this.maxLength = maxLength;
        setMaxFrameLength(maxLength + 1);
    }

    /**
     * True once the peer broke the format or a limit; nothing it sends is parsed any more.
     *
     * @return true once the peer is ignored
     */
    public final boolean isBrokenPeer() {
        return broken;
    }

    // ------------------------------------------------------------------ parsing

    /** The digits and colon of a length as they arrive; then, once the body and comma are all here, the message. */
    @Override
    protected final void decodeFrame(ByteBuffer in) {
        if (broken) {
            in.position(in.limit());
            return;
        }
        if (!colonSeen) {
            readLength(in);
            return;
        }
        if (refusing) {
            skipRefused(in);
            return;
        }
        int start = in.position();
        int end = start + (int) length;
        if (end >= in.limit()) {
            return;  // the body or its comma is still to come
        }
        if (in.get(end) != COMMA) {
            in.position(end);
            malformed("',' after the " + length + "-byte message", in.get(end));
            return;
        }
        nextMessage();
        int limit = in.limit();
        in.limit(end);
        stringReceived(in);
        in.limit(limit).position(end + 1);
    }

    private void readLength(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == COLON) {
                if (digits == 0) {
                    malformed("a length before ':'", b);
                    return;
                }
                colonSeen = true;
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
            if (digits == MAX_DIGITS) {
                broken = true;
                transport.loseConnection(Reason.limitExceeded("netstring length of more than " + MAX_DIGITS + " digits"));
                return;
            }
            length = length * 10 + (b - '0');
            digits++;
            if (length > maxLength && !refusing) {
                refusing = true;
                lengthLimitExceeded(length);
                if (isClosing()) {
                    broken = true;
                }
                return;
            }
        }
    }

    /** Drops the bytes of a refused message as they arrive, then checks its comma. */
    private void skipRefused(ByteBuffer in) {
        int skipped = (int) Math.min(length, in.remaining());
        in.position(in.position() + skipped);
        length -= skipped;
        if (length > 0 || !in.hasRemaining()) {
            return;
        }
        byte b = in.get();
        if (b != COMMA) {
            malformed("',' after the refused message", b);
            return;
        }
        nextMessage();
    }

    private void nextMessage() {
        colonSeen = false;
        refusing = false;
        length = 0;
        digits = 0;
    }

    private void malformed(String expected, byte got) {
        broken = true;
        transport.loseConnection(Reason.error("malformed netstring: expected " + expected + " but got "
                + describe(got), null));
    }

    private static String describe(byte b) {
        if (b >= 0x20 && b < 0x7F) {
            return "'" + new String(new byte[] {b}, StandardCharsets.US_ASCII) + "'";
        }
        return String.format("byte 0x%02x", b & 0xFF);
    }

    @Override
    public String toString() {
        return getClass().getName() + "[maxLength=" + maxLength
                + (colonSeen ? (refusing ? ", skipping " + length + " bytes of a refused message" : ", reading a " + length + "-byte message") : "")
                + (broken ? ", broken" : "") + ", buffered=" + bufferedBytes() + "]";
    }
}
