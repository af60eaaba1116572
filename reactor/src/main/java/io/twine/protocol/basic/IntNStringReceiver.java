package io.twine.protocol.basic;

import io.twine.protocol.Reason;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A protocol that reads and writes messages ("strings" in Twisted's words) each preceded by its
 * length, a big-endian unsigned integer of 1, 2 or 4 bytes (Twisted's {@code IntNStringReceiver}).
 * Use {@link Int32StringReceiver}, {@link Int16StringReceiver} or {@link Int8StringReceiver}.
 *
 * <p><b>Limits.</b> A message longer than {@link #getMaxLength()} (default 99,999 bytes, or less
 * when the prefix cannot express it) is never buffered nor delivered:
 * {@link #lengthLimitExceeded(long)} is called as soon as its prefix is read, and by default
 * closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED} reason. An override that keeps
 * the connection open makes this protocol skip that message's bytes and go on. Between reads it
 * holds at most the maximum length plus the prefix, whatever the peer sends (more only while
 * paused: the rest of the read that paused it).
 *
 * <p><b>Pausing and cost.</b> It is a {@link FrameReceiver}: paused, it delivers no message, not
 * even one already received (the one-line recipe for request/reply servers is there). A message
 * that lies within one read is handed over as a window on the read buffer, with no copy; one that
 * spans reads is copied once into a buffer that is reused. Sending allocates nothing: the prefix
 * goes through a small array this protocol reuses (the transport copies it).
 *
 * <p><b>Closing.</b> Once the transport is closing, messages still buffered or still in the
 * current read are dropped, never delivered.
 *
 * <p>Thread: loop only.
 */
public abstract class IntNStringReceiver extends FrameReceiver {

    /** The default maximum message length in bytes, where the prefix allows it: 99,999. */
    public static final int DEFAULT_MAX_LENGTH = 99_999;

    private final int prefixLength;
    /** The largest length the prefix can express. */
    private final long prefixMax;
    private int maxLength;

    private final byte[] outgoingPrefix;
    /** Bytes still to drop of a message over the limit whose handler kept the connection. */
    private long skipping;

    /** @param prefixLength 1, 2 or 4 */
    IntNStringReceiver(int prefixLength) {
        this.prefixLength = prefixLength;
        this.prefixMax = (1L << (8 * prefixLength)) - 1;
        this.outgoingPrefix = new byte[prefixLength];
        setMaxLength((int) Math.min(DEFAULT_MAX_LENGTH, prefixMax));
    }

    /**
     * A complete message arrived. {@code message} holds it between its position and limit (its
     * prefix is not included) and is valid only during this call: copy what you keep. Called on
     * the loop thread, never while paused or after the transport started closing.
     *
     * @param message the message, in a buffer the receiver or the reactor reuses after this call
     */
    public abstract void stringReceived(ByteBuffer message);

    /**
     * A prefix announced a message of {@code length} bytes, more than the maximum. The default
     * closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED} reason naming both
     * (Twisted's closes too).
     *
     * <p>An override that keeps the connection open makes this protocol skip that message: its
     * {@code length} bytes are dropped as they arrive, never held, and parsing resumes at the
     * prefix after them. This is deliberately different from Twisted's
     * {@code IntNStringReceiver}, which keeps the refused prefix at the head of its buffer, so
     * that every later read calls the hook again for the same message while the buffer grows
     * without bound.
     *
     * @param length the length the prefix announced
     */
    public void lengthLimitExceeded(long length) {
        transport.loseConnection(Reason.limitExceeded("message of " + length
                + " bytes is longer than the limit of " + maxLength + " bytes"));
    }

    /**
     * Sends {@code message}'s bytes after their length prefix.
     *
     * @param message the bytes to send; copied by the transport
     * @throws IllegalArgumentException if it is longer than {@link #getMaxLength()} (which never
     *     exceeds what the prefix can express): a peer with the same limit would refuse it
     */
    public void sendString(byte[] message) {
        sendString(message, 0, message.length);
    }

    /**
     * Sends {@code length} bytes of {@code message} from {@code offset}, after their length prefix.
     *
     * @param message holds the bytes to send; copied by the transport
     * @param offset where they start in {@code message}
     * @param length how many bytes, which the prefix announces
     */
    public void sendString(byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        writePrefix(length);
        transport.write(message, offset, length);
    }

    /**
     * Sends the bytes between {@code message}'s position and limit, after their length prefix.
     *
     * @param message the bytes to send; copied by the transport
     */
    public void sendString(ByteBuffer message) {
        writePrefix(message.remaining());
        transport.write(message);
    }

    private void writePrefix(int length) {
        if (length > maxLength) {
            throw new IllegalArgumentException("message of " + length + " bytes is longer than the limit of "
                    + maxLength + " bytes" + (maxLength == prefixMax ? " that a " + prefixLength + "-byte prefix can express" : ""));
        }
        for (int i = prefixLength - 1, v = length; i >= 0; i--, v >>>= 8) {
            outgoingPrefix[i] = (byte) v;
        }
        transport.write(outgoingPrefix);
    }

    // ------------------------------------------------------------------ settings

    /**
     * The size of the length prefix in bytes: 1, 2 or 4.
     *
     * @return 1, 2 or 4, fixed by the subclass
     */
    public final int prefixLength() {
        return prefixLength;
    }

    /**
     * The longest message accepted or sent, in bytes.
     *
     * @return bytes, without the prefix
     */
    public final int getMaxLength() {
        return maxLength;
    }

    /**
     * Sets the longest message accepted or sent.
     *
     * @param maxLength in bytes, without the prefix
     * @throws IllegalArgumentException unless {@code 0 <= maxLength <=} what the prefix can express
     *     (and {@code Integer.MAX_VALUE - 8})
     */
    public final void setMaxLength(int maxLength) {
        long ceiling = Math.min(prefixMax, Integer.MAX_VALUE - 8);
        if (maxLength < 0 || maxLength > ceiling) {
            throw new IllegalArgumentException("the maximum length must be between 0 and " + ceiling
                    + " for a " + prefixLength + "-byte prefix, got " + maxLength);
        }
        this.maxLength = maxLength;
        setMaxFrameLength(maxLength + prefixLength);
    }

    // ------------------------------------------------------------------ parsing

    /** One message, or the bytes of a refused one being skipped. */
    @Override
    protected final void decodeFrame(ByteBuffer in) {
        int start = in.position();
        if (skipping > 0) {
            int n = (int) Math.min(skipping, in.remaining());
            in.position(start + n);
            skipping -= n;
            return;
        }
        if (in.remaining() < prefixLength) {
            return;
        }
        long length = readUnsigned(in, start);
        if (length > maxLength) {
            in.position(start + prefixLength);
            skipping = length;
            lengthLimitExceeded(length);
            return;
        }
        int end = start + prefixLength + (int) length;
        if (end > in.limit()) {
            return;
        }
        int limit = in.limit();
        in.limit(end).position(start + prefixLength);
        stringReceived(in);
        in.limit(limit).position(end);
    }

    private long readUnsigned(ByteBuffer in, int at) {
        switch (prefixLength) {
            case 1:
                return in.get(at) & 0xFFL;
            case 2:
                return in.getShort(at) & 0xFFFFL;
            default:
                return in.getInt(at) & 0xFFFF_FFFFL;
        }
    }

    @Override
    public String toString() {
        return getClass().getName() + "[prefix=" + prefixLength + " bytes, maxLength=" + maxLength
                + ", buffered=" + bufferedBytes() + "]";
    }
}
