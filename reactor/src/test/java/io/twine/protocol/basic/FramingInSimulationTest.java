package io.twine.protocol.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.TcpOptions;
import io.twine.testing.sim.CheckedFactory;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulation;
import io.twine.testing.sim.Simulations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every framing receiver on a hostile network: reads split anywhere (down to one byte), windows
 * of a few bytes, stalls. Clients send random messages and the server echoes each one framed; the
 * server is registered as its transport's producer, so its pauses and resumes are exercised too.
 * Every message must come back whole and in order.
 */
class FramingInSimulationTest {

    /** One framing: how to make a receiver that hands each message to a consumer, send a message, and draw a valid one. */
    enum Framing {
        LINE(messages -> new LineReceiver() {
            @Override
            public void lineReceived(String line) {
                messages.accept(line.getBytes(StandardCharsets.UTF_8));
            }
        }, (receiver, message) -> ((LineReceiver) receiver).sendLine(new String(message, StandardCharsets.UTF_8)),
                FramingInSimulationTest::text),
        BYTE_LINE(messages -> new ByteLineReceiver() {
            @Override
            public void lineReceived(ByteBuffer line) {
                messages.accept(copy(line));
            }
        }, (receiver, message) -> ((ByteLineReceiver) receiver).sendLine(message),
                random -> randomBytes(random, 300, (byte) '\r')),  // a \r could start the \r\n delimiter; \n alone is fine
        INT32(messages -> new Int32StringReceiver() {
            @Override
            public void stringReceived(ByteBuffer message) {
                messages.accept(copy(message));
            }
        }, (receiver, message) -> ((IntNStringReceiver) receiver).sendString(message), random -> randomBytes(random, 600)),
        INT16(messages -> new Int16StringReceiver() {
            @Override
            public void stringReceived(ByteBuffer message) {
                messages.accept(copy(message));
            }
        }, (receiver, message) -> ((IntNStringReceiver) receiver).sendString(message), random -> randomBytes(random, 600)),
        NETSTRING(messages -> new NetstringReceiver() {
            @Override
            public void stringReceived(ByteBuffer message) {
                messages.accept(copy(message));
            }
        }, (receiver, message) -> ((NetstringReceiver) receiver).sendString(message), random -> randomBytes(random, 600)),
        /** The building block itself, with a decode step of our own: a type byte, a length byte, the value. */
        CUSTOM_FRAME(messages -> new FrameReceiver() {
            @Override
            protected void decodeFrame(ByteBuffer in) {
                if (in.remaining() < 2 || in.remaining() < 2 + (in.get(in.position() + 1) & 0xff)) {
                    return;
                }
                byte[] frame = new byte[2 + (in.get(in.position() + 1) & 0xff)];
                in.get(frame);
                messages.accept(frame);
            }
        }, (receiver, message) -> receiver.transport().write(message), FramingInSimulationTest::typeLengthValue);

        private final Function<Consumer<byte[]>, FrameReceiver> receivers;
        private final BiConsumer<FrameReceiver, byte[]> sender;
        private final Function<RandomGenerator, byte[]> messages;

        Framing(Function<Consumer<byte[]>, FrameReceiver> receivers, BiConsumer<FrameReceiver, byte[]> sender,
                Function<RandomGenerator, byte[]> messages) {
            this.receivers = receivers;
            this.sender = sender;
            this.messages = messages;
        }

        FrameReceiver receiver(Consumer<byte[]> onMessage) {
            return receivers.apply(onMessage);
        }

        void send(FrameReceiver receiver, byte[] message) {
            sender.accept(receiver, message);
        }

        byte[] message(RandomGenerator random) {
            return messages.apply(random);
        }
    }

