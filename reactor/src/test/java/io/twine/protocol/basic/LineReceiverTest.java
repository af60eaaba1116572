package io.twine.protocol.basic;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    static class Lines extends LineReceiver {
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

    /** Takes the rest of the buffer from inside {@code lineReceived} when a line says "CLEAR". */
    static final class Clearing extends LineReceiver {
        final List<String> lines = new ArrayList<>();
        final List<String> cleared = new ArrayList<>();

        @Override
        public void lineReceived(String line) {
            lines.add(line);
            if (line.equals("CLEAR")) {
                cleared.add(new String(clearLineBuffer(), UTF_8));
            }
        }
    }

    @Test
    void clearLineBufferFromLineReceivedTakesEverythingAfterTheLineWhateverTheChunking() {
        byte[] stream = "a\r\nCLEAR\r\nb\r\nc\r\nhalf".getBytes(UTF_8);
        byte[] later = "tail\r\nd\r\n".getBytes(UTF_8);
        for (int[] cut : Chunking.everyWay(stream.length, 21)) {
            Clearing protocol = new Clearing();
            new StringTransport().connect(protocol);
            Chunking.feed(protocol, stream, cut, true);
            // What had arrived when CLEAR was delivered is gone; what came after is parsed.
            String taken = protocol.cleared.get(0);
            String arrivedLater = new String(stream, UTF_8).substring("a\r\nCLEAR\r\n".length() + taken.length());
            assertTrue("b\r\nc\r\nhalf".startsWith(taken), taken);
            protocol.dataReceived(ByteBuffer.wrap(later));
            List<String> expected = new ArrayList<>(List.of("a", "CLEAR"));
            expected.addAll(List.of((arrivedLater + "tail\r\nd\r\n").split("\r\n")));
            assertEquals(expected, protocol.lines, () -> "cut " + Chunking.describe(cut));
        }
        // All in one read, as in Twisted's own test of clearLineBuffer.
        Clearing protocol = new Clearing();
        new StringTransport().connect(protocol);
        protocol.dataReceived(ByteBuffer.wrap("CLEAR\r\nbar\r\nbaz".getBytes(UTF_8)));
        assertEquals(List.of("bar\r\nbaz"), protocol.cleared);
        protocol.dataReceived(ByteBuffer.wrap("quux\r\n".getBytes(UTF_8)));
        assertEquals(List.of("CLEAR", "quux"), protocol.lines);
        assertEquals(0, protocol.bufferedBytes());
    }

    @Test
    void clearLineBufferOutsideACallbackTakesTheUnfinishedLine() {
        Lines lines = connected(new Lines());
        lines.dataReceived(ByteBuffer.wrap("one\r\nunfini".getBytes(UTF_8)));
        assertEquals("unfini", new String(lines.clearLineBuffer(), UTF_8));
        assertEquals(0, lines.bufferedBytes());
        assertEquals(0, lines.clearLineBuffer().length);
        lines.dataReceived(ByteBuffer.wrap("two\r\n".getBytes(UTF_8)));
        assertEquals(List.of("one", "two"), lines.lines);
    }

    @Test
    void aTooLongLineClosesByDefaultAndIsSkippedAloneWhenTheOverrideKeepsTheConnection() {
        byte[] stream = ("ok\r\n" + "é".repeat(10) + "\r\nnext\r\n").getBytes(UTF_8);
        Lines closing = connected(new Lines());
        closing.setMaxLength(8);
        closing.dataReceived(ByteBuffer.wrap(stream));
        assertEquals(List.of("ok"), closing.lines);
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, ((StringTransport) closing.transport()).closeReason().kind());

        for (int[] cut : Chunking.everyWay(stream.length, 22)) {
            List<Integer> exceeded = new ArrayList<>();
            Lines keeping = new Lines() {
                @Override
                public void lineLengthExceeded(int length) {
                    exceeded.add(length);
                }
            };
            connected(keeping).setMaxLength(8);
            Chunking.feed(keeping, stream, cut, false);
            assertEquals(List.of("ok", "next"), keeping.lines, () -> "cut " + Chunking.describe(cut));
            assertEquals(1, exceeded.size());
            assertTrue(keeping.transport().isConnected());
        }
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
