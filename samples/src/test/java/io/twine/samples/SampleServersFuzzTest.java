package io.twine.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.Reactor;
import io.twine.reactor.observe.LoopMetrics;
import io.twine.samples.chat.ChatServer;
import io.twine.samples.echo.EchoServer;
import io.twine.samples.line.LineServer;
import io.twine.samples.line.ThreadedLineServer;
import io.twine.samples.redis.MiniRedis;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.ServerStarter;
import io.twine.samples.support.StartedServer;
import io.twine.samples.tcp.TcpServer;
import io.twine.samples.twisted.TwistedServer;
import io.twine.samples.udp.UdpServer;
import io.twine.testing.ReactorThread;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile peers against every server sample: random bytes in random chunks (over-long lines
 * included), closing cleanly, half-closing or resetting at a random point. Afterwards the
 * server's loop reported nothing, holds no connection and no outbound chunk, and still
 * accepts. Fixed seeds; {@code -Dtwine.fuzz.rounds=N} runs longer.
 */
@Timeout(120)
class SampleServersFuzzTest {

    private static final int ROUNDS = Integer.getInteger("twine.fuzz.rounds", 25);
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static final Map<String, ServerStarter> TCP_SERVERS = Map.of(
            "echo-server", EchoServer::start,
            "tcp-server", TcpServer::start,
            "twisted-server", TwistedServer::start,
            "chat-server", ChatServer::start,
            "line-server", LineServer::start,
            "threaded-line-server", ThreadedLineServer::start,
            "mini-redis", MiniRedis::start);

    private static SampleArgs defaults() {
        return SampleArgs.defaults(List.of(ChatServer.MAX_QUEUED));
    }

    private static PrintStream discard() {
        return new PrintStream(OutputStream.nullOutputStream(), true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo-server", "tcp-server", "twisted-server", "chat-server", "line-server",
            "threaded-line-server", "mini-redis"})
    void tcpServerSurvivesHostilePeers(String name) throws Exception {
        Reactor reactor = new Reactor();
        List<String> reported = new CopyOnWriteArrayList<>();
        reactor.setErrorReporter((context, error) -> reported.add(context + " -> " + error));
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            StartedServer server = rt.call(() -> TCP_SERVERS.get(name).start(reactor, LOOPBACK, discard(), defaults()));
            InetSocketAddress address = server.internetAddress();
            Random random = new Random(name.hashCode());
            for (int round = 0; round < ROUNDS; round++) {
                hostilePeer(address, random);
            }
            // Every hostile connection was accepted and has ended: nothing is left but the listener.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                LoopMetrics metrics = rt.call(reactor::metrics);
                if (metrics.connectionsAccepted() == ROUNDS && metrics.connectionsOpen() == 0) {
                    break;
                }
                Thread.onSpinWait();
            }
            LoopMetrics metrics = rt.call(reactor::metrics);
            assertEquals(ROUNDS, metrics.connectionsAccepted(), name + " did not accept every peer");
            assertEquals(0, metrics.connectionsOpen(), name + " kept connections open");
            assertEquals(1, (int) rt.call(reactor::trackedCount), name + " kept something besides its listener");
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                assertTrue(socket.isConnected(), name + " no longer accepts");
            }
            assertTrue(reported.isEmpty(), name + " reported: " + reported);
        }
    }

    /** One peer: random bytes in random chunks while a thread drains replies; then a random ending. */
    private static void hostilePeer(InetSocketAddress address, Random random) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(20_000);
            Thread drain = new Thread(() -> {
                byte[] sink = new byte[65536];
                try {
                    InputStream in = socket.getInputStream();
                    while (in.read(sink) >= 0) {
                        // discard whatever the server answers
                    }
                } catch (Exception closedUnderUs) {
                    // a reset, or our own close: either ends the drain
                }
            });
            drain.start();
            OutputStream out = socket.getOutputStream();
            int chunks = 1 + random.nextInt(20);
            try {
                for (int i = 0; i < chunks; i++) {
                    byte[] chunk = new byte[random.nextInt(random.nextBoolean() ? 64 : 100_000)];
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            } catch (SocketException serverClosedFirst) {
                // a server may close a peer that sent something it cannot accept
            }
            switch (random.nextInt(3)) {
                case 0 -> socket.setSoLinger(true, 0);  // close() resets
                case 1 -> {
                    socket.shutdownOutput();  // half-close, then wait for the server to finish
                    drain.join(20_000);
                }
                default -> { }                // a plain close
            }
            socket.close();
            drain.join(20_000);
        }
    }

    @Test
    void udpServerSurvivesRandomDatagrams() throws Exception {
        Reactor reactor = new Reactor();
        List<String> reported = new CopyOnWriteArrayList<>();
        reactor.setErrorReporter((context, error) -> reported.add(context + " -> " + error));
        try (ReactorThread rt = ReactorThread.start(reactor);
                DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            StartedServer server = rt.call(() -> UdpServer.start(reactor, LOOPBACK, discard(), defaults()));
            peer.setSoTimeout(2_000);
            Random random = new Random(42);
            byte[] reply = new byte[65536];
            int answered = 0;
            for (int i = 0; i < 20 * ROUNDS; i++) {
                byte[] datagram = new byte[random.nextInt(random.nextBoolean() ? 100 : 65_000)];
                random.nextBytes(datagram);
                peer.send(new DatagramPacket(datagram, datagram.length, server.address()));
                try {
                    peer.receive(new DatagramPacket(reply, reply.length));
                    answered++;
                } catch (SocketTimeoutException dropped) {
                    // loopback may drop a large datagram, and a reply too big for UDP is not sent
                }
            }
            assertTrue(answered > 0, "the UDP server never answered");
            byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            peer.setSoTimeout(10_000);
            peer.send(new DatagramPacket(hello, hello.length, server.address()));
            DatagramPacket last = new DatagramPacket(reply, reply.length);
            peer.receive(last);
            assertTrue(new String(reply, 0, last.getLength(), java.nio.charset.StandardCharsets.UTF_8).endsWith("] hello"));
            assertTrue(reported.isEmpty(), "reported: " + reported);
        }
    }
}
