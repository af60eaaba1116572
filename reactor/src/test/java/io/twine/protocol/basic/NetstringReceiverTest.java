package io.twine.protocol.basic;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Reason;
import io.twine.testing.StringTransport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(60)
class NetstringReceiverTest {

    static class Recorder extends NetstringReceiver {
        final List<String> messages = new ArrayList<>();
        int maxBuffered;

        Recorder(int maxLength) {
            setMaxLength(maxLength);
            new StringTransport().connect(this);
        }

        @Override
        public void stringReceived(ByteBuffer message) {
            String text = ByteLineReceiverTest.latin1(message);
            messages.add(text);
            if (text.equals("QUIT")) {
                transport.loseConnection();
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            super.dataReceived(data);
            maxBuffered = Math.max(maxBuffered, bufferedBytes());
        }

        Reason closeReason() {
            return ((StringTransport) transport).closeReason();
        }
    }

    static byte[] netstrings(String... messages) {
        StringBuilder out = new StringBuilder();
        for (String message : messages) {
            out.append(message.length()).append(':').append(message).append(',');
        }
        return out.toString().getBytes(ISO_8859_1);
    }

    @Test
    void everyChunkingDeliversTheSameMessages() {
        List<String> expected = List.of("hello", "", "with: colon, and comma", "x".repeat(12), "0", "");
        byte[] stream = netstrings(expected.toArray(new String[0]));
        for (boolean direct : new boolean[] {false, true}) {
            for (int[] cut : Chunking.everyWay(stream.length, 21)) {
                Recorder recorder = new Recorder(30);
                Chunking.feed(recorder, stream, cut, direct);
                assertEquals(expected, recorder.messages, () -> "cut " + Chunking.describe(cut));
                assertNull(recorder.closeReason());
            }
        }
    }

    @Test
    void messageOfExactlyMaxLengthIsAcceptedAndOneByteMoreClosesWithLimitReason() {
        byte[] exact = netstrings("e".repeat(12));
        byte[] over = netstrings("e".repeat(13));
        for (int[] cut : Chunking.everyWay(exact.length, 4)) {
            Recorder recorder = new Recorder(12);
            Chunking.feed(recorder, exact, cut, false);
            assertEquals(List.of("e".repeat(12)), recorder.messages);
        }
        for (int[] cut : Chunking.everyWay(over.length, 5)) {
            Recorder recorder = new Recorder(12);
            Chunking.feed(recorder, over, cut, false);
            assertEquals(List.of(), recorder.messages);
            assertEquals(Reason.Kind.LIMIT_EXCEEDED, recorder.closeReason().kind());
            assertTrue(recorder.isBrokenPeer());
        }
    }

    @Test
    void tooLongLengthIsRefusedAsSoonAsItsDigitsPassTheLimit() {
        Recorder recorder = new Recorder(99_999);
        recorder.dataReceived(ByteBuffer.wrap("999999".getBytes(ISO_8859_1)));
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, recorder.closeReason().kind());
        assertTrue(recorder.closeReason().message().contains("999999"), recorder.closeReason().message());
        assertEquals(0, recorder.bufferedBytes());
    }

    @Test
    void overrideThatKeepsTheConnectionSkipsTheLongMessageAndGoesOn() {
        byte[] stream = netstrings("ok", "y".repeat(1234), "next");
        for (int[] cut : Chunking.everyWay(stream.length, 31)) {
            List<Long> exceeded = new ArrayList<>();
            Recorder recorder = new Recorder(10) {
                @Override
                public void lengthLimitExceeded(long length) {
                    exceeded.add(length);
                }
            };
            Chunking.feed(recorder, stream, cut, true);
            assertEquals(List.of("ok", "next"), recorder.messages, () -> "cut " + Chunking.describe(cut));
            assertEquals(List.of(12L), exceeded, "called once, as soon as the digits pass the limit");
            assertTrue(recorder.maxBuffered <= 11, "buffered " + recorder.maxBuffered);
            assertFalse(recorder.isBrokenPeer());
            assertNull(recorder.closeReason());
        }
    }

