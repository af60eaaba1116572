package io.twine.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StringTransportTest {

    static final class Events extends Protocol {
        final List<String> events = new ArrayList<>();

        @Override
        public void connectionMade() {
            events.add("made");
        }

        @Override
        public void connectionLost(Reason reason) {
            events.add("lost:" + reason.kind());
        }
    }

    static final Producer NOTHING = new Producer() {
        @Override public void resumeProducing() {}
        @Override public void pauseProducing() {}
        @Override public void stopProducing() {}
    };

    @Test
    void recordsEveryKindOfWriteAsCopiedBytes() {
        StringTransport transport = new StringTransport();
        byte[] reused = "abc".getBytes(UTF_8);
        transport.write(reused);
        reused[0] = 'X';
        transport.write("-def-".getBytes(UTF_8), 1, 3);
        ByteBuffer buffer = ByteBuffer.wrap("ghi".getBytes(UTF_8));
        transport.write(buffer);
        assertFalse(buffer.hasRemaining());
        transport.writeSequence(ByteBuffer.wrap("j".getBytes(UTF_8)), ByteBuffer.allocateDirect(1).put(0, (byte) 'k'));
        assertEquals("abcdefghijk", transport.valueAsString());
        assertArrayEquals("abcdefghijk".getBytes(UTF_8), transport.value());
        assertEquals(11, transport.writtenLength());
        transport.clear();
        assertEquals("", transport.valueAsString());
        transport.write(new byte[100_000]);
        assertEquals(100_000, transport.value().length);
    }

    @Test
    void loseConnectionIsRecordedAndLaterWritesAreIgnored() {
        StringTransport transport = new StringTransport();
        assertTrue(transport.isConnected());
        transport.write("before".getBytes(UTF_8));
        transport.loseConnection();
        transport.write("after".getBytes(UTF_8));
        assertTrue(transport.loseConnectionCalled());
        assertFalse(transport.abortConnectionCalled());
        assertFalse(transport.isConnected());
        assertEquals("before", transport.valueAsString());
        assertSame(Reason.closedByUs(), transport.closeReason());
    }

    @Test
    void theFirstCloseDecidesTheReason() {
        StringTransport transport = new StringTransport();
        transport.loseConnection(Reason.limitExceeded("line too long"));
        transport.abortConnection();
        assertTrue(transport.abortConnectionCalled());
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, transport.closeReason().kind());

        StringTransport aborted = new StringTransport();
        aborted.abortConnection(Reason.timedOut("idle"));
        assertEquals(Reason.Kind.TIMED_OUT, aborted.closeReason().kind());
        assertFalse(aborted.loseConnectionCalled());
    }

    @Test
    void finishCallsConnectionLostOnceWithTheRecordedReason() {
        Events protocol = new Events();
        StringTransport transport = new StringTransport().connect(protocol);
        assertSame(transport, protocol.transport());
        transport.abortConnection();
        assertEquals(Reason.Kind.ABORTED, transport.finish(Reason.closedByPeer()).kind());
        transport.finish(Reason.closedByPeer());
        assertEquals(List.of("made", "lost:ABORTED"), protocol.events);

        Events other = new Events();
        StringTransport peerClosed = new StringTransport().connect(other);
        assertEquals(Reason.Kind.CLOSED_BY_PEER, peerClosed.finish(Reason.closedByPeer()).kind());
        assertFalse(peerClosed.isConnected());
        assertEquals(List.of("made", "lost:CLOSED_BY_PEER"), other.events);
        assertThrows(IllegalStateException.class, () -> new StringTransport().finish(Reason.closedByPeer()));
    }

    @Test
    void recordsProducerAndReadingState() {
        StringTransport transport = new StringTransport();
        transport.registerProducer(NOTHING, true);
        assertSame(NOTHING, transport.producer());
        assertTrue(transport.isStreamingProducer());
        assertThrows(IllegalStateException.class, () -> transport.registerProducer(NOTHING, false));
        transport.unregisterProducer();
        assertNull(transport.producer());
        transport.pauseProducing();
        assertTrue(transport.isReadingPaused());
        transport.resumeProducing();
        assertFalse(transport.isReadingPaused());
        transport.stopProducing();
        assertTrue(transport.isProducingStopped());
        assertTrue(transport.loseConnectionCalled());
    }

    @Test
    void recordsLimitsAndHalfClose() {
        StringTransport transport = new StringTransport();
        transport.setWriteBufferLimits(100, 10);
        transport.setMaxWriteBufferSize(1000);
        assertEquals(100, transport.highWaterMark());
        assertEquals(10, transport.lowWaterMark());
        assertEquals(1000, transport.maxWriteBufferSize());
        assertEquals(0, transport.getWriteBufferSize());
        assertThrows(IllegalArgumentException.class, () -> transport.setWriteBufferLimits(1, 2));
        assertThrows(IllegalArgumentException.class, () -> transport.setMaxWriteBufferSize(0));
        transport.loseWriteConnection();
        transport.write(new byte[] {1});
        assertTrue(transport.loseWriteConnectionCalled());
        assertEquals(0, transport.writtenLength());
    }

    @Test
    void reportsTheAddressesItWasGiven() {
        StringTransport defaults = new StringTransport();
        assertEquals(new InetSocketAddress("10.0.0.1", 12345), defaults.getHost());
        assertEquals(new InetSocketAddress("192.168.1.1", 54321), defaults.getPeer());
        InetSocketAddress host = new InetSocketAddress("127.0.0.1", 1);
        InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 2);
        StringTransport custom = new StringTransport(host, peer);
        assertSame(host, custom.getHost());
        assertSame(peer, custom.getPeer());
    }

    @Test
    void aPeerThatReadsPartOfTheQueueResumesTheProducerOnlyAtTheLowWaterMark() {
        StringTransport transport = new StringTransport();
        List<String> calls = new ArrayList<>();
        Producer producer = new Producer() {
            @Override
            public void resumeProducing() {
                calls.add("resume");
            }

            @Override
            public void pauseProducing() {
                calls.add("pause");
            }

            @Override
            public void stopProducing() {
                calls.add("stop");
            }
        };
        transport.setWriteBufferLimits(50, 10);
        transport.registerProducer(producer, true);
        transport.peerStopsReading();
        transport.write(new byte[100]);
        assertEquals(100, transport.getWriteBufferSize());
        assertEquals(List.of("pause"), calls);
        transport.peerReads(80);
        assertEquals(20, transport.getWriteBufferSize());
        assertEquals(List.of("pause"), calls, "20 bytes left, above the low-water mark");
        transport.peerReads(10);
        assertEquals(List.of("pause", "resume"), calls);
        transport.write(new byte[5]);
        assertEquals(15, transport.getWriteBufferSize(), "the peer still does not read");
        transport.peerReadsAgain();
        transport.write(new byte[500]);
        assertEquals(0, transport.getWriteBufferSize());
        assertEquals(605, transport.writtenLength(), "value() holds every byte, taken or not");
        assertThrows(IllegalArgumentException.class, () -> transport.peerReads(-1));
    }
}
