package io.twine.samples.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8TextTest {

    @Test
    void characterSplitAcrossChunksIsHeldUntilComplete() {
        byte[] bytes = "né€".getBytes(StandardCharsets.UTF_8);  // 1 + 2 + 3 bytes
        Utf8Text text = new Utf8Text();
        StringBuilder decoded = new StringBuilder();
        for (byte b : bytes) {
            decoded.append(text.decode(ByteBuffer.wrap(new byte[] {b})));
        }
        assertEquals("né€", decoded.toString());
    }

    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharacters() {
        assertEquals("a\uFFFDb", new Utf8Text().decode(ByteBuffer.wrap(new byte[] {'a', (byte) 0xff, 'b'})));
    }
}
