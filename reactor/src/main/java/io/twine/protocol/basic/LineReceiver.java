package io.twine.protocol.basic;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link ByteLineReceiver} that decodes each line to a {@code String} with a charset (UTF-8 by
 * default) and sends {@code String}s: override {@link #lineReceived(String)}. Everything else
 * (delimiter, maximum length in bytes, raw mode, closing on a too-long line) is as in
 * {@link ByteLineReceiver}.
 *
 * <p><b>Decoding.</b> Bytes that are not valid in the charset become U+FFFD, as
 * {@link String#String(byte[], int, int, Charset)} does; a protocol that must reject them
 * extends {@link ByteLineReceiver} and decodes strictly itself. The delimiter is matched on
 * bytes, so with a charset in which {@code "\r\n"} is not those two bytes (UTF-16), set the
 * encoded delimiter with {@link #setDelimiter(byte[])}.
 *
 * <p><b>Allocation.</b> Each line received costs one {@code String} and its backing array (for
 * UTF-8 text that is all ASCII, the JDK copies the bytes once; other text takes a temporary array
 * while decoding). A line in a direct read buffer (the reactor's) is first copied into a scratch
 * array this protocol keeps and reuses. {@link #sendLine(String)} allocates the encoded bytes of
 * the line. Use {@link ByteLineReceiver} where that matters: it allocates nothing per line.
 *
 * <p>Thread: loop only.
 */
public abstract class LineReceiver extends ByteLineReceiver {

    private final Charset charset;
    /** Lines from direct buffers are copied here before decoding; grows to the longest line. */
    private byte[] scratch = new byte[128];

    /** A line receiver that decodes and encodes UTF-8. */
    public LineReceiver() {
        this(StandardCharsets.UTF_8);
    }

    /**
     * A line receiver that decodes and encodes {@code charset}.
     *
     * @param charset decodes every line received and encodes every line sent
     */
    public LineReceiver(Charset charset) {
        this.charset = Objects.requireNonNull(charset, "charset");
    }

    /**
     * A complete line arrived, decoded, without its delimiter. Called on the loop thread.
     *
     * @param line the decoded line; a new string, so it may be kept
     */
    public abstract void lineReceived(String line);

    /** Decodes the line and calls {@link #lineReceived(String)}. */
    @Override
    public final void lineReceived(ByteBuffer line) {
        lineReceived(decode(line));
    }

    /**
     * Sends {@code line} encoded with this protocol's charset, then the delimiter.
     *
     * @param line the text of the line, without a delimiter
     */
    public void sendLine(String line) {
        sendLine(line.getBytes(charset));
    }

    /**
     * The charset lines are decoded and encoded with.
     *
     * @return the charset given at construction
     */
    public final Charset charset() {
        return charset;
    }

    private String decode(ByteBuffer line) {
        int length = line.remaining();
        if (line.hasArray()) {
            return new String(line.array(), line.arrayOffset() + line.position(), length, charset);
        }
        if (length > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(length, 2 * scratch.length));
        }
        line.get(line.position(), scratch, 0, length);
        return new String(scratch, 0, length, charset);
    }
}
