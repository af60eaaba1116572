package io.twine.samples.redis;

import io.twine.protocol.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP2 replies to one connection: {@code +OK}, {@code -ERR ...}, {@code :42},
 * {@code $5\r\nhello}, {@code *3}, and the nulls {@code $-1} and {@code *-1}, each ended by
 * {@code \r\n}.
 *
 * <p>Replies are encoded into a small array of this writer's and handed to the transport in one
 * write when it fills, and at the end of each batch of requests ({@link #flush()}), so a pipeline
 * of a hundred {@code GET}s costs a few writes, not a hundred. A bulk string too big for what is
 * left of the array goes to the transport directly, after what is already buffered, so it is
 * copied once (by {@code write}). Between callbacks the array is empty: replies reach the
 * transport in the order they were written, and the transport's water marks see them.
 *
 * <p>Thread: owned by one connection, so by its loop thread.
 */
final class RespWriter {

    private static final int BUFFER_BYTES = 8 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final Transport transport;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int size;

    RespWriter(Transport transport) {
        this.transport = transport;
    }

    /** {@code +text}: a short status such as {@code OK}. */
    void simpleString(String text) {
        put('+');
        putText(text);
        putCrlf();
    }

    /**
     * {@code -message}, with Redis's care: a line end inside the message (it may quote the
     * client's bytes) becomes a space, so the reply stays one line.
     */
    void error(String message) {
        put('-');
        putText(message.replace('\r', ' ').replace('\n', ' '));
        putCrlf();
    }

    /** {@code :n}. */
    void integer(long n) {
        put(':');
        putDecimal(n);
        putCrlf();
    }

    /** {@code $length}, the bytes, {@code \r\n}. */
    void bulk(byte[] bytes) {
        put('$');
        putDecimal(bytes.length);
        putCrlf();
        if (bytes.length <= BUFFER_BYTES - size) {
            System.arraycopy(bytes, 0, buffer, size, bytes.length);
            size += bytes.length;
        } else {
            flush();
            transport.write(bytes);
        }
        putCrlf();
    }

    /** A bulk string of the characters of {@code text}, one byte each (Latin-1, as keys are kept). */
    void bulk(String text) {
        bulk(Keys.bytes(text));
    }

    /** {@code $-1}: no value (a missing key). */
    void nullBulk() {
        put('$');
        put('-');
        put('1');
        putCrlf();
    }

    /** {@code *count}: an array of the next {@code count} replies. */
    void arrayHeader(int count) {
        put('*');
        putDecimal(count);
        putCrlf();
    }

    /** {@code *-1}: no array (a missing list, asked for a count of elements). */
    void nullArray() {
        put('*');
        put('-');
        put('1');
        putCrlf();
    }

    /** Hands whatever is buffered to the transport. */
    void flush() {
        if (size > 0) {
            transport.write(buffer, 0, size);
            size = 0;
        }
    }

    /**
     * A whole reply as bytes, encoded once to be written to many connections: a
     * {@code PUBLISH}ed message goes out this way to every subscriber.
     */
    static byte[] encodeArrayOfBulks(byte[]... items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + items.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] item : items) {
            out.writeBytes(("$" + item.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(item);
            out.writeBytes(CRLF);
        }
        return out.toByteArray();
    }

    private void put(char c) {
        if (size == BUFFER_BYTES) {
            flush();
        }
        buffer[size++] = (byte) c;
    }

    private void putCrlf() {
        put('\r');
        put('\n');
    }

    private void putText(String text) {
        for (int i = 0; i < text.length(); i++) {
            put(text.charAt(i));
        }
    }

    /** The decimal digits of {@code n}, without making a String. */
    private void putDecimal(long n) {
        if (n < 0) {
            put('-');
            if (n == Long.MIN_VALUE) {
                putText("9223372036854775808");
                return;
            }
            n = -n;
        }
        if (n >= 10) {
            putDecimal(n / 10);
        }
        put((char) ('0' + n % 10));
    }
}
