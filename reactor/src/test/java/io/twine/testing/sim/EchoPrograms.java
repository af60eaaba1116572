package io.twine.testing.sim;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** An echo server and a client that sends a payload and hangs up once it has it all back: the programs the simulation tests run. */
final class EchoPrograms {

    private EchoPrograms() {}

    /** Echoes everything, with the transport registered as its own producer so a slow reader throttles it. */
    static Factory echoServer() {
        return Factory.forProtocol(() -> new Protocol() {
            @Override
            public void connectionMade() {
                transport.registerProducer(transport, true);
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                transport.write(data);
            }
        });
    }

    /** Deterministic payload bytes: {@code seed}-dependent, so a misplaced byte is noticed. */
    static byte[] payload(int size, int salt) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + salt + (i >> 8));
        }
        return bytes;
    }

    /** Sends its payload in pieces on connect, collects the echo, and closes once it has it all. */
    static final class EchoClient extends Protocol {
        final byte[] payload;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        Reason lost;
        int lostCalls;

        EchoClient(byte[] payload) {
            this.payload = payload;
        }

        @Override
        public void connectionMade() {
            for (int offset = 0; offset < payload.length; offset += 1000) {
                transport.write(payload, offset, Math.min(1000, payload.length - offset));
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            received.writeBytes(chunk);
            if (received.size() == payload.length) {
                transport.loseConnection();
            }
        }

        @Override
        public void connectionLost(Reason reason) {
            lost = reason;
            lostCalls++;
        }

        boolean gotItAllBack() {
            return java.util.Arrays.equals(received.toByteArray(), payload);
        }
    }

    /** A client factory that records how each attempt and connection ended. */
    static class RecordingClientFactory extends ClientFactory {
        final List<EchoClient> clients = new ArrayList<>();
        final List<Reason> failures = new ArrayList<>();
        final List<Reason> losses = new ArrayList<>();
        private final byte[] payload;

        RecordingClientFactory(byte[] payload) {
            this.payload = payload;
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            EchoClient client = new EchoClient(payload);
            clients.add(client);
            return client;
        }

        @Override
        public void clientConnectionFailed(Connector connector, Reason reason) {
            failures.add(reason);
        }

        @Override
        public void clientConnectionLost(Connector connector, Reason reason) {
            losses.add(reason);
        }

        boolean done() {
            return !failures.isEmpty() || !losses.isEmpty();
        }
    }
}
