package io.twine.protocol.basic;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.testing.StringTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input for every framing receiver: streams that mix valid frames with random bytes,
 * cut into random reads, with the connection closed by us or by the peer at a random point.
 * Whatever arrives, nothing is thrown out of {@code dataReceived}, no message is longer than the
 * limit, nothing is buffered beyond the limit plus one read, and nothing is delivered after
 * {@code loseConnection}.
 *
 * <p>Fixed seeds here; {@code -Dtwine.fuzz.rounds=N} runs longer (the soak does).
 */
class FramingFuzzTest {

    private static final int ROUNDS = Integer.getInteger("twine.fuzz.rounds", 300);
    private static final int MAX_READ = 8192;

    /** One receiver under test: how to make it with a limit, and how to ask what it buffers. */
    private record Kind(String name, IntFunction<Protocol> make, ToIntFunction<Protocol> buffered,
            int overhead, FrameWriter frames) {}

    private interface FrameWriter {
        void write(ByteArrayOutputStream out, byte[] payload);
    }

    /** Counts deliveries after loseConnection and checks each message's length. */
    private static final class Observer {
        int limit;
        boolean closing;
        int deliveredAfterClose;
        int tooLong;

        void delivered(int length) {
            if (closing) {
                deliveredAfterClose++;
            }
            if (length > limit) {
                tooLong++;
            }
        }
    }

