package io.twine.protocol.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.testing.ManualClock;
import io.twine.testing.StringTransport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdleTimeoutFactoryTest {

    private final ManualClock clock = new ManualClock();

    /** Echoes what it reads and records its life. */
    static class Echo extends Protocol {
        final List<String> events = new ArrayList<>();

        @Override
        public void connectionMade() {
            events.add("made");
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            events.add("data");
            transport.write(data);
        }

        @Override
        public void connectionLost(Reason reason) {
            events.add("lost:" + reason.kind());
        }
    }

    static final class HalfCloseableEcho extends Echo implements HalfCloseableProtocol {
        @Override
        public void readConnectionLost() {
            events.add("readLost");
        }
    }

    private Protocol connect(IdleTimeoutFactory factory, StringTransport transport) {
        Protocol protocol = factory.buildProtocol(transport.getPeer());
        transport.connect(protocol);
        return protocol;
    }

    @Test
    void idleConnectionIsAbortedWithTimedOutReason() {
        Echo echo = new Echo();
        IdleTimeoutFactory factory = new IdleTimeoutFactory(clock, Factory.forProtocol(() -> echo), Duration.ofSeconds(30));
        StringTransport transport = new StringTransport();
        connect(factory, transport);
        assertEquals(List.of("made"), echo.events);
        assertEquals(Duration.ofSeconds(30), clock.untilNextCall());
        clock.advance(Duration.ofSeconds(30));
        assertTrue(transport.abortConnectionCalled());
        assertEquals(Reason.Kind.TIMED_OUT, transport.closeReason().kind());
        transport.finish(Reason.closedByPeer());
        assertEquals(List.of("made", "lost:TIMED_OUT"), echo.events);
    }

    @Test
    void readsResetTheTimeout() {
        Echo echo = new Echo();
        IdleTimeoutFactory factory = new IdleTimeoutFactory(clock, Factory.forProtocol(() -> echo), Duration.ofSeconds(10));
        StringTransport transport = new StringTransport();
        Protocol wrapper = connect(factory, transport);
        clock.advance(Duration.ofSeconds(8));
        wrapper.dataReceived(ByteBuffer.wrap(new byte[] {'a'}));
        clock.advance(Duration.ofSeconds(8));
        assertTrue(transport.isConnected());
        assertEquals("a", transport.valueAsString());
        clock.advance(Duration.ofSeconds(2));
        assertFalse(transport.isConnected());
    }

    @Test
    void writesResetTheTimeout() {
        Echo echo = new Echo();
        IdleTimeoutFactory factory = new IdleTimeoutFactory(clock, Factory.forProtocol(() -> echo), Duration.ofSeconds(10));
        StringTransport transport = new StringTransport();
        connect(factory, transport);
        // The protocol writes through the wrapping transport; every kind of write counts.
        clock.advance(Duration.ofSeconds(9));
        echo.transport().write(new byte[] {1});
        clock.advance(Duration.ofSeconds(9));
        echo.transport().write(new byte[] {1, 2, 3}, 1, 1);
        clock.advance(Duration.ofSeconds(9));
        echo.transport().write(ByteBuffer.wrap(new byte[] {3}));
        clock.advance(Duration.ofSeconds(9));
        echo.transport().writeSequence(ByteBuffer.wrap(new byte[] {4}));
        clock.advance(Duration.ofSeconds(9));
        assertTrue(transport.isConnected());
        assertEquals(4, transport.writtenLength());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Reason.Kind.TIMED_OUT, transport.closeReason().kind());
    }

    @Test
    void connectionLostCancelsTheTimer() {
        Echo echo = new Echo();
        IdleTimeoutFactory factory = new IdleTimeoutFactory(clock, Factory.forProtocol(() -> echo), Duration.ofSeconds(10));
        StringTransport transport = new StringTransport();
        connect(factory, transport);
        echo.transport().loseConnection();
        assertTrue(transport.loseConnectionCalled());
        transport.finish(Reason.closedByPeer());
        assertEquals(0, clock.pendingCalls());
        assertEquals(List.of("made", "lost:CLOSED_BY_US"), echo.events);
    }

    @Test
    void wrappingTransportPassesEverythingOn() {
        Echo echo = new Echo();
        IdleTimeoutFactory factory = new IdleTimeoutFactory(clock, Factory.forProtocol(() -> echo), Duration.ofSeconds(10));
        StringTransport transport = new StringTransport();
        connect(factory, transport);
        assertEquals(transport.getPeer(), echo.transport().getPeer());
        assertEquals(transport.getHost(), echo.transport().getHost());
        echo.transport().pauseProducing();
        assertTrue(transport.isReadingPaused());
        echo.transport().resumeProducing();
        assertFalse(transport.isReadingPaused());
        echo.transport().registerProducer(echo.transport(), true);
        assertSame(echo.transport(), transport.producer());
        echo.transport().unregisterProducer();
        echo.transport().setWriteBufferLimits(10, 5);
        echo.transport().setMaxWriteBufferSize(99);
        assertEquals(10, transport.highWaterMark());
        assertEquals(99, transport.maxWriteBufferSize());
        echo.transport().loseWriteConnection();
        assertTrue(transport.loseWriteConnectionCalled());
        echo.transport().loseConnection(Reason.limitExceeded("x"));
        assertEquals(Reason.Kind.LIMIT_EXCEEDED, transport.closeReason().kind());
        assertFalse(echo.transport().isConnected());
    }

    @Test
    void endOfStreamReachesAHalfCloseableProtocolAndClosesAnyOther() {
        HalfCloseableEcho echo = new HalfCloseableEcho();
        IdleTimeoutFactory factory = new IdleTimeoutFactory(clock, Factory.forProtocol(() -> echo), Duration.ofSeconds(10));
        StringTransport transport = new StringTransport();
        Protocol wrapper = connect(factory, transport);
        ((HalfCloseableProtocol) wrapper).readConnectionLost();
        assertEquals(List.of("made", "readLost"), echo.events);
        assertTrue(transport.isConnected());

        StringTransport plainTransport = new StringTransport();
        Protocol plain = connect(new IdleTimeoutFactory(clock, Factory.forProtocol(Echo::new), Duration.ofSeconds(1)),
                plainTransport);
        ((HalfCloseableProtocol) plain).readConnectionLost();
        assertTrue(plainTransport.abortConnectionCalled());
        assertEquals(Reason.Kind.CLOSED_BY_PEER, plainTransport.closeReason().kind());
    }

    @Test
    void refusalStartStopAndClientCallbacksReachTheWrappedFactory() {
        List<String> calls = new ArrayList<>();
        ClientFactory wrapped = new ClientFactory() {
            @Override public Protocol buildProtocol(SocketAddress peer) { return null; }
            @Override public void startFactory() { calls.add("start"); }
            @Override public void stopFactory() { calls.add("stop"); }
            @Override public void startedConnecting(Connector c) { calls.add("connecting"); }
            @Override public void clientConnectionFailed(Connector c, Reason r) { calls.add("failed:" + r.kind()); }
            @Override public void clientConnectionLost(Connector c, Reason r) { calls.add("lost:" + r.kind()); }
        };
        wrapped.setMaxWriteBufferSize(1234);
        IdleTimeoutFactory factory = new IdleTimeoutFactory(clock, wrapped, Duration.ofSeconds(1));
        assertNull(factory.buildProtocol(null));
        assertEquals(1234, factory.getMaxWriteBufferSize());
        factory.doStart();
        factory.startedConnecting(null);
        factory.clientConnectionFailed(null, Reason.timedOut("t"));
        factory.clientConnectionLost(null, Reason.closedByPeer());
        factory.doStop();
        assertEquals(List.of("start", "connecting", "failed:TIMED_OUT", "lost:CLOSED_BY_PEER", "stop"), calls);
        assertSame(wrapped, factory.wrappedFactory());
        assertEquals(Duration.ofSeconds(1), factory.timeout());
        assertThrows(IllegalArgumentException.class,
                () -> new IdleTimeoutFactory(clock, wrapped, Duration.ZERO));
    }
}
