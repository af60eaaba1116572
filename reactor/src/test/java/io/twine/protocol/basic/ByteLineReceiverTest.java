package io.twine.protocol.basic;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Reason;
import io.twine.testing.StringTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class ByteLineReceiverTest {

    /** Records lines (as Latin-1, one char per byte) and limit events. */
    static class Recorder extends ByteLineReceiver {
        final List<String> lines = new ArrayList<>();
        final List<Integer> exceeded = new ArrayList<>();
        final boolean keepOpenOnLongLine;
        int maxBuffered;

        Recorder(String delimiter, int maxLength, boolean keepOpenOnLongLine) {
            setDelimiter(delimiter.getBytes(ISO_8859_1));
            setMaxLength(maxLength);
            this.keepOpenOnLongLine = keepOpenOnLongLine;
        }

        @Override
        public void lineReceived(ByteBuffer line) {
            lines.add(latin1(line));
            if ("QUIT".equals(lines.get(lines.size() - 1))) {
                transport.loseConnection();
            }
        }

        @Override
        public void lineLengthExceeded(int length) {
            exceeded.add(length);
            if (!keepOpenOnLongLine) {
                super.lineLengthExceeded(length);
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            super.dataReceived(data);
            maxBuffered = Math.max(maxBuffered, bufferedBytes());
        }
    }

    static String latin1(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return new String(bytes, ISO_8859_1);
    }

    /** The lines of {@code stream} split at the earliest delimiters, too-long ones dropped. */
    static List<String> referenceLines(String stream, String delimiter, int maxLength) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        for (int end; (end = stream.indexOf(delimiter, from)) >= 0; from = end + delimiter.length()) {
            String line = stream.substring(from, end);
            if (line.length() <= maxLength) {
                lines.add(line);
            }
        }
        return lines;
    }

    static String sampleStream(String d, int max) {
        return "hello" + d + d + "a\rb\nc" + d + "x".repeat(max) + d + "last line" + d + "\r" + d + "unfinished";
    }

    private static Recorder connected(String delimiter, int max, boolean keepOpen) {
        Recorder recorder = new Recorder(delimiter, max, keepOpen);
        new StringTransport().connect(recorder);
        return recorder;
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\n", "\r\n\r\n", "abab", "aab"})
    void everyChunkingDeliversTheSameLines(String delimiter) {
        int max = 24;
        byte[] stream = sampleStream(delimiter, max).getBytes(ISO_8859_1);
        List<String> expected = referenceLines(sampleStream(delimiter, max), delimiter, max);
        assertTrue(expected.size() >= 6, "the sample holds at least six whole lines: " + expected);
        for (boolean direct : new boolean[] {false, true}) {
            for (int[] cut : Chunking.everyWay(stream.length, 42)) {
                Recorder recorder = connected(delimiter, max, false);
                Chunking.feed(recorder, stream, cut, direct);
                assertEquals(expected, recorder.lines, () -> "cut " + Chunking.describe(cut));
                assertTrue(recorder.exceeded.isEmpty());
                assertEquals("unfinished".length(), recorder.bufferedBytes());
            }
        }
    }

    @Test
    void selfOverlappingDelimiterEndsTheLineAtItsEarliestOccurrence() {
        byte[] stream = "xabababy".getBytes(ISO_8859_1);
        for (int[] cut : Chunking.everyWay(stream.length, 1)) {
            Recorder recorder = connected("abab", 100, false);
            Chunking.feed(recorder, stream, cut, false);
            assertEquals(List.of("x"), recorder.lines, () -> "cut " + Chunking.describe(cut));
            assertEquals(3, recorder.bufferedBytes(), "\"aby\" waits for its delimiter");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\n", "abab"})
    void lineOfExactlyMaxLengthIsAcceptedWhateverTheChunking(String delimiter) {
        int max = 16;
        String text = "y".repeat(max) + delimiter;
        byte[] stream = text.getBytes(ISO_8859_1);
        for (int[] cut : Chunking.everyWay(stream.length, 7)) {
            Recorder recorder = connected(delimiter, max, false);
            Chunking.feed(recorder, stream, cut, true);
            assertEquals(List.of("y".repeat(max)), recorder.lines, () -> "cut " + Chunking.describe(cut));
            assertNull(((StringTransport) recorder.transport()).closeReason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\n", "abab"})
    void lineOneByteLongerThanMaxClosesWithLimitReasonWhateverTheChunking(String delimiter) {
        int max = 16;
        String text = "y".repeat(max + 1) + delimiter + "after" + delimiter;
        byte[] stream = text.getBytes(ISO_8859_1);
        for (int[] cut : Chunking.everyWay(stream.length, 8)) {
            Recorder recorder = connected(delimiter, max, false);
            Chunking.feed(recorder, stream, cut, false);
            assertEquals(List.of(), recorder.lines, () -> "cut " + Chunking.describe(cut));
            assertEquals(1, recorder.exceeded.size());
            Reason reason = ((StringTransport) recorder.transport()).closeReason();
            assertEquals(Reason.Kind.LIMIT_EXCEEDED, reason.kind());
            assertTrue(reason.message().contains("limit of 16 bytes"), reason.message());
            assertTrue(recorder.maxBuffered <= max + delimiter.length() - 1, "buffered " + recorder.maxBuffered);
        }
    }

    @Test
    void unfinishedLineLongerThanLimitClosesBeforeItsDelimiterArrives() {
        Recorder recorder = connected("\r\n", 10, false);
        // 11 bytes may still be a 10-byte line and the '\r' of its delimiter...
        recorder.dataReceived(ByteBuffer.wrap("0123456789\r".getBytes(ISO_8859_1)));
        assertNull(((StringTransport) recorder.transport()).closeReason());
        // ...but 12 bytes without a delimiter cannot.
        Recorder longer = connected("\r\n", 10, false);
        longer.dataReceived(ByteBuffer.wrap("0123456789ab".getBytes(ISO_8859_1)));
        assertEquals(List.of(11), longer.exceeded);
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, ((StringTransport) longer.transport()).closeReason().kind());
        assertTrue(longer.bufferedBytes() <= 1);
    }

    @Test
    void overrideThatKeepsTheConnectionSkipsTheLongLineAndGoesOn() {
        String text = "short\r\n" + "z".repeat(50) + "\r\nnext\r\n" + "w".repeat(30) + "\r" + "\nlast\r\n";
        byte[] stream = text.getBytes(ISO_8859_1);
        for (int[] cut : Chunking.everyWay(stream.length, 9)) {
            Recorder recorder = connected("\r\n", 10, true);
            Chunking.feed(recorder, stream, cut, false);
            assertEquals(List.of("short", "next", "last"), recorder.lines, () -> "cut " + Chunking.describe(cut));
            assertEquals(2, recorder.exceeded.size());
            assertTrue(recorder.maxBuffered <= 11, "buffered " + recorder.maxBuffered);
            assertTrue(recorder.transport().isConnected());
        }
    }

    @Test
    void aLongLineIsDroppedUpToItsDelimiterNotItsTailDeliveredAsALine() {
        // Twisted would drop what was buffered and then deliver "tail" as a line.
        Recorder recorder = connected("\r\n", 10, true);
        recorder.dataReceived(ByteBuffer.wrap("x".repeat(40).getBytes(ISO_8859_1)));
        recorder.dataReceived(ByteBuffer.wrap("tail\r\nnext\r\n".getBytes(ISO_8859_1)));
        assertEquals(List.of("next"), recorder.lines);
        assertEquals(List.of(39), recorder.exceeded);
    }

    @Test
    void clearLineBufferFromLineLengthExceededDropsWhatFollowsTheLongLine() {
        List<String> cleared = new ArrayList<>();
        Recorder recorder = new Recorder("\n", 4, true) {
            @Override
            public void lineLengthExceeded(int length) {
                super.lineLengthExceeded(length);
                cleared.add(new String(clearLineBuffer(), ISO_8859_1));
            }
        };
        new StringTransport().connect(recorder);
        recorder.dataReceived(ByteBuffer.wrap("ok\ntoo long\nlost\n".getBytes(ISO_8859_1)));
        recorder.dataReceived(ByteBuffer.wrap("way too lo".getBytes(ISO_8859_1)));
        recorder.dataReceived(ByteBuffer.wrap("ng\nkept\n".getBytes(ISO_8859_1)));
        assertEquals(List.of("ok", "kept"), recorder.lines);
        assertEquals(List.of(8, 10), recorder.exceeded);
        // The second line is still being skipped after its hook: its tail "ng" is not a line.
        assertEquals(List.of("lost\n", ""), cleared);
    }

    @Test
    void clearLineBufferTakesLinesHeldWhilePausedAndNothingFromRawDataReceived() {
        Recorder recorder = connected("\r\n", 100, false);
        recorder.pauseProducing();
        recorder.dataReceived(ByteBuffer.wrap("held\r\nlines\r\npart".getBytes(ISO_8859_1)));
        assertEquals("held\r\nlines\r\npart", new String(recorder.clearLineBuffer(), ISO_8859_1));
        recorder.resumeProducing();
        recorder.dataReceived(ByteBuffer.wrap("fresh\r\n".getBytes(ISO_8859_1)));
        assertEquals(List.of("fresh"), recorder.lines);

        List<String> fromRaw = new ArrayList<>();
        Recorder raw = new Recorder("\r\n", 100, false) {
            @Override
            public void lineReceived(ByteBuffer line) {
                super.lineReceived(line);
                setRawMode();
            }

            @Override
            public void rawDataReceived(ByteBuffer data) {
                fromRaw.add(clearLineBuffer().length + " cleared of " + data.remaining());
            }
        };
        new StringTransport().connect(raw);
        raw.dataReceived(ByteBuffer.wrap("head\r\nbody".getBytes(ISO_8859_1)));
        assertEquals(List.of("0 cleared of 4"), fromRaw);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomGarbageNeverThrowsAndNeverBuffersMoreThanTheLimit(long seed) {
        Random random = new Random(seed);
        byte[] garbage = new byte[200_000];
        for (int i = 0; i < garbage.length; i++) {
            int pick = random.nextInt(100);
            // Mostly noise, with enough delimiter bytes to make lines of every length.
            garbage[i] = pick < 2 ? (byte) '\r' : pick < 4 ? (byte) '\n' : (byte) random.nextInt(256);
        }
        String text = new String(garbage, ISO_8859_1);
        int max = 64;
        for (String delimiter : new String[] {"\r\n", "\n"}) {
            Recorder keeping = connected(delimiter, max, true);
            Chunking.feed(keeping, garbage, Chunking.randomCut(garbage.length, random, 4096), true);
            assertTrue(keeping.maxBuffered <= max + delimiter.length() - 1, "buffered " + keeping.maxBuffered);
            assertEquals(referenceLines(text, delimiter, max), keeping.lines);

            Recorder closing = connected(delimiter, max, false);
            Chunking.feed(closing, garbage, Chunking.randomCut(garbage.length, random, 4096), false);
            assertTrue(closing.maxBuffered <= max + delimiter.length() - 1, "buffered " + closing.maxBuffered);
        }
        // One huge read with no delimiter at all: nothing of it is kept.
        Recorder recorder = connected("\r\n", max, true);
        byte[] noDelimiter = new byte[100_000];
        java.util.Arrays.fill(noDelimiter, (byte) 'q');
        recorder.dataReceived(ByteBuffer.wrap(noDelimiter));
        assertTrue(recorder.bufferedBytes() <= 1);
    }

    @Test
    void delimiterSearchFindsTheFirstMatchAtEveryOffsetInEitherByteOrder() {
        Random random = new Random(17);
        for (String delimiter : new String[] {"\n", "\r\n", "\u0080\u0081", "\u00ff"}) {
            byte[] delim = delimiter.getBytes(ISO_8859_1);
            for (int round = 0; round < 2000; round++) {
                byte[] bytes = new byte[1 + random.nextInt(40)];
                for (int i = 0; i < bytes.length; i++) {
                    // Neighbours of the delimiter's bytes, where a sloppy zero-byte test misfires.
                    int pick = random.nextInt(6);
                    bytes[i] = pick == 0 ? delim[0] : pick == 1 ? delim[delim.length - 1]
                            : pick == 2 ? (byte) (delim[0] + 1) : pick == 3 ? 0 : (byte) random.nextInt(256);
                }
                String text = new String(bytes, ISO_8859_1);
                int from = random.nextInt(bytes.length);
                int expected = text.indexOf(delimiter, from);
                for (java.nio.ByteOrder order : new java.nio.ByteOrder[] {java.nio.ByteOrder.BIG_ENDIAN, java.nio.ByteOrder.LITTLE_ENDIAN}) {
                    for (boolean direct : new boolean[] {false, true}) {
                        ByteBuffer buffer = (direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length)).order(order);
                        buffer.put(bytes).flip();
                        assertEquals(expected, ByteLineReceiver.indexOf(buffer, from, delim),
                                () -> "in " + java.util.Arrays.toString(bytes) + " from " + from + " " + order);
                    }
                }
            }
        }
    }

    @Test
    void noLineIsDeliveredAfterLoseConnection() {
        Recorder recorder = connected("\r\n", 100, false);
        recorder.dataReceived(ByteBuffer.wrap("a\r\nQUIT\r\nb\r\nc".getBytes(ISO_8859_1)));
        assertEquals(List.of("a", "QUIT"), recorder.lines);
        recorder.dataReceived(ByteBuffer.wrap("\r\nd\r\n".getBytes(ISO_8859_1)));
        assertEquals(List.of("a", "QUIT"), recorder.lines);
        assertEquals(Reason.closedByUs(), ((StringTransport) recorder.transport()).closeReason());
    }

    /**
     * Headers as lines up to an empty line; "length: n" makes the next n bytes a raw body, after
     * which lines resume. What the raw handler does not use goes back with setLineMode(extra).
     */
    static final class HeadersAndBody extends ByteLineReceiver {
        final List<String> events = new ArrayList<>();
        int bodyLength;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void lineReceived(ByteBuffer line) {
            String text = latin1(line);
            events.add("line:" + text);
            if (text.startsWith("length: ")) {
                bodyLength = Integer.parseInt(text.substring(8));
            } else if (text.isEmpty() && bodyLength > 0) {
                setRawMode();
            }
        }

        @Override
        public void rawDataReceived(ByteBuffer data) {
            int n = Math.min(bodyLength - body.size(), data.remaining());
            byte[] chunk = new byte[n];
            data.get(chunk);
            body.write(chunk, 0, n);
            if (body.size() == bodyLength) {
                events.add("body:" + body.toString(ISO_8859_1));
                body.reset();
                bodyLength = 0;
                setLineMode(data);
            }
        }
    }

    @Test
    void rawModeAndLineModeHandOverTheirLeftoversWhateverTheChunking() {
        String text = "GET\r\nlength: 12\r\n\r\nbody\r\nbytes!after\r\nlength: 3\r\n\r\nxyzend\r\n";
        byte[] stream = text.getBytes(ISO_8859_1);
        List<String> expected = List.of("line:GET", "line:length: 12", "line:", "body:body\r\nbytes!",
                "line:after", "line:length: 3", "line:", "body:xyz", "line:end");
        for (boolean direct : new boolean[] {false, true}) {
            for (int[] cut : Chunking.everyWay(stream.length, 3)) {
                HeadersAndBody protocol = new HeadersAndBody();
                new StringTransport().connect(protocol);
                Chunking.feed(protocol, stream, cut, direct);
                assertEquals(expected, protocol.events, () -> "cut " + Chunking.describe(cut));
                assertFalse(protocol.isRawMode());
            }
        }
    }

    @Test
    void setLineModeOutsideDataReceivedParsesTheExtraBytesAtOnce() {
        Recorder recorder = connected("\r\n", 100, false);
        recorder.setRawMode();
        recorder.setLineMode(ByteBuffer.wrap("one\r\ntwo\r\nthr".getBytes(ISO_8859_1)));
        assertEquals(List.of("one", "two"), recorder.lines);
        recorder.dataReceived(ByteBuffer.wrap("ee\r\n".getBytes(ISO_8859_1)));
        assertEquals(List.of("one", "two", "three"), recorder.lines);
    }

    @Test
    void setLineModeWithBytesFromLineReceivedIsRefused() {
        ByteLineReceiver protocol = new ByteLineReceiver() {
            @Override
            public void lineReceived(ByteBuffer line) {
                setRawMode();
                setLineMode(ByteBuffer.wrap(new byte[] {'x'}));
            }
        };
        new StringTransport().connect(protocol);
        assertThrows(IllegalStateException.class, () -> protocol.dataReceived(ByteBuffer.wrap("a\r\n".getBytes(ISO_8859_1))));
    }

    @Test
    void rawModeWithoutRawDataReceivedFailsLoudly() {
        ByteLineReceiver protocol = new ByteLineReceiver() {
            @Override
            public void lineReceived(ByteBuffer line) {
                setRawMode();
            }
        };
        new StringTransport().connect(protocol);
        assertThrows(UnsupportedOperationException.class,
                () -> protocol.dataReceived(ByteBuffer.wrap("a\r\nraw".getBytes(ISO_8859_1))));
    }

    @Test
    void sendLineWritesTheLineThenTheDelimiter() {
        Recorder recorder = connected("\n", 100, false);
        recorder.sendLine("one".getBytes(ISO_8859_1));
        ByteBuffer two = ByteBuffer.wrap("xtwo".getBytes(ISO_8859_1));
        two.position(1);
        recorder.sendLine(two);
        assertEquals("one\ntwo\n", ((StringTransport) recorder.transport()).value(ISO_8859_1));
        assertFalse(two.hasRemaining());
    }

    @Test
    void settingsAreCheckedAndCopied() {
        Recorder recorder = new Recorder("\r\n", 10, false);
        assertThrows(IllegalArgumentException.class, () -> recorder.setDelimiter(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> recorder.setMaxLength(0));
        byte[] delimiter = recorder.getDelimiter();
        delimiter[0] = 'X';
        assertArrayEquals(new byte[] {'\r', '\n'}, recorder.getDelimiter());
        assertEquals(ByteLineReceiver.DEFAULT_MAX_LENGTH, new Recorder("\n", 16_384, false).getMaxLength());
    }

    /** A quadratic parser (rescanning its buffer at every read) would need hours for this. */
    @Test
    @Timeout(30)
    void aLongLineReadOneByteAtATimeIsParsedInLinearTime() {
        int length = 4 << 20;
        Recorder recorder = connected("\r\n", length, false);
        ByteBuffer oneByte = ByteBuffer.allocate(1);
        for (int i = 0; i < length; i++) {
            oneByte.clear();
            oneByte.put(0, (byte) 'k');
            recorder.dataReceived(oneByte);
        }
        for (byte b : new byte[] {'\r', '\n'}) {
            oneByte.clear();
            oneByte.put(0, b);
            recorder.dataReceived(oneByte);
        }
        assertEquals(1, recorder.lines.size());
        assertEquals(length, recorder.lines.get(0).length());
    }

    @Test
    void pausedDeliversNoLineNorRawDataUntilResumedAndThenGoesOnWhereItStopped() {
        List<String> events = new ArrayList<>();
        ByteLineReceiver protocol = new ByteLineReceiver() {
            @Override
            public void lineReceived(ByteBuffer line) {
                String text = latin1(line);
                events.add(text);
                if (text.equals("pause")) {
                    pauseProducing();
                } else if (text.equals("raw")) {
                    setRawMode();
                }
            }

            @Override
            public void rawDataReceived(ByteBuffer data) {
                events.add("raw:" + latin1(data));
                data.position(data.limit());
            }
        };
        new StringTransport().connect(protocol);
        StringTransport transport = (StringTransport) protocol.transport();
        protocol.dataReceived(ByteBuffer.wrap("a\r\npause\r\nb\r\npause\r\nraw\r\nbytes".getBytes(ISO_8859_1)));
        assertEquals(List.of("a", "pause"), events);
        assertTrue(transport.isReadingPaused());
        protocol.resumeProducing();
        assertEquals(List.of("a", "pause", "b", "pause"), events);
        assertTrue(transport.isReadingPaused(), "paused again by a buffered line");
        protocol.resumeProducing();
        assertEquals(List.of("a", "pause", "b", "pause", "raw", "raw:bytes"), events);
        assertFalse(transport.isReadingPaused());
    }

}
