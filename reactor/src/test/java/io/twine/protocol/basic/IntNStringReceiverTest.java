package io.twine.protocol.basic;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
class IntNStringReceiverTest {

    /** Records messages as Latin-1 strings; optionally keeps the connection open past the limit. */
    static final class Recorder {
        final List<String> messages = new ArrayList<>();
        final List<Long> exceeded = new ArrayList<>();
        int maxBuffered;
        final IntNStringReceiver protocol;

        Recorder(int prefixLength, boolean keepOpen) {
            IntNStringReceiver p;
            switch (prefixLength) {
                case 1:
                    p = new Int8StringReceiver() {
                        @Override public void stringReceived(ByteBuffer m) { record(m); }
                        @Override public void lengthLimitExceeded(long n) { exceeded(this, n, keepOpen); }
                        @Override public void dataReceived(ByteBuffer d) { super.dataReceived(d); track(this); }
                    };
                    break;
                case 2:
                    p = new Int16StringReceiver() {
                        @Override public void stringReceived(ByteBuffer m) { record(m); }
                        @Override public void lengthLimitExceeded(long n) { exceeded(this, n, keepOpen); }
                        @Override public void dataReceived(ByteBuffer d) { super.dataReceived(d); track(this); }
                    };
                    break;
                default:
                    p = new Int32StringReceiver() {
                        @Override public void stringReceived(ByteBuffer m) { record(m); }
                        @Override public void lengthLimitExceeded(long n) { exceeded(this, n, keepOpen); }
                        @Override public void dataReceived(ByteBuffer d) { super.dataReceived(d); track(this); }
                    };
                    break;
            }
            protocol = p;
            new StringTransport().connect(protocol);
        }

        private void record(ByteBuffer message) {
            String text = ByteLineReceiverTest.latin1(message);
            messages.add(text);
            if (text.equals("QUIT")) {
                protocol.transport().loseConnection();
            }
        }

        private void exceeded(IntNStringReceiver self, long length, boolean keepOpen) {
            exceeded.add(length);
            if (!keepOpen) {
                self.transport().loseConnection(Reason.limitExceeded("message of " + length + " bytes"));
            }
        }

        private void track(IntNStringReceiver self) {
            maxBuffered = Math.max(maxBuffered, self.bufferedBytes());
        }

        StringTransport transport() {
            return (StringTransport) protocol.transport();
        }
    }

