package io.twine.samples.redis;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the bytes a client sends into requests: RESP2 arrays of bulk strings
 * ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}, what every client library sends) and inline commands
 * ({@code GET k\r\n}, what a person types into telnet).
 *
 * <p>It is the decode step of a {@link io.twine.protocol.basic.FrameReceiver}: {@link #decode}
 * reads what it can from the buffer and returns one request, or null when it needs more bytes.
 * A request may arrive split at any byte: the decoder remembers how far it got inside the
 * request, and a line it could not finish it leaves in the buffer, to be given again with the
 * bytes that follow it. So the receiver keeps only the unconsumed bytes of one line (at most
 * {@value #MAX_LINE_BYTES} bytes), while a bulk string's bytes are copied into the request as
 * they arrive.
 *
 * <p><b>Limits.</b> Memory follows the bytes a client has sent, never what it claims it will
 * send: a bulk string's array is allocated for the bytes at hand and grows by doubling as more
 * arrive, and the argument list grows one argument at a time. What a client may send is bounded
 * too: a bulk string of up to {@value #MAX_BULK_BYTES} bytes (16 MiB; Redis allows 512 MB, but a
 * value is held in memory and copied into the reply of every {@code GET}, so 16 MiB keeps a few
 * of them within a 64 MiB heap), at most {@value #MAX_ARGUMENTS} arguments, and at most
 * {@value #MAX_REQUEST_BYTES} bytes in one request, counting {@value #ARGUMENT_OVERHEAD} bytes of
 * bookkeeping per argument. A line (a header, or an inline command) may have up to
 * {@value #MAX_LINE_BYTES} bytes, Redis's own limit. Breaking a rule throws a
 * {@link ProtocolError} whose message is the error Redis 7 replies with for the same input.
 *
 * <p>Thread: owned by one connection, so by its loop thread.
 */
final class RespDecoder {

    /** The longest line without its end, as in Redis ({@code PROTO_INLINE_MAX_SIZE}). */
    static final int MAX_LINE_BYTES = 64 * 1024;
    /** The longest bulk string: the largest value a client can store. */
    static final int MAX_BULK_BYTES = 16 * 1024 * 1024;
    /** The most arguments in one request (Redis's limit before 4.0). */
    static final int MAX_ARGUMENTS = 1024 * 1024;
    /** What one argument costs beyond its bytes (object header, array length, list slot), roughly. */
    static final int ARGUMENT_OVERHEAD = 24;
    /** The most bytes in one request: one maximal value with room for its command and key. */
    static final int MAX_REQUEST_BYTES = MAX_BULK_BYTES + 1024 * 1024;

    /** A request the client sent that breaks the protocol; the message is Redis's reply to it. */
    static final class ProtocolError extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolError(String message) {
            super(message, null, false, false);  // no stack trace: this is the client's mistake, not ours
        }
    }

    /** A list that grew past this many arguments is let go after its request, not kept for the next. */
    private static final int KEPT_ARGUMENTS = 1024;

    /**
     * The arguments of the request being read. It is one list, emptied for each request, so a
     * request costs no list of its own: what {@link #decode} returns is valid until the next call.
     */
    private List<byte[]> arguments = new ArrayList<>();
    /** True from a request's first line until its last argument has arrived. */
    private boolean reading;
    /** Bulk strings of that array still to come. */
    private int missing;
    /** The bulk string being read, its declared length, and how many of its bytes have arrived. */
    private byte[] bulk;
    private int bulkLength = -1;
    private int bulkFilled;
    /** Bytes of the request so far, counted against {@link #MAX_REQUEST_BYTES}. */
    private long requestBytes;
    /**
     * Bytes of the unfinished line at the buffer's position already searched for its end: a line
     * that trickles in a byte at a time is searched once, not once per byte.
     */
    private int scanned;

    /**
     * Reads from {@code in} (its position moves past what was used) until one request is
     * complete, and returns its arguments, the command name first. The list is this decoder's and
     * is refilled by the next call: keep the arguments (the arrays are the caller's from now on),
     * never the list. Returns null when {@code in} ends inside a request: call again with the bytes
     * {@code in} still holds, followed by more. Empty requests ({@code *0}, a blank line) are
     * skipped, as Redis skips them.
     *
     * @throws ProtocolError if the bytes break the protocol or a limit; the connection cannot go on
     */
    List<byte[]> decode(ByteBuffer in) throws ProtocolError {
        while (true) {
            if (!reading) {
                if (!in.hasRemaining()) {
                    return null;
                }
                boolean started = in.get(in.position()) == '*' ? startArray(in) : startInline(in);
                if (!started) {
                    return null;
                }
            }
            while (missing > 0) {
                if (!readBulk(in)) {
                    return null;
                }
            }
            reading = false;
            if (!arguments.isEmpty()) {
                return arguments;
            }
        }
    }

    /**
     * The bytes held for the request in progress: its arguments so far and the array of the
     * bulk string being read. It follows what the client has sent, not what it announced.
     */
    long bytesHeld() {
        long held = bulk == null ? 0 : bulk.length;
        if (reading) {
            for (byte[] argument : arguments) {
                held += argument.length;
            }
        }
        return held;
    }

    /** {@code *N\r\n}: the header of an array of N bulk strings. False if the line is not all here. */
    private boolean startArray(ByteBuffer in) throws ProtocolError {
        int end = findLineEnd(in, "Protocol error: too big mbulk count string");
        if (end < 0) {
            return false;
        }
        long count = parseLineNumber(in, in.position() + 1, end, "Protocol error: invalid multibulk length");
        if (count > MAX_ARGUMENTS) {
            throw new ProtocolError("Protocol error: invalid multibulk length");
        }
        skipLine(in, end + 2);
        startRequest();
        missing = (int) Math.max(count, 0);  // *0 and *-1 are empty requests, skipped
        return true;
    }

    /** A new request: an empty argument list (a fresh one if the last request made it huge). */
    private void startRequest() {
        if (arguments.size() > KEPT_ARGUMENTS) {
            arguments = new ArrayList<>();
        } else {
            arguments.clear();
        }
        requestBytes = 0;
        reading = true;
    }

    /** {@code $N\r\n}, then N bytes and two more. False if {@code in} ran out first. */
    private boolean readBulk(ByteBuffer in) throws ProtocolError {
        if (bulkLength < 0) {
            if (!in.hasRemaining()) {
                return false;
            }
            int end = findLineEnd(in, "Protocol error: too big bulk count string");
            if (end < 0) {
                return false;
            }
            byte first = in.get(in.position());
            if (first != '$') {
                throw new ProtocolError("Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
            }
            long length = parseLineNumber(in, in.position() + 1, end, "Protocol error: invalid bulk length");
            if (length < 0 || length > MAX_BULK_BYTES) {
                throw new ProtocolError("Protocol error: invalid bulk length");
            }
            requestBytes += length + ARGUMENT_OVERHEAD;
            if (requestBytes > MAX_REQUEST_BYTES) {
                throw new ProtocolError("Protocol error: request larger than " + MAX_REQUEST_BYTES + " bytes");
            }
            skipLine(in, end + 2);
            bulkLength = (int) length;
            bulkFilled = 0;
            // Room for what has arrived, never for what is only promised.
            bulk = new byte[Math.min(bulkLength, in.remaining())];
        }
        int wanted = bulkLength - bulkFilled;
        int now = Math.min(wanted, in.remaining());
        if (bulkFilled + now > bulk.length) {
            bulk = Arrays.copyOf(bulk, Math.min(bulkLength, Math.max(bulkFilled + now, 2 * bulk.length)));
        }
        in.get(bulk, bulkFilled, now);
        bulkFilled += now;
        // Like Redis, skip the two bytes after the string without looking at them (they should be \r\n).
        if (bulkFilled < bulkLength || in.remaining() < 2) {
            return false;
        }
        in.position(in.position() + 2);
        arguments.add(bulk);
        bulk = null;
        bulkLength = -1;
        missing--;
        return true;
    }

    /** A line that does not start with {@code *}: an inline command. False if it has not all arrived. */
    private boolean startInline(ByteBuffer in) throws ProtocolError {
        int start = in.position();
        String tooLong = "Protocol error: too big inline request";
        int newline = indexOf(in, (byte) '\n', MAX_LINE_BYTES + 2, tooLong);
        if (newline < 0) {
            return false;
        }
        int end = newline > start && in.get(newline - 1) == '\r' ? newline - 1 : newline;
        if (end - start > MAX_LINE_BYTES) {
            throw new ProtocolError(tooLong);
        }
        byte[] line = new byte[end - start];
        in.get(line);
        skipLine(in, newline + 1);
        startRequest();
        InlineCommand.split(line, arguments);
        missing = 0;
        return true;
    }

    /**
     * Where the line at {@code in}'s position ends: the index of its {@code \r}, with one more byte
     * after it (Redis, too, ends header lines at the {@code \r} and skips the byte after it).
     * -1 if that is not here yet.
     */
    private int findLineEnd(ByteBuffer in, String tooLong) throws ProtocolError {
        int cr = indexOf(in, (byte) '\r', MAX_LINE_BYTES + 1, tooLong);
        return cr >= 0 && cr + 1 < in.limit() ? cr : -1;
    }

    /**
     * The index of the first {@code b} of the line at {@code in}'s position, or -1 if it has not
     * arrived; throws {@code tooLong} if it is not among the first {@code span} bytes.
     */
    private int indexOf(ByteBuffer in, byte b, int span, String tooLong) throws ProtocolError {
        int from = in.position();
        int limit = Math.min(in.limit(), from + span);
        for (int i = from + scanned; i < limit; i++) {
            if (in.get(i) == b) {
                scanned = i - from;
                return i;
            }
        }
        if (limit - from == span) {
            throw new ProtocolError(tooLong);
        }
        scanned = limit - from;
        return -1;
    }

    /** Moves {@code in} past a line that has been read. */
    private void skipLine(ByteBuffer in, int next) {
        in.position(next);
        scanned = 0;
    }

    private static long parseLineNumber(ByteBuffer in, int from, int to, String invalid) throws ProtocolError {
        try {
            return RedisNumbers.parse(in, from, to);
        } catch (NumberFormatException e) {
            throw new ProtocolError(invalid);
        }
    }
}
