package io.twine.protocol.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.testing.StringTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WrappingFactoryTest {

    private final List<String> events = new ArrayList<>();

    /** Records its life and echoes upper-cased. */
    private final class Shout extends Protocol {
        @Override
        public void connectionMade() {
            events.add("inner made");
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            events.add("inner data");
            transport.write(StandardCharsets.US_ASCII.decode(data).toString().toUpperCase().getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void connectionLost(Reason reason) {
            events.add("inner lost:" + reason.kind());
        }
    }

    /** A layer that brackets what passes through it, to show where a subclass hooks in. */
    private final class Brackets extends ProtocolWrapper {
        Brackets(Protocol inner) {
            super(inner);
        }

        @Override
        public void connectionMade() {
            events.add("wrapper made");
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            byte[] bracketed = ("[" + new String(data, offset, length, StandardCharsets.US_ASCII) + "]")
                    .getBytes(StandardCharsets.US_ASCII);
            super.write(bracketed, 0, bracketed.length);
        }
    }

    @Test
    void wrapperSitsBetweenTransportAndProtocolAndIsCountedWhileConnected() {
        WrappingFactory factory = new WrappingFactory(Factory.forProtocol(Shout::new)) {
            @Override
            protected ProtocolWrapper wrapProtocol(Protocol inner) {
                return new Brackets(inner);
            }
        };
        StringTransport transport = new StringTransport();
        Protocol wrapper = factory.buildProtocol(transport.getPeer());
        assertEquals(0, factory.openConnections(), "counted from makeConnection, not from buildProtocol");
        transport.connect(wrapper);
        assertEquals(1, factory.openConnections());
        Protocol inner = ((ProtocolWrapper) wrapper).wrappedProtocol();
        assertSame(wrapper, inner.transport(), "the wrapped protocol writes to the wrapper");
        assertSame(transport, wrapper.transport());
        wrapper.dataReceived(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("[HI]", transport.valueAsString());
        transport.finish(Reason.closedByPeer());
        assertEquals(0, factory.openConnections());
        assertEquals(List.of("wrapper made", "inner made", "inner data", "inner lost:CLOSED_BY_PEER"), events);
    }

    @Test
    void plainWrapperPassesEverythingThroughAndRefusalsStayRefusals() {
        WrappingFactory factory = new WrappingFactory(Factory.forProtocol(Shout::new));
        StringTransport transport = new StringTransport();
        ProtocolWrapper wrapper = (ProtocolWrapper) factory.buildProtocol(transport.getPeer());
        transport.connect(wrapper);
        Protocol inner = wrapper.wrappedProtocol();
        inner.transport().write(new byte[] {1, 2, 3});
        inner.transport().write(ByteBuffer.wrap(new byte[] {4}));
        inner.transport().writeSequence(ByteBuffer.wrap(new byte[] {5}), ByteBuffer.wrap(new byte[] {6}));
        assertEquals(6, transport.writtenLength());
        inner.transport().abortConnection(Reason.timedOut("t"));
        assertEquals(Reason.Kind.TIMED_OUT, transport.closeReason().kind());

        assertNull(new WrappingFactory(Factory.forProtocol(() -> null)).buildProtocol(null));
    }
}