    private static Kind kind(String name, Observer observer) {
        switch (name) {
            case "line":
                return new Kind(name, max -> {
                    // Latin-1 maps each byte to one char, so a line's length is its length in bytes.
                    LineReceiver receiver = new LineReceiver(StandardCharsets.ISO_8859_1) {
                        @Override
                        public void lineReceived(String line) {
                            observer.delivered(line.length());
                        }
                    };
                    receiver.setMaxLength(max);
                    return receiver;
                }, p -> ((ByteLineReceiver) p).bufferedBytes(), 2, (out, payload) -> {
                    out.writeBytes(payload);
                    out.writeBytes(new byte[] {'\r', '\n'});
                });
            case "bytes":
                return new Kind(name, max -> {
                    ByteLineReceiver receiver = new ByteLineReceiver() {
                        @Override
                        public void lineReceived(ByteBuffer line) {
                            observer.delivered(line.remaining());
                        }
                    };
                    receiver.setMaxLength(max);
                    return receiver;
                }, p -> ((ByteLineReceiver) p).bufferedBytes(), 2, (out, payload) -> {
                    out.writeBytes(payload);
                    out.writeBytes(new byte[] {'\r', '\n'});
                });
            case "int32":
            case "int16":
            case "int8": {
                int prefix = name.equals("int32") ? 4 : name.equals("int16") ? 2 : 1;
                return new Kind(name, max -> {
                    IntNStringReceiver receiver = prefix == 4 ? new Int32StringReceiver() {
                        @Override
                        public void stringReceived(ByteBuffer message) {
                            observer.delivered(message.remaining());
                        }
                    } : prefix == 2 ? new Int16StringReceiver() {
                        @Override
                        public void stringReceived(ByteBuffer message) {
                            observer.delivered(message.remaining());
                        }
                    } : new Int8StringReceiver() {
                        @Override
                        public void stringReceived(ByteBuffer message) {
                            observer.delivered(message.remaining());
                        }
                    };
                    receiver.setMaxLength(Math.min(max, (int) Math.min(Integer.MAX_VALUE, (1L << (8 * prefix)) - 1)));
                    return receiver;
                }, p -> ((IntNStringReceiver) p).bufferedBytes(), prefix, (out, payload) -> {
                    int length = Math.min(payload.length, (int) Math.min(Integer.MAX_VALUE, (1L << (8 * prefix)) - 1));
                    for (int i = prefix - 1; i >= 0; i--) {
                        out.write((length >>> (8 * i)) & 0xff);
                    }
                    out.write(payload, 0, length);
                });
            }
            case "netstring":
                return new Kind(name, max -> {
                    NetstringReceiver receiver = new NetstringReceiver() {
                        @Override
                        public void stringReceived(ByteBuffer message) {
                            observer.delivered(message.remaining());
                        }
                    };
                    receiver.setMaxLength(max);
                    return receiver;
                }, p -> ((NetstringReceiver) p).bufferedBytes(), 12, (out, payload) -> {
                    out.writeBytes((payload.length + ":").getBytes(StandardCharsets.US_ASCII));
                    out.writeBytes(payload);
                    out.write(',');
                });
            default:
                throw new IllegalArgumentException(name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"line", "bytes", "int32", "int16", "int8", "netstring"})
    void hostileStreamsNeverThrowNeverExceedTheLimitAndStopAtLoseConnection(String name) {
        for (int round = 0; round < ROUNDS; round++) {
            fuzzOnce(name, round);
        }
    }

    private static void fuzzOnce(String name, long seed) {
        Random random = new Random(seed * 31 + name.hashCode());
        Observer observer = new Observer();
        Kind kind = kind(name, observer);
        int max = 16 + random.nextInt(4096);
        Protocol receiver = kind.make.apply(max);
        observer.limit = max;
        StringTransport transport = new StringTransport().connect(receiver);

        byte[] stream = hostileStream(random, kind, max);
        int closeAt = random.nextInt(3) == 0 ? random.nextInt(stream.length + 1) : -1;
        boolean weClose = random.nextBoolean();
        ByteBuffer read = random.nextBoolean() ? ByteBuffer.allocateDirect(MAX_READ) : ByteBuffer.allocate(MAX_READ);
        int offset = 0;
        while (offset < stream.length) {
            if (closeAt >= 0 && offset >= closeAt) {
                if (!weClose) {
                    break;  // the peer went away here
                }
                if (!observer.closing) {
                    observer.closing = true;
                    receiver.transport().loseConnection();
                }
            }
            int n = Math.min(stream.length - offset, 1 + random.nextInt(MAX_READ));
            read.clear();
            read.put(stream, offset, n).flip();
            offset += n;
            if (transport.closeReason() != null && !observer.closing) {
                observer.closing = true;  // the receiver closed itself: a real transport stops reading
            }
            if (observer.closing && transport.closeReason() != null && random.nextBoolean()) {
                continue;  // usually a closed transport reads no more; sometimes a read was already due
            }
            try {
                receiver.dataReceived(read);
            } catch (RuntimeException e) {
                fail(name + " seed " + seed + ": dataReceived threw " + e, e);
            }
            int buffered = kind.buffered.applyAsInt(receiver);
            assertTrue(buffered <= max + kind.overhead + MAX_READ,
                    name + " seed " + seed + ": buffered " + buffered + " with a limit of " + max);
        }
        Reason reason = transport.finish(Reason.closedByPeer());
        assertTrue(observer.tooLong == 0, name + " seed " + seed + ": a message longer than " + max + " was delivered");
        assertTrue(observer.deliveredAfterClose == 0,
                name + " seed " + seed + ": " + observer.deliveredAfterClose + " messages after loseConnection");
        assertTrue(reason != null);
    }

    /** Valid frames, over-long frames, and runs of random bytes, in random order. */
    private static byte[] hostileStream(Random random, Kind kind, int max) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int parts = 1 + random.nextInt(40);
        for (int i = 0; i < parts; i++) {
            switch (random.nextInt(4)) {
                case 0:
                case 1: {
                    byte[] payload = new byte[random.nextInt(max + 1)];
                    random.nextBytes(payload);
                    if (kind.name.equals("line") || kind.name.equals("bytes")) {
                        for (int j = 0; j < payload.length; j++) {
                            if (payload[j] == '\n') {
                                payload[j] = 'n';
                            }
                        }
                    }
                    kind.frames.write(out, payload);
                    break;
                }
                case 2: {
                    byte[] tooLong = new byte[max + 1 + random.nextInt(2 * max)];
                    random.nextBytes(tooLong);
                    kind.frames.write(out, tooLong);
                    break;
                }
                default: {
                    byte[] garbage = new byte[random.nextInt(3 * max)];
                    random.nextBytes(garbage);
                    out.writeBytes(garbage);
                }
            }
        }
        return out.toByteArray();
    }
}
