package io.twine.protocol.basic;

import io.twine.protocol.Protocol;
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
 * {@link #rawDataReceived(ByteBuffer)} instead, until {@link #setLineMode(ByteBuffer)} switches
 * back; the bytes given to {@code setLineMode} (typically what the raw handler did not consume)
 * are parsed as lines before anything read later. A protocol can so read headers as lines and a
 * body as raw bytes, as HTTP does.
 *
 * <p><b>Limits.</b> A line longer than {@link #getMaxLength()} bytes (default 16,384; the
 * delimiter does not count) is never delivered: {@link #lineLengthExceeded(int)} is called
 * instead, which by default closes the connection with a {@link Reason.Kind#LIMIT_EXCEEDED}
 * reason. A line of exactly the maximum is accepted, whatever the chunking. Between reads this
 * protocol holds at most the maximum length plus the delimiter's length minus one bytes, whatever
 * the peer sends.
 *
 * <p><b>Cost.</b> Parsing is linear in the input however it is chunked: each byte is scanned
 * once, and copied at most once, only when its line spans two reads. A line that lies within one
 * read is handed over as a window on the read buffer itself: no copy and no allocation. The
 * buffer kept for lines that span reads grows to the longest such line and is reused, so in
 * steady state nothing is allocated per line.
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
public abstract class ByteLineReceiver extends Protocol {

    /** The default maximum line length in bytes, without the delimiter: 16,384. */
    public static final int DEFAULT_MAX_LENGTH = 16_384;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final long LOW_SEVEN_BITS = 0x7F7F_7F7F_7F7F_7F7FL;

    private byte[] delimiter = CRLF;
    private int maxLength = DEFAULT_MAX_LENGTH;
    /** The start of a line whose end has not arrived yet; or, while discarding, the last bytes seen. */
    private final ByteAccumulator partial = new ByteAccumulator();
    private boolean rawMode;
    /** After a too-long line that did not close the connection: skipping to the next delimiter. */
    private boolean discarding;
    /** Inside {@link #dataReceived}: switches of mode take effect at the next line. */
    private boolean parsing;
    private boolean inRawCallback;
    /** Bytes handed back by {@code setLineMode(extra)} from the raw handler, parsed next. */
    private ByteBuffer handedBack;

    /**
     * A complete line arrived, without its delimiter. {@code line} holds it between its position
     * and limit; it is valid only during this call. Called on the loop thread, never after the
     * transport started closing.
     */
    public abstract void lineReceived(ByteBuffer line);

    /**
     * Bytes arrived in raw mode. {@code data} is valid only during this call. The default throws
     * {@link UnsupportedOperationException}: a protocol that calls {@link #setRawMode()} must
     * override it.
     */
    public void rawDataReceived(ByteBuffer data) {
        throw new UnsupportedOperationException(getClass().getName()
                + " switched to raw mode but does not override rawDataReceived");
    }

    /**
     * A line longer than the maximum arrived (or began to: {@code length} is then what has been
     * seen so far, already too long). It will not be delivered. The default closes the connection
     * with a {@link Reason.Kind#LIMIT_EXCEEDED} reason naming both lengths. An override that
     * keeps the connection open makes this protocol skip to the next delimiter and go on, still
     * holding no more than the limit.
     */
    public void lineLengthExceeded(int length) {
        transport.loseConnection(Reason.limitExceeded("line of " + length
                + (discarding ? "+" : "") + " bytes is longer than the limit of " + maxLength + " bytes"));
    }

    /** Sends {@code line} followed by the delimiter. The transport copies both. */
    public void sendLine(byte[] line) {
        transport.write(line);
        transport.write(delimiter);
    }

    /** Sends the bytes between {@code line}'s position and limit, then the delimiter. */
    public void sendLine(ByteBuffer line) {
        transport.write(line);
        transport.write(delimiter);
    }

    // ------------------------------------------------------------------ settings

    /** The delimiter (a copy). */
    public final byte[] getDelimiter() {
        return delimiter.clone();
    }

    /**
     * Sets the bytes that end a line, for lines parsed from now on. Best called from
     * {@code connectionMade}: a line already partly buffered is searched with the new delimiter.
     *
     * @throws IllegalArgumentException if {@code delimiter} is empty
     */
    public final void setDelimiter(byte[] delimiter) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("the delimiter must be at least one byte");
        }
        this.delimiter = delimiter.clone();
    }

    /** The longest line accepted, in bytes, without the delimiter. */
    public final int getMaxLength() {
        return maxLength;
    }

    /**
     * Sets the longest line accepted, in bytes, without the delimiter.
     *
     * @throws IllegalArgumentException if {@code maxLength} is not positive
     */
    public final void setMaxLength(int maxLength) {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("the maximum line length must be positive, got " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /** True between {@link #setRawMode()} and {@link #setLineMode}. */
    public final boolean isRawMode() {
        return rawMode;
    }

    /** How many bytes this protocol holds between reads: the start of an unfinished line. */
    public final int bufferedBytes() {
        return partial.size();
    }

    /**
     * From the next byte on, hands everything read to {@link #rawDataReceived} instead of
     * splitting lines. Called from {@code lineReceived}, the rest of the current read goes raw.
     */
    public final void setRawMode() {
        rawMode = true;
    }

    /** Switches back to splitting lines, from the next read on. */
    public final void setLineMode() {
        rawMode = false;
    }

    /**
     * Switches back to splitting lines and parses {@code extra} (what the raw handler did not
     * consume) as the bytes that come next, before anything read later. From
     * {@code rawDataReceived} the parsing happens once it returns; elsewhere (a timer, say) at
     * once. {@code extra} must stay valid until then: the rest of the buffer given to
     * {@code rawDataReceived} does.
     *
     * @throws IllegalStateException if called with bytes from {@code lineReceived}: there is no
     *     place for them before the rest of the current read; split them yourself
     */
    public final void setLineMode(ByteBuffer extra) {
        rawMode = false;
        if (extra == null || !extra.hasRemaining()) {
            return;
        }
        if (!parsing) {
            dataReceived(extra);
        } else if (inRawCallback && handedBack == null) {
            handedBack = extra;
        } else {
            throw new IllegalStateException("setLineMode(extra) with bytes may be called once from rawDataReceived, "
                    + "or outside dataReceived");
        }
    }

    // ------------------------------------------------------------------ parsing

    /**
     * Splits {@code data} into lines (or hands it on in raw mode). Called by the transport; an
     * override must call this one to keep the framing.
     *
     * @throws IllegalStateException if called again from inside one of this protocol's callbacks
     */
    @Override
    public void dataReceived(ByteBuffer data) {
        if (parsing) {
            throw new IllegalStateException("dataReceived called from inside a line or raw-data callback");
        }
        parsing = true;
        try {
            ByteBuffer current = data;
            while (current != null && !isClosing()) {
                if (!rawMode) {
                    parseLines(current);
                }
                // Raw from the start, or raw mode began in a line callback: the rest goes raw.
                if (rawMode && current.hasRemaining() && !isClosing()) {
                    inRawCallback = true;
                    try {
                        rawDataReceived(current);
                    } finally {
                        inRawCallback = false;
                    }
                }
                current = handedBack;
                handedBack = null;
            }
        } finally {
            parsing = false;
            handedBack = null;
        }
    }

    /**
     * Delivers every line of {@code data}; returns when it is used up, when the transport is
     * closing, or when raw mode began (then {@code data}'s position is at the first raw byte).
     */
    private void parseLines(ByteBuffer data) {
        while (data.hasRemaining()) {
            if (discarding) {
                skipTooLongLine(data);
            } else if (!partial.isEmpty()) {
                finishPartialLine(data);
            } else {
                int start = data.position();
                int end = indexOf(data, start, delimiter);
                if (end < 0) {
                    keepUnfinishedLine(data);
                    return;
                }
                int length = end - start;
                int next = end + delimiter.length;
                if (length > maxLength) {
                    data.position(next);
                    lineLengthExceeded(length);
                } else {
                    // The line is handed over as a window on the read buffer itself: no copy.
                    int limit = data.limit();
                    data.limit(end);
                    lineReceived(data);
                    data.limit(limit).position(next);
                }
            }
            if (rawMode || isClosing()) {
                return;
            }
        }
    }

    /** No delimiter in the rest of {@code data}: keep it as the start of a line, if within the limit. */
    private void keepUnfinishedLine(ByteBuffer data) {
        int length = data.remaining();
        // Up to delimiter.length - 1 trailing bytes may begin the delimiter, not the line.
        if (length - (delimiter.length - 1) > maxLength) {
            startDiscarding(data, length);
        } else {
            partial.append(data, length);
        }
    }

    /** {@code partial} holds the start of a line: look for its end in {@code data}. */
    private void finishPartialLine(ByteBuffer data) {
        int straddling = delimiterStraddlingBoundary(data);
        if (straddling > 0) {
            data.position(data.position() + delimiter.length - straddling);
            deliverPartial(partial.size() - straddling);
            return;
        }
        int start = data.position();
        int end = indexOf(data, start, delimiter);
        if (end >= 0) {
            int length = partial.size() + (end - start);
            if (length > maxLength) {
                partial.clear();
                data.position(end + delimiter.length);
                lineLengthExceeded(length);
            } else {
                partial.append(data, end - start);
                data.position(end + delimiter.length);
                deliverPartial(length);
            }
            return;
        }
        int seen = partial.size() + data.remaining();
        if (seen - (delimiter.length - 1) > maxLength) {
            startDiscarding(data, seen);
        } else {
            partial.append(data, data.remaining());
        }
    }

    private void deliverPartial(int length) {
        if (length > maxLength) {
            partial.clear();
            lineLengthExceeded(length);
            return;
        }
        ByteBuffer line = partial.view(length);
        // Cleared before the callback, which may switch modes; the view still holds the bytes.
        partial.clear();
        lineReceived(line);
    }

    /**
     * The line being read is already longer than the limit. Keeps only the last bytes, which may
     * begin the delimiter that ends it, then reports the length seen.
     */
    private void startDiscarding(ByteBuffer data, int seen) {
        keepTail(data);
        discarding = true;
        lineLengthExceeded(seen - (delimiter.length - 1));
    }

    /** Discarding a too-long line: drop bytes up to and including the next delimiter. */
    private void skipTooLongLine(ByteBuffer data) {
        int straddling = delimiterStraddlingBoundary(data);
        if (straddling > 0) {
            data.position(data.position() + delimiter.length - straddling);
            stopDiscarding();
            return;
        }
        int end = indexOf(data, data.position(), delimiter);
        if (end >= 0) {
            data.position(end + delimiter.length);
            stopDiscarding();
        } else {
            keepTail(data);
        }
    }

    private void stopDiscarding() {
        discarding = false;
        partial.clear();
    }

    /** Consumes {@code data}, keeping in {@code partial} only what may begin a delimiter. */
    private void keepTail(ByteBuffer data) {
        int keep = delimiter.length - 1;
        int remaining = data.remaining();
        if (remaining >= keep) {
            partial.clear();
            data.position(data.limit() - keep);
            partial.append(data, keep);
        } else {
            partial.append(data, remaining);
            partial.keepLast(keep);
        }
    }

    /**
     * How many bytes at the end of {@code partial} begin a delimiter that {@code data} completes:
     * the largest such count (the earliest delimiter), or 0. Only the last
     * {@code delimiter.length - 1} bytes can, since {@code partial} never holds a whole one.
     */
    private int delimiterStraddlingBoundary(ByteBuffer data) {
        byte[] delim = delimiter;
        int held = partial.size();
        int start = data.position();
        int available = data.remaining();
        for (int inPartial = Math.min(delim.length - 1, held); inPartial > 0; inPartial--) {
            int inData = delim.length - inPartial;
            if (inData > available) {
                continue;
            }
            if (matchesPartialTail(delim, inPartial) && matchesAt(data, start, delim, inPartial, inData)) {
                return inPartial;
            }
        }
        return 0;
    }

    private boolean matchesPartialTail(byte[] delim, int count) {
        int from = partial.size() - count;
        for (int i = 0; i < count; i++) {
            if (partial.get(from + i) != delim[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesAt(ByteBuffer data, int at, byte[] delim, int delimFrom, int count) {
        for (int i = 0; i < count; i++) {
            if (data.get(at + i) != delim[delimFrom + i]) {
                return false;
            }
        }
        return true;
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

    private boolean isClosing() {
        return transport != null && !transport.isConnected();
    }

    @Override
    public String toString() {
        return getClass().getName() + "[delimiter=" + Arrays.toString(delimiter) + ", maxLength=" + maxLength
                + (rawMode ? ", raw" : "") + ", buffered=" + partial.size() + "]";
    }

    /** For subclasses that write the delimiter themselves; not copied. */
    final byte[] delimiterBytes() {
        return Objects.requireNonNull(delimiter);
    }
}
