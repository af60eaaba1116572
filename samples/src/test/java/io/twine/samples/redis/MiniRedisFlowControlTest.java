package io.twine.samples.redis;

import static io.twine.samples.redis.RedisWire.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Transport;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Request/reply flow control on real sockets: a client that pipelines requests for large replies
 * and never reads holds a bounded amount of the server's memory, others are served meanwhile,
 * and once it reads it gets every reply, in order.
 */
@Timeout(120)
class MiniRedisFlowControlTest {

    private static final int VALUE_BYTES = 64 * 1024;
    private static final int GETS = 2_000;
    /** The transport's default high-water mark. */
    private static final long HIGH_WATER_MARK = 64 * 1024;

    @Test
    void aClientThatNeverReadsIsPausedAtABoundWhileOthersAreServedThenGetsEveryReplyInOrder() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            MiniRedis.Server server = rt.call(() -> new MiniRedis.Server(rt.reactor()));
            List<RedisConnection> connections = new CopyOnWriteArrayList<>();
            Factory recording = new Factory() {
                @Override
                public Protocol buildProtocol(SocketAddress peer) {
                    RedisConnection connection = (RedisConnection) server.buildProtocol(peer);
                    connections.add(connection);
                    return connection;
                }
            };
            InetSocketAddress address = rt.call(() -> (InetSocketAddress) Tcp.listen(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), recording).getHost());
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) 'v');
            try (Socket polite = connect(address, 0); Socket greedy = connect(address, 4096)) {
                polite.getOutputStream().write(command("SET", "big", new String(value, "ISO-8859-1")));
                assertArrayEquals(RedisWire.bytes("+OK\r\n"), RedisWire.readReply(polite.getInputStream()));

                byte[] get = command("GET", "big");
                byte[] pipeline = new byte[get.length * GETS];
                for (int i = 0; i < GETS; i++) {
                    System.arraycopy(get, 0, pipeline, i * get.length, get.length);
                }
                greedy.getOutputStream().write(pipeline);
                RedisConnection greedyConnection = connections.get(1);
                // Wait (bounded) until the server has read every request it will read and paused.
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!rt.call(greedyConnection::isPaused) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertTrue(rt.call(greedyConnection::isPaused), "the greedy client was never paused");

                Transport transport = greedyConnection.transport();
                long queued = rt.call(transport::getWriteBufferSize);
                long held = rt.call(greedyConnection::bufferedBytes);
                // High-water mark, plus the reply that crossed it, plus one reply buffer.
                long bound = HIGH_WATER_MARK + VALUE_BYTES + 64 + 8 * 1024;
                assertTrue(queued <= bound, "queued " + queued + " > " + bound);
                // Unread requests wait undecoded: at most what was read in one go, plus a line.
                assertTrue(held <= 2 * 64 * 1024 + 64, "held " + held);

                for (int i = 0; i < 10; i++) {
                    polite.getOutputStream().write(command("PING"));
                    assertArrayEquals(RedisWire.bytes("+PONG\r\n"), RedisWire.readReply(polite.getInputStream()));
                }

                InputStream in = greedy.getInputStream();
                byte[] expected = RedisWire.bytes("$" + VALUE_BYTES + "\r\n" + new String(value, "ISO-8859-1") + "\r\n");
                for (int i = 0; i < GETS; i++) {
                    assertArrayEquals(expected, RedisWire.readReply(in), "reply " + i);
                }
                greedy.getOutputStream().write(command("PING"));
                assertArrayEquals(RedisWire.bytes("+PONG\r\n"), RedisWire.readReply(in));
            }
        }
    }

    private static Socket connect(InetSocketAddress address, int receiveBuffer) throws Exception {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(address, 10_000);
        socket.setSoTimeout(30_000);
        return socket;
    }
}
