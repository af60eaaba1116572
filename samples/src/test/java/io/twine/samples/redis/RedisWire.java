package io.twine.samples.redis;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Test helper: the client's side of RESP2. Encodes commands as a client library does, and reads
 * one whole reply off a stream as raw bytes, so tests can compare replies byte for byte.
 */
final class RedisWire {

    private RedisWire() {}

    /** {@code args} as a RESP array of bulk strings (Latin-1: one byte per character). */
    static byte[] command(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.ISO_8859_1);
            out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(bytes);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    /** Several commands back to back: a pipeline. */
    static byte[] pipeline(byte[]... commands) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] command : commands) {
            out.writeBytes(command);
        }
        return out.toByteArray();
    }

    /** Latin-1 bytes of {@code text}, for raw requests and expected replies. */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Latin-1 text of {@code bytes}, with \r and \n visible, for assertion messages. */
    static String show(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }

    /**
     * The raw bytes of the next complete reply on {@code in}: a status, error, integer, bulk
     * string, or an array with everything in it.
     *
     * @throws EOFException if the stream ends first
     */
    static byte[] readReply(InputStream in) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        readReply(in, reply);
        return reply.toByteArray();
    }

    private static void readReply(InputStream in, ByteArrayOutputStream reply) throws IOException {
        String line = readLine(in, reply);
        char type = line.charAt(0);
        if (type == '$') {
            int length = Integer.parseInt(line.substring(1));
            if (length >= 0) {
                byte[] body = in.readNBytes(length + 2);
                reply.write(body);
                if (body.length < length + 2) {
                    throw new EOFException("the stream ended inside a bulk string");
                }
            }
        } else if (type == '*') {
            int count = Integer.parseInt(line.substring(1));
            for (int i = 0; i < count; i++) {
                readReply(in, reply);
            }
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream reply) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the stream ended; read so far: " + show(reply.toByteArray()));
            }
            reply.write(b);
            if (b == '\n' && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
        }
    }
}