    static byte[] frame(int prefixLength, String... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String message : messages) {
            byte[] bytes = message.getBytes(ISO_8859_1);
            for (int i = prefixLength - 1; i >= 0; i--) {
                out.write(bytes.length >>> (8 * i));
            }
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void everyChunkingDeliversTheSameMessages(int prefixLength) {
        List<String> expected = List.of("hello", "", "a\r\nb", "x".repeat(40), "", "last");
        byte[] stream = frame(prefixLength, expected.toArray(new String[0]));
        for (boolean direct : new boolean[] {false, true}) {
            for (int[] cut : Chunking.everyWay(stream.length, prefixLength)) {
                Recorder recorder = new Recorder(prefixLength, false);
                recorder.protocol.setMaxLength(40);
                Chunking.feed(recorder.protocol, stream, cut, direct);
                assertEquals(expected, recorder.messages, () -> "cut " + Chunking.describe(cut));
                assertEquals(0, recorder.protocol.bufferedBytes());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void messageOfExactlyMaxLengthIsAcceptedAndOneByteMoreClosesWithLimitReason(int prefixLength) {
        int max = 20;
        byte[] exact = frame(prefixLength, "m".repeat(max));
        byte[] over = frame(prefixLength, "m".repeat(max + 1), "after");
        for (int[] cut : Chunking.everyWay(exact.length, 5)) {
            Recorder recorder = new Recorder(prefixLength, false);
            recorder.protocol.setMaxLength(max);
            Chunking.feed(recorder.protocol, exact, cut, false);
            assertEquals(List.of("m".repeat(max)), recorder.messages);
            assertNull(recorder.transport().closeReason());
        }
        for (int[] cut : Chunking.everyWay(over.length, 6)) {
            Recorder recorder = new Recorder(prefixLength, false);
            recorder.protocol.setMaxLength(max);
            Chunking.feed(recorder.protocol, over, cut, false);
            assertEquals(List.of(), recorder.messages);
            assertEquals(List.of((long) max + 1), recorder.exceeded);
            assertEquals(Reason.Kind.LIMIT_EXCEEDED, recorder.transport().closeReason().kind());
            assertTrue(recorder.maxBuffered <= prefixLength, "nothing of a refused message is buffered");
        }
    }

    @Test
    void defaultLimitClosesWithAReasonNamingBothLengths() {
        Int32StringReceiver protocol = new Int32StringReceiver() {
            @Override
            public void stringReceived(ByteBuffer message) {}
        };
        StringTransport transport = new StringTransport().connect(protocol);
        assertEquals(99_999, protocol.getMaxLength());
        protocol.dataReceived(ByteBuffer.wrap(new byte[] {0, 1, (byte) 0x86, (byte) 0xA0}));  // 100,000
        Reason reason = transport.closeReason();
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, reason.kind());
        assertEquals("message of 100000 bytes is longer than the limit of 99999 bytes", reason.message());
    }

    @Test
    void defaultMaximumIsWhatThePrefixCanExpressAtMost() {
        assertEquals(255, new Recorder(1, false).protocol.getMaxLength());
        assertEquals(65_535, new Recorder(2, false).protocol.getMaxLength());
        assertEquals(99_999, new Recorder(4, false).protocol.getMaxLength());
        assertThrows(IllegalArgumentException.class, () -> new Recorder(1, false).protocol.setMaxLength(256));
        assertThrows(IllegalArgumentException.class, () -> new Recorder(2, false).protocol.setMaxLength(65_536));
        assertThrows(IllegalArgumentException.class, () -> new Recorder(4, false).protocol.setMaxLength(-1));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void overrideThatKeepsTheConnectionSkipsTheLongMessageAndGoesOn(int prefixLength) {
        byte[] stream = frame(prefixLength, "ok", "y".repeat(prefixLength == 1 ? 200 : 300), "next");
        for (int[] cut : Chunking.everyWay(stream.length, 12)) {
            Recorder recorder = new Recorder(prefixLength, true);
            recorder.protocol.setMaxLength(10);
            Chunking.feed(recorder.protocol, stream, cut, true);
            assertEquals(List.of("ok", "next"), recorder.messages, () -> "cut " + Chunking.describe(cut));
            assertEquals(List.of(prefixLength == 1 ? 200L : 300L), recorder.exceeded, "once per refused message");
            assertTrue(recorder.maxBuffered <= 10 + prefixLength);
            assertTrue(recorder.transport().isConnected());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void randomGarbageNeverThrowsAndNeverBuffersMoreThanTheLimit(int prefixLength) {
        Random random = new Random(prefixLength);
        byte[] garbage = new byte[300_000];
        random.nextBytes(garbage);
        int max = 200;
        for (boolean keepOpen : new boolean[] {true, false}) {
            Recorder recorder = new Recorder(prefixLength, keepOpen);
            recorder.protocol.setMaxLength(max);
            Chunking.feed(recorder.protocol, garbage, Chunking.randomCut(garbage.length, random, 3000), keepOpen);
            assertTrue(recorder.maxBuffered <= max + prefixLength, "buffered " + recorder.maxBuffered);
            for (String message : recorder.messages) {
                assertTrue(message.length() <= max);
            }
        }
    }

    @Test
    void noMessageIsDeliveredAfterLoseConnection() {
        Recorder recorder = new Recorder(4, false);
        recorder.protocol.dataReceived(ByteBuffer.wrap(frame(4, "a", "QUIT", "b")));
        recorder.protocol.dataReceived(ByteBuffer.wrap(frame(4, "c")));
        assertEquals(List.of("a", "QUIT"), recorder.messages);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void sendStringWritesABigEndianPrefixThenTheBytes(int prefixLength) {
        Recorder recorder = new Recorder(prefixLength, false);
        recorder.protocol.sendString("hi".getBytes(ISO_8859_1));
        recorder.protocol.sendString(ByteBuffer.wrap("x".repeat(200).getBytes(ISO_8859_1)));
        recorder.protocol.sendString("abcde".getBytes(ISO_8859_1), 1, 3);
        assertArrayEquals(frame(prefixLength, "hi", "x".repeat(200), "bcd"), recorder.transport().value());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void sendStringOfATooLongMessageThrowsAndWritesNothing(int prefixLength) {
        Recorder recorder = new Recorder(prefixLength, false);
        int max = recorder.protocol.getMaxLength();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> recorder.protocol.sendString(new byte[max + 1]));
        assertTrue(error.getMessage().contains((max + 1) + " bytes"), error.getMessage());
        assertEquals(0, recorder.transport().writtenLength());
    }

    @Test
    void pausedDeliversNoMessageUntilResumed() {
        List<String> messages = new ArrayList<>();
        Int16StringReceiver protocol = new Int16StringReceiver() {
            @Override
            public void stringReceived(ByteBuffer message) {
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                messages.add(new String(bytes, ISO_8859_1));
                if (messages.size() == 1) {
                    pauseProducing();
                }
            }
        };
        new StringTransport().connect(protocol);
        protocol.dataReceived(ByteBuffer.wrap(new byte[] {0, 1, 'a', 0, 1, 'b', 0, 2, 'c'}));
        assertEquals(List.of("a"), messages);
        protocol.dataReceived(ByteBuffer.wrap(new byte[] {'d'}));
        assertEquals(List.of("a"), messages);
        assertEquals(7, protocol.bufferedBytes());
        protocol.resumeProducing();
        assertEquals(List.of("a", "b", "cd"), messages);
        assertEquals(0, protocol.bufferedBytes());
    }

}
