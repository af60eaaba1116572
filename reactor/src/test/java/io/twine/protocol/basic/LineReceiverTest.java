package io.twine.protocol.basic;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.Reason;
import io.twine.testing.StringTransport;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LineReceiverTest {

    static final class Lines extends LineReceiver {
        final List<String> lines = new ArrayList<>();

        Lines() {}

        Lines(Charset charset) {
            super(charset);
        }

        @Override
        public void lineReceived(String line) {
            lines.add(line);
        }
    }

    private static Lines connected(Lines lines) {
        new StringTransport().connect(lines);
        return lines;
    }

    @Test
    void decodesUtf8LinesWhateverTheChunkingEvenInsideACharacter() {
        List<String> expected = List.of("héllo wörld", "", "✓ ünïcødé 𝄞", "plain");
        byte[] stream = (String.join("\r\n", expected) + "\r\n").getBytes(UTF_8);
        for (boolean direct : new boolean[] {false, true}) {
            for (int[] cut : Chunking.everyWay(stream.length, 11)) {
                Lines lines = connected(new Lines());
                Chunking.feed(lines, stream, cut, direct);
                assertEquals(expected, lines.lines, () -> "cut " + Chunking.describe(cut));
            }
        }
    }

    @Test
    void maxLengthCountsBytesNotCharacters() {
        Lines lines = connected(new Lines());
        lines.setMaxLength(4);
        lines.dataReceived(ByteBuffer.wrap("éé\r\n".getBytes(UTF_8)));
        assertEquals(List.of("éé"), lines.lines);
        lines.dataReceived(ByteBuffer.wrap("ééa\r\n".getBytes(UTF_8)));
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, ((StringTransport) lines.transport()).closeReason().kind());
        assertEquals(List.of("éé"), lines.lines);
    }

    @Test
    void decodesWithTheCharsetGiven() {
        Lines lines = connected(new Lines(ISO_8859_1));
        lines.dataReceived(ByteBuffer.wrap(new byte[] {'c', 'a', 'f', (byte) 0xE9, '\r', '\n'}));
        assertEquals(List.of("café"), lines.lines);
        assertEquals(ISO_8859_1, lines.charset());
    }

    @Test
    void malformedBytesBecomeReplacementCharacters() {
        Lines lines = connected(new Lines());
        lines.dataReceived(ByteBuffer.wrap(new byte[] {'o', 'k', (byte) 0xFF, '\n', '\r', '\n'}));
        assertEquals(List.of("ok\uFFFD\n"), lines.lines);
    }

    @Test
    void sendLineEncodesWithTheCharsetAndAddsTheDelimiter() {
        Lines utf8 = connected(new Lines());
        utf8.sendLine("naïve");
        assertEquals("naïve\r\n", ((StringTransport) utf8.transport()).value(UTF_8));

        Lines latin1 = connected(new Lines(ISO_8859_1));
        latin1.setDelimiter(new byte[] {'\n'});
        latin1.sendLine("naïve");
        byte[] written = ((StringTransport) latin1.transport()).value();
        assertEquals(6, written.length);
        assertEquals((byte) 0xEF, written[2]);
    }
}
