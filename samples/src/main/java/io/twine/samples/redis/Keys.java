package io.twine.samples.redis;

import java.nio.charset.StandardCharsets;

/**
 * Bytes to names and back. Keys, set members, hash fields and channels are kept as strings of
 * one character per byte (Latin-1), which turns any bytes into a string and back unchanged, and
 * gives {@code HashMap} the {@code equals} and {@code hashCode} a {@code byte[]} lacks.
 *
 * <p>Stateless; safe on any thread.
 */
final class Keys {

    private Keys() {}

    /** The string of {@code bytes}, one character each. */
    static String of(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The bytes of a string made by {@link #of}. */
    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** True if {@code bytes} spell {@code word}, ignoring ASCII case: how options are matched. */
    static boolean is(byte[] bytes, String word) {
        if (bytes.length != word.length()) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (Character.toLowerCase((char) (bytes[i] & 0xff)) != Character.toLowerCase(word.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes as C's {@code printf("%.Ns")} shows them: up to the first zero byte, at most
     * {@code max} characters. Redis quotes a client's bytes in its errors this way.
     */
    static String quoted(byte[] bytes, int max) {
        int end = 0;
        while (end < bytes.length && end < max && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }
}
