package io.twine.protocol.basic;

import io.twine.protocol.Protocol;
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
 * holds at most the maximum length plus an unfinished prefix, whatever the peer sends.
 *
 * <p><b>Cost.</b> Linear in the input however it is chunked. A message that lies within one read
 * is handed over as a window on the read buffer, with no copy; one that spans reads is copied
 * once into a buffer that grows to the longest such message and is reused. Sending allocates
 * nothing: the prefix goes through a small array this protocol reuses (the transport copies it).
 *
 * <p><b>Closing.</b> Once the transport is closing, messages still buffered or still in the
 * current read are dropped, never delivered.
 *
 * <p>Thread: loop only.
 */
public abstract class IntNStringReceiver extends Protocol {

    /** The default maximum message length in bytes, where the prefix allows it: 99,999. */
    public static final int DEFAULT_MAX_LENGTH = 99_999;

    private final int prefixLength;
    /** The largest length the prefix can express. */
    private final long prefixMax;
    private int maxLength;

    private final ByteAccumulator body = new ByteAccumulator();
    private final byte[] outgoingPrefix;
    /** The length being read from a prefix split across reads, and how many of its bytes arrived. */
    private long prefixValue;
    private int prefixBytesSeen;
    /** The length of the message being read, or -1 while reading a prefix. */
    private int expected = -1;
    /** Bytes still to drop of a message over the limit whose handler kept the connection. */
    private long skipping;

    /** @param prefixLength 1, 2 or 4 */
    IntNStringReceiver(int prefixLength) {
        this.prefixLength = prefixLength;
        this.prefixMax = (1L << (8 * prefixLength)) - 1;
        this.maxLength = (int) Math.min(DEFAULT_MAX_LENGTH, prefixMax);
        this.outgoingPrefix = new byte[prefixLength];
    }

    /**
     * A complete message arrived. {@code message} holds it between its position and limit (its
     * prefix is not included) and is valid only during this call: copy what you keep. Called on
     * the loop thread, never after the transport started closing.
     */
    public abstract void stringReceived(ByteBuffer message);

    /**
     * A prefix announced a message of {@code length} bytes, more than the maximum. The default
     * closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED} reason naming both.
     */
    public void lengthLimitExceeded(long length) {
        transport.loseConnection(Reason.limitExceeded("message of " + length
                + " bytes is longer than the limit of " + maxLength + " bytes"));
    }

    /**
     * Sends {@code message}'s bytes after their length prefix.
     *
     * @throws IllegalArgumentException if it is longer than {@link #getMaxLength()} (which never
     *     exceeds what the prefix can express): a peer with the same limit would refuse it
     */
    public void sendString(byte[] message) {
        sendString(message, 0, message.length);
    }

    /** Sends {@code length} bytes of {@code message} from {@code offset}, after their length prefix. */
    public void sendString(byte[] message, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, message.length);
        writePrefix(length);
        transport.write(message, offset, length);
    }

    /** Sends the bytes between {@code message}'s position and limit, after their length prefix. */
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

    /** The size of the length prefix in bytes: 1, 2 or 4. */
    public final int prefixLength() {
        return prefixLength;
    }

    /** The longest message accepted or sent, in bytes. */
    public final int getMaxLength() {
        return maxLength;
    }

    /**
     * Sets the longest message accepted or sent.
     *
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
    }

    /** How many bytes this protocol holds between reads: an unfinished prefix and message. */
    public final int bufferedBytes() {
        return prefixBytesSeen + body.size();
    }

    // ------------------------------------------------------------------ parsing

    /** Splits {@code data} into messages. Called by the transport; an override must call this one. */
    @Override
    public void dataReceived(ByteBuffer data) {
        while (!isClosing()) {
            if (skipping > 0) {
                int n = (int) Math.min(skipping, data.remaining());
                data.position(data.position() + n);
                skipping -= n;
            }
            if (!data.hasRemaining()) {
                return;
            }
            if (expected < 0 && !readPrefix(data)) {
                return;
            }
            if (expected >= 0 && !readBody(data)) {
                return;
            }
        }
    }

    /** Reads a prefix; false when {@code data} ended first. Sets {@code expected}, or {@code skipping}. */
    private boolean readPrefix(ByteBuffer data) {
        long length;
        if (prefixBytesSeen == 0 && data.remaining() >= prefixLength) {
            length = readUnsigned(data);
        } else {
            while (prefixBytesSeen < prefixLength) {
                if (!data.hasRemaining()) {
                    return false;
                }
                prefixValue = (prefixValue << 8) | (data.get() & 0xFF);
                prefixBytesSeen++;
            }
            length = prefixValue;
            prefixValue = 0;
            prefixBytesSeen = 0;
        }
        if (length > maxLength) {
            skipping = length;
            lengthLimitExceeded(length);
            return true;
        }
        expected = (int) length;
        return true;
    }

    private long readUnsigned(ByteBuffer data) {
        int at = data.position();
        long length;
        switch (prefixLength) {
            case 1:
                length = data.get(at) & 0xFFL;
                break;
            case 2:
                length = data.getShort(at) & 0xFFFFL;
                break;
            default:
                length = data.getInt(at) & 0xFFFF_FFFFL;
                break;
        }
        data.position(at + prefixLength);
        return length;
    }

    /** Reads the body of the current message; false when {@code data} ended first. */
    private boolean readBody(ByteBuffer data) {
        if (body.isEmpty() && data.remaining() >= expected) {
            // The whole message is in this read: hand it over as a window, no copy.
            int start = data.position();
            int end = start + expected;
            int limit = data.limit();
            expected = -1;
            data.limit(end);
            stringReceived(data);
            data.limit(limit).position(end);
            return true;
        }
        int n = Math.min(expected - body.size(), data.remaining());
        body.append(data, n);
        if (body.size() < expected) {
            return false;
        }
        ByteBuffer message = body.view(expected);
        expected = -1;
        body.clear();
        stringReceived(message);
        return true;
    }

    private boolean isClosing() {
        return transport != null && !transport.isConnected();
    }

    @Override
    public String toString() {
        return getClass().getName() + "[prefix=" + prefixLength + " bytes, maxLength=" + maxLength
                + ", buffered=" + bufferedBytes() + "]";
    }
}
