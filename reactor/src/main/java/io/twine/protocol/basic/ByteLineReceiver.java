package io.twine.protocol.basic;

import io.twine.protocol.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A protocol that splits what it reads into lines ending with a delimiter (default
 * {@code "\r\n"}) and hands each to {@link #lineReceived(ByteBuffer)} without copying or
 * decoding it (Twisted's {@code LineReceiver}, byte for byte). {@link LineReceiver} is the
 * variant that decodes each line to a {@code String}.
 *
 * <p><b>Raw mode.</b> {@link #setRawMode()} sends everything after the current line to
 * {@link #rawDataReceived(ByteBuffer)} instead, until {@link #setLineMode} switches back. Called
 * from {@code rawDataReceived} with the buffer it was given, {@link #setLineMode(ByteBuffer)}
 * hands back the bytes the raw handler did not consume, which are then parsed as lines before
 * anything read later. A protocol can so read headers as lines and a body as raw bytes, as HTTP
 * does.
 *
 * <p><b>Limits.</b> A line longer than {@link #getMaxLength()} bytes (default 16,384; the
 * delimiter does not count) is never delivered: {@link #lineLengthExceeded(int)} is called
 * instead, which by default closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED}
 * reason; an override that keeps the connection skips that line alone and goes on with the next
 * one. A line of exactly the maximum is accepted, whatever the chunking. Between reads this
 * protocol holds at most the maximum length plus the delimiter's length minus one bytes, whatever
 * the peer sends (more only while paused: the rest of the read that paused it).
 *
 * <p><b>Pausing.</b> It is a {@link FrameReceiver}: while paused it delivers no line (nor raw
 * data), not even one already received, and resumes with the next one. Registering it as its
 * transport's producer ({@code transport.registerProducer(this, true)} in
 * {@code connectionMade}) bounds a request/reply server's memory however a client pipelines.
 *
 * <p><b>Cost.</b> Parsing is linear in the input however it is chunked: each byte is scanned
 * once. A line that lies within one read is handed over as a window on the read buffer itself:
 * no copy and no allocation. Bytes of a line that spans reads are copied once into a buffer that
 * grows to the longest such line and is reused, so in steady state nothing is allocated per line.
 *
 * <p><b>Closing.</b> Once the transport is closing ({@code loseConnection}, an abort, or a limit
 * exceeded), lines still buffered or still in the current read are dropped, never delivered.
 *
 * <p><b>Buffers.</b> The buffer given to {@code lineReceived} or {@code rawDataReceived} belongs
 * to this protocol or to the reactor and is valid only during the call: copy what you keep. You
 * may move its position (for instance by passing it to {@code transport.write}).
 *
 * <p>Thread: loop only, like every protocol.
 */
public abstract class ByteLineReceiver extends FrameReceiver {

    /** The default maximum line length in bytes, without the delimiter: 16,384. */
    public static final int DEFAULT_MAX_LENGTH = 16_384;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final long LOW_SEVEN_BITS = 0x7F7F_7F7F_7F7F_7F7FL;

    private byte[] delimiter = CRLF;
    private int maxLength;
    /** Bytes after the position already searched without finding the start of a delimiter. */
    private int searched;
    private boolean rawMode;
    /** After a too-long line that did not close the connection: skipping to the next delimiter. */
    private boolean discarding;
    /** The buffer being handed to {@code rawDataReceived}, while it runs; else null. */
    private ByteBuffer rawInput;
    private boolean inLineCallback;
    /** {@code setLineMode(rawInput)} was called: the raw handler's leftovers are parsed as lines. */
    private boolean handedBack;
    /** While {@code lineReceived} or {@code lineLengthExceeded} runs: the buffer being parsed; else null. */
    private ByteBuffer callbackInput;
    /** The bytes of {@code callbackInput} after what the running callback was given. */
    private int restStart;
    private int restEnd;
    /** {@link #clearLineBuffer()} took those bytes: parsing goes on with the next read. */
    private boolean restCleared;

    /**
     * A receiver for lines of at most {@link #DEFAULT_MAX_LENGTH} bytes, ended by {@code "\r\n"}
     * until {@link #setDelimiter} says otherwise.
     */
    protected ByteLineReceiver() {
        setMaxLength(DEFAULT_MAX_LENGTH);
    }

    /**
     * A complete line arrived, without its delimiter. {@code line} holds it between its position
     * and limit; it is valid only during this call. Called on the loop thread, never while paused
     * or after the transport started closing.
     *
     * @param line the line's bytes, in a buffer the receiver or the reactor reuses after this call
     */
    public abstract void lineReceived(ByteBuffer line);

    /**
     * Bytes arrived in raw mode. {@code data} is valid only during this call; what it leaves
     * unconsumed is dropped, unless handed back with {@link #setLineMode(ByteBuffer)}. The
     * default throws {@link UnsupportedOperationException}: a protocol that calls
     * {@link #setRawMode()} must override it.
     *
     * @param data the bytes read, owned by the reactor and reused after this call
     */
    public void rawDataReceived(ByteBuffer data) {
        throw new UnsupportedOperationException(getClass().getName()
                + " switched to raw mode but does not override rawDataReceived");
    }

    /**
     * A line longer than the maximum arrived (or began to: {@code length} is then what has been
     * seen so far, already too long). It will not be delivered. The default closes the connection
     * with a {@link Reason.Kind#LIMIT_EXCEEDED} reason naming both lengths (Twisted's closes too).
     *
     * <p><b>An override that keeps the connection open</b> (it does not close the transport)
     * makes this protocol drop exactly that line: its bytes up to and including its delimiter,
     * those that have not arrived yet too, still holding no more than the limit meanwhile. Parsing
     * resumes with the line after it, and lines after it that are already here, in the same read,
     * are delivered as usual. This is deliberately stricter than Twisted's {@code LineReceiver},
     * whose hook gets the long line together with everything buffered after it, all of it
     * dropped, and which after a long line whose delimiter has not arrived yet resumes in the
     * middle of that line, delivering its tail as if it were a line: in twine a line never begins
     * inside another one. The hook gets the length, not the bytes, since they are never held; it
     * may call {@link #clearLineBuffer()} to drop the bytes after the long line as well.
     *
     * @param length the line's length in bytes, or what was seen of it so far
     */
    public void lineLengthExceeded(int length) {
        transport.loseConnection(Reason.limitExceeded("line of " + length
                + (discarding ? "+" : "") + " bytes is longer than the limit of " + maxLength + " bytes"));
    }

    /**
     * Drops the bytes received but not yet parsed and returns them (Twisted's
     * {@code clearLineBuffer}); the lines in them are never delivered. Called from
     * {@code lineReceived}, that is everything after the current line's delimiter, the rest of the
     * current read included, so no further line of it is delivered; from
     * {@code lineLengthExceeded}, everything after the bytes of the too-long line skipped so far;
     * from elsewhere (a timer, another connection's callback), what is held between reads: an
     * unfinished line, or lines held while paused. From {@code rawDataReceived} it returns
     * nothing: the raw handler was given every byte there was.
     *
     * <p>Parsing goes on with the next bytes read, in the mode this protocol is in then (a line
     * too long that was being skipped is still skipped to its end). Loop-only.
     *
     * @return a copy of the dropped bytes, possibly empty; the caller owns it
     */
    public final byte[] clearLineBuffer() {
        if (callbackInput != null) {
            byte[] rest = new byte[restEnd - restStart];
            // A view, since the line being delivered has the buffer's limit set at its end.
            ByteBuffer view = callbackInput.duplicate();
            view.limit(restEnd).position(restStart);
            view.get(rest);
            restStart = restEnd;
            restCleared = true;
            return rest;
        }
        if (rawInput != null) {
            return new byte[0];
        }
        searched = 0;
        return takeHeld();
    }

    /**
     * Sends {@code line} followed by the delimiter. The transport copies both.
     *
     * @param line the line, without a delimiter
     */
    public void sendLine(byte[] line) {
        transport.write(line);
        transport.write(delimiter);
    }

    /**
     * Sends the bytes between {@code line}'s position and limit, then the delimiter.
     *
     * @param line the line, without a delimiter; copied, so the caller keeps the buffer
     */
    public void sendLine(ByteBuffer line) {
        transport.write(line);
        transport.write(delimiter);
    }

    // ------------------------------------------------------------------ settings

    /**
     * The delimiter (a copy).
     *
     * @return a new array each call, so the caller may change it
     */
    public final byte[] getDelimiter() {
        return delimiter.clone();
    }

    /**
     * Sets the bytes that end a line, for lines parsed from now on. Best called from
     * {@code connectionMade}: a line already partly buffered is searched with the new delimiter.
     *
     * @param delimiter one or more bytes; copied
     * @throws IllegalArgumentException if {@code delimiter} is empty
     */
    public final void setDelimiter(byte[] delimiter) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("the delimiter must be at least one byte");
        }
        this.delimiter = delimiter.clone();
        searched = 0;
        updateMaxFrameLength();
    }

    /**
     * The longest line accepted, in bytes, without the delimiter.
     *
     * @return bytes; {@link #DEFAULT_MAX_LENGTH} unless set
     */
    public final int getMaxLength() {
        return maxLength;
    }

    /**
     * Sets the longest line accepted, in bytes, without the delimiter.
     *
     * @param maxLength in bytes, without the delimiter
     * @throws IllegalArgumentException if {@code maxLength} is not positive
     */
    public final void setMaxLength(int maxLength) {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("the maximum line length must be positive, got " + maxLength);
        }
        this.maxLength = maxLength;
        updateMaxFrameLength();
    }

    private void updateMaxFrameLength() {
        setMaxFrameLength((int) Math.min(Integer.MAX_VALUE - 8, (long) maxLength + delimiter.length));
    }

    /**
     * True between {@link #setRawMode()} and {@link #setLineMode}.
     *
     * @return true while bytes go to {@link #rawDataReceived} instead of being split into lines
     */
    public final boolean isRawMode() {
        return rawMode;
    }

    /**
     * From the next byte on, hands everything read to {@link #rawDataReceived} instead of
     * splitting lines. Called from {@code lineReceived}, the rest of the current read goes raw.
     */
    public final void setRawMode() {
        rawMode = true;
    }

    /** Switches back to splitting lines; from {@code rawDataReceived}, with the next read. */
    public final void setLineMode() {
        rawMode = false;
        searched = 0;
    }

    /**
     * Switches back to splitting lines and parses {@code extra} (what the raw handler did not
     * consume) as the bytes that come next, before anything read later. From
     * {@code rawDataReceived}, {@code extra} must be the buffer it was given, its position at the
     * first byte not consumed; elsewhere (a timer, say) any buffer, parsed at once.
     *
     * @param extra bytes to parse as lines before the next read; may be empty
     * @throws IllegalStateException if called from {@code lineReceived} with bytes: there is no
     *     place for them before the rest of the current read; split them yourself
     * @throws IllegalArgumentException if called from {@code rawDataReceived} with another buffer
     */
    public final void setLineMode(ByteBuffer extra) {
        setLineMode();
        if (extra == null || !extra.hasRemaining()) {
            return;
        }
        if (rawInput != null) {
            if (extra != rawInput) {
                throw new IllegalArgumentException("from rawDataReceived, hand back the buffer it was given, "
                        + "its position at the first byte not consumed");
            }
            handedBack = true;
        } else if (inLineCallback) {
            throw new IllegalStateException("setLineMode(extra) with bytes may be called from rawDataReceived, "
                    + "or outside dataReceived");
        } else {
            dataReceived(extra);
        }
    }

    // ------------------------------------------------------------------ parsing

    /** One line, one run of raw data, or a step of skipping a too-long line. */
    @Override
    protected final void decodeFrame(ByteBuffer in) {
        if (rawMode) {
            decodeRaw(in);
        } else if (discarding) {
            skipTooLongLine(in);
        } else {
            decodeLine(in);
        }
    }

    private void decodeRaw(ByteBuffer in) {
        rawInput = in;
        handedBack = false;
        try {
            rawDataReceived(in);
        } finally {
            rawInput = null;
        }
        if (!handedBack) {
            in.position(in.limit());
        }
    }

    private void decodeLine(ByteBuffer in) {
        int start = in.position();
        int end = indexOf(in, start + searched, delimiter);
        if (end < 0) {
            // The last delimiter.length - 1 bytes may begin a delimiter: search them again.
            int seen = in.remaining() - (delimiter.length - 1);
            searched = Math.max(0, seen);
            if (seen > maxLength) {
                startDiscarding(in, seen);
            }
            return;
        }
        searched = 0;
        int length = end - start;
        int next = end + delimiter.length;
        if (length > maxLength) {
            in.position(next);
            lineTooLong(in, length);
            return;
        }
        int limit = in.limit();
        in.limit(end);
        inLineCallback = true;
        enterCallback(in, next, limit);
        try {
            lineReceived(in);
        } finally {
            inLineCallback = false;
            callbackInput = null;
        }
        in.limit(limit).position(restCleared ? limit : next);
    }

    /** The line being read is already longer than the limit: keep only what may begin its delimiter. */
    private void startDiscarding(ByteBuffer in, int seen) {
        in.position(in.limit() - (delimiter.length - 1));
        searched = 0;
        discarding = true;
        lineTooLong(in, seen);
    }

    /** Tells {@link #lineLengthExceeded}, whose {@code clearLineBuffer} may take the rest of {@code in}. */
    private void lineTooLong(ByteBuffer in, int length) {
        enterCallback(in, in.position(), in.limit());
        try {
            lineLengthExceeded(length);
        } finally {
            callbackInput = null;
        }
        if (restCleared) {
            in.position(in.limit());
        }
    }

    private void enterCallback(ByteBuffer in, int restFrom, int restTo) {
        callbackInput = in;
        restStart = restFrom;
        restEnd = restTo;
        restCleared = false;
    }

    /** Discarding a too-long line: drop bytes up to and including the next delimiter. */
    private void skipTooLongLine(ByteBuffer in) {
        int end = indexOf(in, in.position(), delimiter);
        if (end >= 0) {
            in.position(end + delimiter.length);
            discarding = false;
        } else if (in.remaining() >= delimiter.length) {
            in.position(in.limit() - (delimiter.length - 1));
        }
    }

    /**
     * The index in {@code data} of the first whole delimiter at or after {@code from} and before
     * the limit, or -1. Linear in the bytes scanned for a delimiter of fixed length.
     *
     * <p>It looks for the delimiter's first byte eight bytes at a time: each long read is XORed
     * with that byte repeated, so a matching byte becomes zero, and the exact zero-byte test
     * below (no false positives, unlike the shorter {@code (x - 0x01..) & ~x & 0x80..} form,
     * whose borrows can flag a neighbour) marks it with its top bit.
     */
    static int indexOf(ByteBuffer data, int from, byte[] delim) {
        byte first = delim[0];
        int lastStart = data.limit() - delim.length;
        int i = from;
        if (lastStart - i >= Long.BYTES) {
            long pattern = (first & 0xFFL) * 0x0101_0101_0101_0101L;
            boolean bigEndian = data.order() == ByteOrder.BIG_ENDIAN;
            // Every byte of each word read is a possible start of the delimiter.
            for (; i <= lastStart - (Long.BYTES - 1); i += Long.BYTES) {
                long x = data.getLong(i) ^ pattern;
                long found = ~(((x & LOW_SEVEN_BITS) + LOW_SEVEN_BITS) | x | LOW_SEVEN_BITS);
                while (found != 0) {
                    // In memory order: the most significant byte first in big-endian order.
                    long bit = bigEndian ? Long.highestOneBit(found) : Long.lowestOneBit(found);
                    int at = i + (bigEndian ? Long.numberOfLeadingZeros(bit) : Long.numberOfTrailingZeros(bit)) / 8;
                    if (delim.length == 1 || matchesAt(data, at + 1, delim, 1, delim.length - 1)) {
                        return at;
                    }
                    found &= ~bit;
                }
            }
        }
        for (; i <= lastStart; i++) {
            if (data.get(i) == first && (delim.length == 1 || matchesAt(data, i + 1, delim, 1, delim.length - 1))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matchesAt(ByteBuffer data, int at, byte[] delim, int delimFrom, int count) {
        for (int i = 0; i < count; i++) {
            if (data.get(at + i) != delim[delimFrom + i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return getClass().getName() + "[delimiter=" + Arrays.toString(delimiter) + ", maxLength=" + maxLength
                + (rawMode ? ", raw" : "") + ", buffered=" + bufferedBytes() + "]";
    }

    /** For subclasses that write the delimiter themselves; not copied. */
    final byte[] delimiterBytes() {
        return Objects.requireNonNull(delimiter);
    }
}
