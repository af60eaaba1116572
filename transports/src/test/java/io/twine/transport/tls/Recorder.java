package io.twine.transport.tls;

import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A protocol that records what happens to it, in order; optionally half-closeable. */
class Recorder extends Protocol implements TlsHandshakeListener {

    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final List<String> events = new ArrayList<>();
    int dataCalls;
    Reason lost;

    @Override
    public void connectionMade() {
        events.add("made");
    }

    @Override
    public void handshakeCompleted() {
        events.add("handshake");
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        dataCalls++;
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        received.writeBytes(bytes);
    }

    @Override
    public void connectionLost(Reason reason) {
        events.add("lost");
        lost = reason;
    }

    String text() {
        return received.toString(StandardCharsets.UTF_8);
    }

    TlsTransport tls() {
        return (TlsTransport) transport;
    }

    /** A recorder that keeps writing after the peer's close_notify. */
    static class HalfCloseable extends Recorder implements HalfCloseableProtocol {
        @Override
        public void readConnectionLost() {
            events.add("readLost");
        }

        @Override
        public void writeConnectionLost() {
            events.add("writeLost");
        }
    }
}