    @Test
    void aRefusedMessageKeptOpenMustStillEndWithACommaAndHaveASaneLength() {
        Recorder noComma = new Recorder(3) {
            @Override
            public void lengthLimitExceeded(long length) {}
        };
        noComma.dataReceived(ByteBuffer.wrap("5:hello;2:no,".getBytes(ISO_8859_1)));
        assertEquals("malformed netstring: expected ',' after the refused message but got ';'", noComma.closeReason().message());
        assertEquals(List.of(), noComma.messages);

        Recorder endless = new Recorder(3) {
            @Override
            public void lengthLimitExceeded(long length) {}
        };
        endless.dataReceived(ByteBuffer.wrap("9".repeat(19).getBytes(ISO_8859_1)));
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, endless.closeReason().kind());
        assertTrue(endless.isBrokenPeer());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "05:hello,|no leading zero in the length but got '5'",
        "00:,|no leading zero in the length but got '0'",
        ":,|a length before ':' but got ':'",
        "3x:abc,|a digit or ':' but got 'x'",
        "-1:a,|a digit or ':' but got '-'",
        "3:abc;|',' after the 3-byte message but got ';'",
        "3:abcd,|',' after the 3-byte message but got 'd'",
    })
    void malformedInputClosesWithAReasonSayingWhatWasWrong(String input, String expected) {
        byte[] stream = ("2:ok," + input + "2:no,").getBytes(ISO_8859_1);
        for (int[] cut : Chunking.everyWay(stream.length, 13)) {
            Recorder recorder = new Recorder(100);
            Chunking.feed(recorder, stream, cut, false);
            assertEquals(List.of("ok"), recorder.messages, () -> "cut " + Chunking.describe(cut));
            Reason reason = recorder.closeReason();
            assertEquals(Reason.Kind.ERROR, reason.kind());
            assertEquals("malformed netstring: expected " + expected, reason.message());
            assertTrue(recorder.isBrokenPeer());
        }
    }

    @Test
    void aControlByteIsNamedInHex() {
        Recorder recorder = new Recorder(100);
        recorder.dataReceived(ByteBuffer.wrap(new byte[] {'1', '\n'}));
        assertEquals("malformed netstring: expected a digit or ':' but got byte 0x0a", recorder.closeReason().message());
    }

    @Test
    void randomGarbageNeverThrowsAndNeverBuffersMoreThanTheLimit() {
        Random random = new Random(99);
        for (int round = 0; round < 200; round++) {
            byte[] garbage = new byte[2000];
            for (int i = 0; i < garbage.length; i++) {
                int pick = random.nextInt(10);
                garbage[i] = pick < 5 ? (byte) ('0' + random.nextInt(10)) : pick < 6 ? (byte) ':' : pick < 7 ? (byte) ',' : (byte) random.nextInt(256);
            }
            Recorder recorder = new Recorder(50);
            Chunking.feed(recorder, garbage, Chunking.randomCut(garbage.length, random, 100), round % 2 == 0);
            assertTrue(recorder.maxBuffered <= 50);
        }
    }

    @Test
    void noMessageIsDeliveredAfterLoseConnection() {
        Recorder recorder = new Recorder(100);
        recorder.dataReceived(ByteBuffer.wrap(netstrings("a", "QUIT", "b")));
        recorder.dataReceived(ByteBuffer.wrap(netstrings("c")));
        assertEquals(List.of("a", "QUIT"), recorder.messages);
        assertFalse(recorder.isBrokenPeer());
    }

    @Test
    void sendStringWritesLengthColonBytesComma() {
        Recorder recorder = new Recorder(100_000);
        recorder.sendString("hello".getBytes(ISO_8859_1));
        recorder.sendString(new byte[0]);
        recorder.sendString(ByteBuffer.wrap("z".repeat(12_345).getBytes(ISO_8859_1)));
        assertEquals("5:hello,0:,12345:" + "z".repeat(12_345) + ",",
                ((StringTransport) recorder.transport()).value(ISO_8859_1));
        assertThrows(IllegalArgumentException.class, () -> new Recorder(3).sendString(new byte[4]));
    }

    @Test
    void pausedDeliversNoMessageUntilResumed() {
        List<String> messages = new ArrayList<>();
        NetstringReceiver protocol = new NetstringReceiver() {
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
        protocol.dataReceived(ByteBuffer.wrap(netstrings("one", "two", "three")));
        assertEquals(List.of("one"), messages);
        assertTrue(protocol.isPaused());
        protocol.resumeProducing();
        assertEquals(List.of("one", "two", "three"), messages);
    }

}
