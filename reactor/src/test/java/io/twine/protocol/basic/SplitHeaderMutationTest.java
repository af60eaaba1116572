package io.twine.protocol.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.TcpOptions;
import io.twine.testing.StringTransport;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulation;
import io.twine.testing.sim.SimulationFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A mutation test of the simulation itself: a deliberately broken receiver, of the kind people
 * write first, passes the plain unit tests a careful author would write for it, and the
 * simulation finds the bug within a bounded number of seeds.
 *
 * <p>The bug: the receiver keeps a frame's body across reads, but assumes its 4-byte length
 * header always arrives in one read. A read that ends inside a header drops those bytes, and the
 * stream is out of step from there on.
 */
class SplitHeaderMutationTest {

    /** Length-prefixed frames (a 4-byte big-endian length, then the body), decoded wrongly when a header is split. */
    private static final class SloppyLengthReceiver extends Protocol {
        static final int MAX_FRAME = 1 << 20;
        final List<byte[]> frames = new ArrayList<>();
        private byte[] body;
        private int filled;

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining()) {
                if (body == null) {
                    if (data.remaining() < 4) {
                        data.position(data.limit());  // the bug: a split header is thrown away
                        return;
                    }
                    int length = data.getInt();
                    if (length < 0 || length > MAX_FRAME) {
                        transport.loseConnection(Reason.limitExceeded("frame of " + length + " bytes"));
                        return;
                    }
                    body = new byte[length];
                    filled = 0;
                }
                int n = Math.min(data.remaining(), body.length - filled);
                data.get(body, filled, n);
                filled += n;
                if (filled == body.length) {
                    frames.add(body);
                    body = null;
                }
            }
        }
    }

    private static ByteBuffer framed(byte[]... bodies) {
        int size = 0;
        for (byte[] body : bodies) {
            size += 4 + body.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        for (byte[] body : bodies) {
            buffer.putInt(body.length).put(body);
        }
        return buffer.flip();
    }

    @Test
    void thePlainUnitTestsPass() {
        // Whole frames, two frames in one read, a body split across reads, an empty frame: all fine.
        SloppyLengthReceiver receiver = new SloppyLengthReceiver();
        new StringTransport().connect(receiver);
        receiver.dataReceived(framed(new byte[] {1, 2, 3}));
        receiver.dataReceived(framed(new byte[] {4}, new byte[0]));
        ByteBuffer split = framed(new byte[] {5, 6, 7, 8, 9});
        receiver.dataReceived(split.slice(0, 6));
        receiver.dataReceived(split.slice(6, split.remaining() - 6));
        assertEquals(4, receiver.frames.size());
        assertEquals(ByteBuffer.wrap(new byte[] {5, 6, 7, 8, 9}), ByteBuffer.wrap(receiver.frames.get(3)));
    }

    /** A client sends frames with the library's Int32StringReceiver; the server must decode them all. */
    private static void scenario(Simulation sim) {
        SimulatedReactor server = sim.host("server");
        List<SloppyLengthReceiver> receivers = new ArrayList<>();
        try {
            server.listenTcp(new InetSocketAddress(4), Factory.forProtocol(() -> {
                SloppyLengthReceiver receiver = new SloppyLengthReceiver();
                receivers.add(receiver);
                return receiver;
            }), TcpOptions.defaults());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add(FramingInSimulationTest.randomBytes(sim.random(), 200));
        }
        sim.host("client").connectTcp(new InetSocketAddress("server", 4), new ClientFactory() {
            @Override
            public Protocol buildProtocol(SocketAddress peer) {
                return new Int32StringReceiver() {
                    @Override
                    public void connectionMade() {
                        sent.forEach(this::sendString);
                        transport.loseConnection();
                    }

                    @Override
                    public void stringReceived(ByteBuffer message) {}
                };
            }
        }, TcpOptions.defaults());
        sim.eventually("the server decoded every frame the client sent", () -> receivers.size() == 1
                && receivers.get(0).frames.size() == sent.size()
                && java.util.stream.IntStream.range(0, sent.size())
                        .allMatch(i -> java.util.Arrays.equals(sent.get(i), receivers.get(0).frames.get(i))));
        sim.runUntilIdle(Duration.ofMinutes(1));
        sim.finish();
    }

    @Test
    void aQuietNetworkDoesNotFindTheBug() {
        for (long seed = 1; seed <= 20; seed++) {
            scenario(new Simulation(seed, FaultProfile.NONE));
        }
    }

    @Test
    void theSimulationFindsTheBugWithinTwentySeeds() {
        long found = -1;
        SimulationFailure failure = null;
        for (long seed = 1; seed <= 20 && found < 0; seed++) {
            try {
                scenario(new Simulation(seed, FaultProfile.HOSTILE.withoutFailures()));
            } catch (SimulationFailure e) {
                found = seed;
                failure = e;
            }
        }
        assertTrue(found > 0, "the broken receiver survived 20 hostile seeds");
        assertTrue(failure.getMessage().startsWith("invariant broken at the end: the server decoded every frame"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("seed " + found), failure.getMessage());
    }
}
