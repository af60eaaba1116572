package io.twine.samples.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.samples.support.CapturedOutput;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.SimulatedReactor;
import io.twine.testing.sim.Simulation;
import io.twine.testing.sim.Simulations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * mini-redis, started as the program starts it, under pipelining from several clients on a
 * hostile network: each client writes its whole pipeline at once (so the server's replies pile
 * up behind windows of a few bytes and pause it), and every reply comes back in order and right;
 * the shared counter's replies are exactly 1 to the number of INCRs, each once.
 */
class MiniRedisInSimulationTest {

    private static final int CLIENTS = 5;
    private static final int ROUNDS = 25;

    private static final class PipeliningClient extends Protocol {
        final int id;
        final List<byte[]> replies = new ArrayList<>();
        /** Received bytes not yet a whole reply. */
        private byte[] pending = new byte[0];
        Reason lost;

        PipeliningClient(int id) {
            this.id = id;
        }

        @Override
        public void connectionMade() {
            List<byte[]> commands = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                String key = "k" + id + ":" + round;
                commands.add(RedisWire.command("SET", key, "v".repeat(round * 7) + id));
                commands.add(RedisWire.command("GET", key));
                commands.add(RedisWire.command("INCR", "counter"));
                commands.add(RedisWire.command("RPUSH", "list" + id, String.valueOf(round)));
            }
            commands.add(RedisWire.command("LRANGE", "list" + id, "0", "-1"));
            transport.write(RedisWire.pipeline(commands.toArray(byte[][]::new)));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] bytes = new byte[pending.length + data.remaining()];
            System.arraycopy(pending, 0, bytes, 0, pending.length);
            data.get(bytes, pending.length, data.remaining());
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            int consumed = 0;
            try {
                while (in.available() > 0) {
                    replies.add(RedisWire.readReply(in));
                    consumed = bytes.length - in.available();
                }
            } catch (IOException incomplete) {
                // the rest of this reply is still on its way
            }
            pending = java.util.Arrays.copyOfRange(bytes, consumed, bytes.length);
        }

        @Override
        public void connectionLost(Reason reason) {
            lost = reason;
        }

        int expectedReplies() {
            return 4 * ROUNDS + 1;
        }
    }

    static void scenario(Simulation sim) {
        SimulatedReactor server = sim.host("server");
        try {
            MiniRedis.start(server, new InetSocketAddress(6379), new CapturedOutput().printStream(), null);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<PipeliningClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int id = i;
            sim.host("client" + i).connectTcp(new InetSocketAddress("server", 6379), new ClientFactory() {
                @Override
                public Protocol buildProtocol(SocketAddress peer) {
                    PipeliningClient client = new PipeliningClient(id);
                    clients.add(client);
                    return client;
                }
            }, io.twine.reactor.TcpOptions.defaults());
        }
        assertTrue(sim.runUntil(() -> clients.size() == CLIENTS
                && clients.stream().allMatch(c -> c.replies.size() == c.expectedReplies()), Duration.ofDays(1)),
                "every pipeline answered");
        Set<Long> counters = new HashSet<>();
        for (PipeliningClient client : clients) {
            List<byte[]> replies = client.replies;
            StringBuilder list = new StringBuilder("*" + ROUNDS + "\r\n");
            for (int round = 0; round < ROUNDS; round++) {
                String value = "v".repeat(round * 7) + client.id;
                assertEquals("+OK\r\n", new String(replies.get(4 * round), java.nio.charset.StandardCharsets.ISO_8859_1));
                assertEquals("$" + value.length() + "\r\n" + value + "\r\n",
                        new String(replies.get(4 * round + 1), java.nio.charset.StandardCharsets.ISO_8859_1));
                String counter = new String(replies.get(4 * round + 2), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(counter.startsWith(":"), counter);
                assertTrue(counters.add(Long.parseLong(counter.substring(1).trim())), "each INCR gives a new value");
                assertEquals(":" + (round + 1) + "\r\n",
                        new String(replies.get(4 * round + 3), java.nio.charset.StandardCharsets.ISO_8859_1));
                String element = String.valueOf(round);
                list.append("$").append(element.length()).append("\r\n").append(element).append("\r\n");
            }
            assertEquals(list.toString(), new String(replies.get(4 * ROUNDS), java.nio.charset.StandardCharsets.ISO_8859_1));
            client.transport().loseConnection();
        }
        for (long value = 1; value <= (long) CLIENTS * ROUNDS; value++) {
            assertTrue(counters.contains(value), "INCR gave " + value);
        }
        sim.runUntilIdle(Duration.ofMinutes(1));
        sim.finish();
    }

    @Test
    void pipelinedRepliesComeBackInOrderAndRightOnAHostileNetwork() {
        Simulations.run(4, FaultProfile.HOSTILE.withoutFailures(), MiniRedisInSimulationTest::scenario);
    }
}