    /** Up to 300 characters, some of them two bytes in UTF-8. */
    static byte[] text(RandomGenerator random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(300);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(8) == 0 ? '\u00e9' : (char) ('a' + random.nextInt(26)));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] typeLengthValue(RandomGenerator random) {
        byte[] value = randomBytes(random, 255);
        byte[] frame = new byte[2 + value.length];
        frame[0] = (byte) random.nextInt(256);
        frame[1] = (byte) value.length;
        System.arraycopy(value, 0, frame, 2, value.length);
        return frame;
    }

    /** Random bytes, none of them {@code avoided}. */
    static byte[] randomBytes(RandomGenerator random, int maxLength, byte avoided) {
        byte[] bytes = randomBytes(random, maxLength);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == avoided) {
                bytes[i] = (byte) (avoided + 1);
            }
        }
        return bytes;
    }

    static byte[] copy(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static byte[] randomBytes(RandomGenerator random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A client that sends its messages at connect and hangs up once every echo is back. */
    private static final class Client {
        final List<byte[]> sent = new ArrayList<>();
        final List<byte[]> echoed = new ArrayList<>();
        Reason lost;
    }

    static void echoScenario(Framing framing, Simulation sim) {
        SimulatedReactor server = sim.host("server");
        CheckedFactory echo = new CheckedFactory(sim, framing + " echo", Factory.forProtocol(() -> {
            FrameReceiver[] self = new FrameReceiver[1];
            self[0] = framing.receiver(message -> framing.send(self[0], message));
            return new ProducerRegistering(self[0]);
        }));
        try {
            server.listenTcp(new InetSocketAddress(9), echo, TcpOptions.defaults());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<Client> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Client client = new Client();
            int count = 5 + sim.random().nextInt(30);
            for (int i = 0; i < count; i++) {
                client.sent.add(framing.message(sim.random()));
            }
            clients.add(client);
            sim.host("client" + c).connectTcp(new InetSocketAddress("server", 9), new ClientFactory() {
                @Override
                public Protocol buildProtocol(SocketAddress peer) {
                    FrameReceiver[] self = new FrameReceiver[1];
                    self[0] = framing.receiver(message -> {
                        client.echoed.add(message);
                        if (client.echoed.size() == client.sent.size()) {
                            self[0].transport().loseConnection();
                        }
                    });
                    return new Protocol() {
                        @Override
                        public void makeConnection(io.twine.protocol.Transport transport) {
                            self[0].makeConnection(transport);
                            for (byte[] message : client.sent) {
                                framing.send(self[0], message);
                            }
                        }

                        @Override
                        public void dataReceived(ByteBuffer data) {
                            self[0].dataReceived(data);
                        }

                        @Override
                        public void connectionLost(Reason reason) {
                            client.lost = reason;
                        }
                    };
                }
            }, TcpOptions.defaults());
        }
        assertTrue(sim.runUntil(() -> clients.stream().allMatch(client -> client.lost != null), Duration.ofDays(1)),
                "every client finished");
        for (Client client : clients) {
            assertEquals(Reason.Kind.CLOSED_BY_US, client.lost.kind(), client.lost.toString());
            assertEquals(client.sent.size(), client.echoed.size());
            for (int i = 0; i < client.sent.size(); i++) {
                assertEquals(ByteBuffer.wrap(client.sent.get(i)), ByteBuffer.wrap(client.echoed.get(i)), "message " + i);
            }
        }
        sim.runUntilIdle(Duration.ofMinutes(1));
        sim.finish();
        assertEquals(3, echo.connectionsMade());
    }

    /** Registers the receiver as its own transport's streaming producer, as FrameReceiver's docs say request/reply servers should. */
    private static final class ProducerRegistering extends Protocol {
        private final FrameReceiver receiver;

        ProducerRegistering(FrameReceiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void makeConnection(io.twine.protocol.Transport transport) {
            super.makeConnection(transport);
            receiver.makeConnection(transport);
            transport.setWriteBufferLimits(64, 16);
            transport.registerProducer(receiver, true);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            receiver.dataReceived(data);
        }

        @Override
        public void connectionLost(Reason reason) {
            receiver.connectionLost(reason);
        }
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void everyMessageComesBackWholeAndInOrderOnAHostileNetwork(Framing framing) {
        Simulations.run(12, FaultProfile.HOSTILE.withoutFailures(), sim -> echoScenario(framing, sim));
    }
}
