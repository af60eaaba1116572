package io.twine.protocol.basic;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Reason;
import io.twine.testing.StringTransport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameReceiverTest {

    /**
     * A made-up format that mixes two kinds of frame, as RESP or HTTP do: {@code +text\n} (a
     * line) or {@code $n\n} followed by n raw bytes. Stateless: each call looks at what is there.
     */
    static class Mixed extends FrameReceiver {
        final List<String> frames = new ArrayList<>();
        /** Pause after each frame whose text is this, as a reply that fills the outbound buffer would. */
        String pauseAfter;

        @Override
        protected void decodeFrame(ByteBuffer in) {
            int start = in.position();
            int newline = ByteLineReceiver.indexOf(in, start, new byte[] {'\n'});
            if (newline < 0) {
                return;
            }
            String head = text(in, start, newline);
            if (head.startsWith("+")) {
                in.position(newline + 1);
                frame(head.substring(1));
                return;
            }
            int length = Integer.parseInt(head.substring(1));
            if (in.limit() - (newline + 1) < length) {
                return;
            }
            in.position(newline + 1 + length);
            frame(text(in, newline + 1, newline + 1 + length));
        }

        private void frame(String text) {
            frames.add(text);
            if (text.equals(pauseAfter)) {
                pauseProducing();
            }
        }

        private static String text(ByteBuffer in, int from, int to) {
            byte[] bytes = new byte[to - from];
            in.get(from, bytes);
            return new String(bytes, ISO_8859_1);
        }
    }

    private static Mixed connected() {
        Mixed protocol = new Mixed();
        new StringTransport().connect(protocol);
        return protocol;
    }

    @Test
    void everyChunkingDeliversTheSameFrames() {
        byte[] stream = "+one\n$5\nab\ncd+two\n$0\n+three\n".getBytes(ISO_8859_1);
        for (boolean direct : new boolean[] {false, true}) {
            for (int[] cut : Chunking.everyWay(stream.length, 11)) {
                Mixed protocol = connected();
                Chunking.feed(protocol, stream, cut, direct);
                assertEquals(List.of("one", "ab\ncd", "two", "", "three"), protocol.frames, () -> Chunking.describe(cut));
                assertEquals(0, protocol.bufferedBytes());
            }
        }
    }

    @Test
    void pausedDeliversNothingNotEvenBufferedFramesAndResumesWhereItStopped() {
        Mixed protocol = connected();
        StringTransport transport = (StringTransport) protocol.transport();
        protocol.pauseAfter = "b";
        protocol.dataReceived(ByteBuffer.wrap("+a\n+b\n+c\n$1\nd+e".getBytes(ISO_8859_1)));
        assertEquals(List.of("a", "b"), protocol.frames);
        assertTrue(protocol.isPaused());
        assertTrue(transport.isReadingPaused(), "a paused receiver stops the transport reading");
        assertEquals("+c\n$1\nd+e".length(), protocol.bufferedBytes());

        // A transport that reads anyway: the bytes are kept, nothing is delivered.
        protocol.dataReceived(ByteBuffer.wrap("\n+f\n".getBytes(ISO_8859_1)));
        assertEquals(List.of("a", "b"), protocol.frames);

        protocol.pauseAfter = "d";
        protocol.resumeProducing();
        assertEquals(List.of("a", "b", "c", "d"), protocol.frames);
        assertTrue(transport.isReadingPaused(), "paused again by a buffered frame: reading stays off");

        protocol.resumeProducing();
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), protocol.frames);
        assertFalse(protocol.isPaused());
        assertFalse(transport.isReadingPaused());
        assertEquals(0, protocol.bufferedBytes());
    }

    @Test
    void aFrameLongerThanTheLimitClosesWithALimitReasonAndIsDropped() {
        Mixed protocol = connected();
        protocol.setMaxFrameLength(8);
        protocol.dataReceived(ByteBuffer.wrap("+12345".getBytes(ISO_8859_1)));
        assertTrue(((StringTransport) protocol.transport()).isConnected(), "8 bytes may still make a frame");
        protocol.dataReceived(ByteBuffer.wrap("678".getBytes(ISO_8859_1)));
        Reason reason = ((StringTransport) protocol.transport()).closeReason();
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, reason.kind());
        assertTrue(reason.message().contains("9 bytes") && reason.message().contains("limit of 8 bytes"), reason.message());
        assertEquals(0, protocol.bufferedBytes());
        assertEquals(List.of(), protocol.frames);
        assertThrows(IllegalArgumentException.class, () -> protocol.setMaxFrameLength(0));
    }

    @Test
    void anOverrideThatKeepsTheConnectionDropsWhatIsHeldAndDecodesTheNextRead() {
        List<Integer> exceeded = new ArrayList<>();
        Mixed protocol = new Mixed() {
            @Override
            protected void frameLengthExceeded(int buffered) {
                exceeded.add(buffered);
            }
        };
        new StringTransport().connect(protocol);
        protocol.setMaxFrameLength(8);
        protocol.dataReceived(ByteBuffer.wrap("+ok\n+123456789".getBytes(ISO_8859_1)));
        assertEquals(List.of(10), exceeded);
        assertEquals(0, protocol.bufferedBytes(), "nothing of the long frame is held");
        assertTrue(protocol.transport().isConnected());
        // The decode step starts afresh at the next read: here, at a frame of its own.
        protocol.dataReceived(ByteBuffer.wrap("+next\n".getBytes(ISO_8859_1)));
        assertEquals(List.of("ok", "next"), protocol.frames);
    }

    @Test
    void nothingIsDeliveredOnceTheTransportIsClosing() {
        Mixed protocol = new Mixed() {
            @Override
            protected void decodeFrame(ByteBuffer in) {
                super.decodeFrame(in);
                if (frames.contains("quit")) {
                    transport.loseConnection();
                }
            }
        };
        new StringTransport().connect(protocol);
        protocol.dataReceived(ByteBuffer.wrap("+a\n+quit\n+b\n+c".getBytes(ISO_8859_1)));
        protocol.dataReceived(ByteBuffer.wrap("\n".getBytes(ISO_8859_1)));
        assertEquals(List.of("a", "quit"), protocol.frames);
        assertEquals(0, protocol.bufferedBytes());
    }

    @Test
    void stopProducingDropsWhatIsHeldAndStopsTheTransport() {
        Mixed protocol = connected();
        protocol.pauseAfter = "a";
        protocol.dataReceived(ByteBuffer.wrap("+a\n+b\n".getBytes(ISO_8859_1)));
        protocol.stopProducing();
        assertEquals(0, protocol.bufferedBytes());
        assertTrue(((StringTransport) protocol.transport()).isProducingStopped());
        assertEquals(List.of("a"), protocol.frames);
    }

    @Test
    void dataReceivedFromInsideDecodeIsRefused() {
        FrameReceiver protocol = new FrameReceiver() {
            @Override
            protected void decodeFrame(ByteBuffer in) {
                dataReceived(ByteBuffer.allocate(1));
            }
        };
        new StringTransport().connect(protocol);
        assertThrows(IllegalStateException.class, () -> protocol.dataReceived(ByteBuffer.allocate(1)));
    }
}
