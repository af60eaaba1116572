package io.twine.samples.support;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 text that arrives in chunks: a character split between two chunks is held back
 * until its last byte arrives, and bytes that are not UTF-8 become U+FFFD rather than an error.
 *
 * <p>Thread: one connection's, so the loop's. Allocates per call: it is for printing replies in
 * samples, not for a hot path.
 */
public final class Utf8Text {

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private byte[] held = new byte[0];

    /** The text of {@code chunk} (consumed) and of the bytes held back from earlier chunks. */
    public String decode(ByteBuffer chunk) {
        ByteBuffer input = ByteBuffer.allocate(held.length + chunk.remaining());
        input.put(held).put(chunk).flip();
        CharBuffer output = CharBuffer.allocate(input.remaining() + 1);
        decoder.decode(input, output, false);
        held = new byte[input.remaining()];
        input.get(held);
        return output.flip().toString();
    }
}
