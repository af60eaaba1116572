package io.twine.transport.tcp;

import io.twine.reactor.TcpOptions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.reactor.ReactorGroup;
import io.twine.reactor.ShutdownPhase;
import io.twine.transport.tcp.TcpGroup.Balancing;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(120)
class TcpGroupTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A factory per loop: counts its connections without a lock, since only its loop calls it. */
    static final class PerLoopEcho extends Factory {
        final AtomicInteger made = new AtomicInteger();  // read by the test thread at the end
        final Map<Thread, Boolean> threads = new ConcurrentHashMap<>();

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            made.incrementAndGet();
            threads.put(Thread.currentThread(), true);
            return new Protocol() {
                @Override
                public void dataReceived(ByteBuffer data) {
                    transport.write(data);
                }
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Balancing.class)
    void aThousandConnectionsOverFourLoopsAreEchoedAndEveryLoopGetsSome(Balancing balancing) throws Exception {
        ReactorGroup group = new ReactorGroup(4);
        List<PerLoopEcho> factories = new ArrayList<>();
        ListeningPort port = TcpGroup.listen(group, Loopback.ANY_PORT, () -> {
            PerLoopEcho factory = new PerLoopEcho();
            factories.add(factory);
            return factory;
        }, TcpOptions.defaults(), balancing);
        group.start();
        try {
            InetSocketAddress address = (InetSocketAddress) port.getHost();
            for (int i = 0; i < 1000; i++) {
                byte[] sent = ("connection " + i).getBytes(StandardCharsets.US_ASCII);
                try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                    socket.setSoTimeout(30_000);
                    socket.getOutputStream().write(sent);
                    byte[] echoed = new byte[sent.length];
                    new DataInputStream(socket.getInputStream()).readFully(echoed);
                    assertArrayEquals(sent, echoed);
                }
            }
            int total = 0;
            for (PerLoopEcho factory : factories) {
                assertTrue(factory.made.get() > 0, balancing + ": a loop got no connection");
                assertEquals(1, factory.threads.size(), "a factory was called from more than one thread");
                total += factory.made.get();
            }
            assertEquals(1000, total);
            if (balancing == Balancing.ROUND_ROBIN) {
                for (PerLoopEcho factory : factories) {
                    assertEquals(250, factory.made.get());
                }
            }
        } finally {
            group.stop();
            assertTrue(group.awaitTermination(WAIT));
        }
    }

    /** The hand-off works for a Unix socket too: no TCP option is set on the channels it hands out. */
    @Test
    void aUnixSocketIsHandedOutToEveryLoop(@TempDir Path folder) throws Exception {
        ReactorGroup group = new ReactorGroup(4);
        List<PerLoopEcho> factories = new ArrayList<>();
        TcpGroup.listen(group, UnixDomainSocketAddress.of(folder.resolve("group.sock")), () -> {
            PerLoopEcho factory = new PerLoopEcho();
            factories.add(factory);
            return factory;
        }, TcpOptions.defaults(), Balancing.ROUND_ROBIN);
        group.start();
        try {
            for (int i = 0; i < 8; i++) {
                byte[] sent = ("connection " + i).getBytes(StandardCharsets.US_ASCII);
                try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(folder.resolve("group.sock")))) {
                    channel.write(ByteBuffer.wrap(sent));
                    ByteBuffer echoed = ByteBuffer.allocate(sent.length);
                    while (echoed.hasRemaining() && channel.read(echoed) >= 0) {
                        // blocking reads until the whole echo is back or the server closes
                    }
                    assertArrayEquals(sent, echoed.array());
                }
            }
            for (PerLoopEcho factory : factories) {
                assertEquals(2, factory.made.get());
            }
        } finally {
            group.stop();
            assertTrue(group.awaitTermination(WAIT));
        }
    }

    @Test
    void stopDeliversEveryQueuedByteOnEveryLoopAndEndsEveryThread() throws Exception {
        int connections = 16;
        int size = 8 << 20;
        ReactorGroup group = new ReactorGroup(4);
        group.setShutdownGracePeriod(Duration.ofSeconds(120));  // an upper bound: the test waits for the bytes
        AtomicInteger lost = new AtomicInteger();
        CountDownLatch allQueued = new CountDownLatch(connections);
        ListeningPort port = TcpGroup.listen(group, Loopback.ANY_PORT, () -> Factory.forProtocol(() -> new Protocol() {
            @Override
            public void connectionMade() {
                transport.setMaxWriteBufferSize(2L * size);
                transport.write(Loopback.patternBytes(0, size));
                allQueued.countDown();
            }

            @Override
            public void connectionLost(Reason reason) {
                lost.incrementAndGet();
            }
        }), TcpOptions.defaults(), Balancing.ROUND_ROBIN);
        group.start();
        InetSocketAddress address = (InetSocketAddress) port.getHost();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Socket socket = new Socket(address.getAddress(), address.getPort());
                socket.setSoTimeout(60_000);
                sockets.add(socket);
            }
            assertTrue(allQueued.await(60, TimeUnit.SECONDS));
            group.stop();  // nobody has read a byte yet
            List<CompletableFuture<Long>> received = new ArrayList<>();
            for (Socket socket : sockets) {
                received.add(CompletableFuture.supplyAsync(() -> {
                    try (InputStream in = socket.getInputStream()) {
                        return Loopback.readPatternUntilEof(in, 64 * 1024);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (CompletableFuture<Long> bytes : received) {
                assertEquals(size, bytes.get(120, TimeUnit.SECONDS));
            }
            assertTrue(group.awaitTermination(WAIT));
            assertEquals(connections, lost.get());
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
            group.stop();
        }
    }

    @Test
    void aBlockedLoopDoesNotStopTheOthersWithFewestConnections() throws Exception {
        ReactorGroup group = new ReactorGroup(3);
        ListeningPort port = TcpGroup.listen(group, Loopback.ANY_PORT, PerLoopEcho::new, TcpOptions.defaults(),
                Balancing.FEWEST_CONNECTIONS);
        group.start();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        group.get(2).callFromThread(() -> {
            blocked.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);  // a callback that blocks its loop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertTrue(blocked.await(30, TimeUnit.SECONDS));
            InetSocketAddress address = (InetSocketAddress) port.getHost();
            // Short request/reply connections, one after the other, while loop 2 is blocked: after
            // the first hand-off it has not taken, loop 2 gets no more.
            List<Socket> open = new ArrayList<>();
            int echoedWhileBlocked = 0;
            for (int i = 0; i < 20; i++) {
                Socket socket = new Socket(address.getAddress(), address.getPort());
                open.add(socket);
                socket.setSoTimeout(2_000);
                socket.getOutputStream().write('x');
                try {
                    if (socket.getInputStream().read() == 'x') {
                        echoedWhileBlocked++;
                        socket.close();
                    }
                } catch (java.net.SocketTimeoutException handedToTheBlockedLoop) {
                    // waits for loop 2; checked below once it runs again
                }
            }
            assertTrue(echoedWhileBlocked >= 19, "echoed while a loop was blocked: " + echoedWhileBlocked);
            release.countDown();
            for (Socket socket : open) {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(30_000);
                    assertEquals('x', socket.getInputStream().read(), "served once its loop runs again");
                    socket.close();
                }
            }
        } finally {
            release.countDown();
            group.stop();
            assertTrue(group.awaitTermination(WAIT));
        }
    }

    @Test
    void aThrowingCallbackOnOneLoopClosesOnlyItsConnection() throws Exception {
        ReactorGroup group = new ReactorGroup(2);
        ListeningPort port = TcpGroup.listen(group, Loopback.ANY_PORT, () -> Factory.forProtocol(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
                if (data.get(data.position()) == '!') {
                    throw new IllegalStateException("deliberately thrown by the test");
                }
                transport.write(data);
            }
        }), TcpOptions.defaults(), Balancing.ROUND_ROBIN);
        group.get(0).setErrorReporter((context, error) -> { });
        group.get(1).setErrorReporter((context, error) -> { });
        group.start();
        try {
            InetSocketAddress address = (InetSocketAddress) port.getHost();
            try (Socket thrower = new Socket(address.getAddress(), address.getPort());
                    Socket other = new Socket(address.getAddress(), address.getPort())) {
                thrower.setSoTimeout(30_000);
                other.setSoTimeout(30_000);
                thrower.getOutputStream().write('!');
                assertEquals(-1, thrower.getInputStream().read());
                other.getOutputStream().write('y');
                assertEquals('y', other.getInputStream().read());
            }
        } finally {
            group.stop();
            assertTrue(group.awaitTermination(WAIT));
        }
    }

    @Test
    void aClientConnectsOnTheLoopItIsGiven() throws Exception {
        ReactorGroup group = new ReactorGroup(2);
        ListeningPort port = TcpGroup.listen(group, Loopback.ANY_PORT, PerLoopEcho::new, TcpOptions.defaults(),
                Balancing.ROUND_ROBIN);
        group.start();
        try {
            Reactor loop = group.get(1);
            CompletableFuture<String> thread = new CompletableFuture<>();
            loop.callFromThread(() -> Tcp.connect(loop, port.getHost(), new ClientFactory() {
                @Override
                public Protocol buildProtocol(SocketAddress peer) {
                    return new Protocol() {
                        @Override
                        public void connectionMade() {
                            thread.complete(Thread.currentThread().getName());
                            transport.loseConnection();
                        }
                    };
                }
            }));
            assertEquals("twine-loop-1", thread.get(30, TimeUnit.SECONDS));
        } finally {
            group.stop();
            assertTrue(group.awaitTermination(WAIT));
        }
    }

    @Test
    void aLoopThatHasFinishedIsPassedOverAndTheOthersServeEveryConnection() throws Exception {
        ReactorGroup group = new ReactorGroup(2);
        ListeningPort port = TcpGroup.listen(group, Loopback.ANY_PORT, PerLoopEcho::new, TcpOptions.defaults(),
                Balancing.ROUND_ROBIN);
        CompletableFuture<Void> loopOneFinished = new CompletableFuture<>();
        // Added after the listener's own trigger, so it runs once loop 1 takes no more channels.
        group.get(1).addShutdownTrigger(ShutdownPhase.AFTER, () -> loopOneFinished.complete(null));
        group.start();
        try {
            group.get(1).stop();  // before its thread may even have started running it
            loopOneFinished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            InetSocketAddress address = (InetSocketAddress) port.getHost();
            for (int i = 0; i < 4; i++) {
                try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                    socket.setSoTimeout(30_000);
                    socket.getOutputStream().write('x');
                    assertEquals('x', socket.getInputStream().read(), "connection " + i + " served by loop 0");
                }
            }
        } finally {
            group.stop();
            assertTrue(group.awaitTermination(WAIT));
        }
    }

    @Test
    void aChannelHandedToALoopThatHasFinishedIsClosedAtOnce() throws Exception {
        Reactor loop = new Reactor();
        loop.stop();
        loop.run();  // stopped before it started: returns at once, and never runs a task again
        TcpGroup.LoopShare share = new TcpGroup.LoopShare(loop, new PerLoopEcho(), TcpOptions.defaults());
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(Loopback.ANY_PORT);
                Socket client = new Socket()) {
            client.connect(server.getLocalAddress(), 30_000);
            SocketChannel accepted = server.accept();
            share.handOver(accepted);
            assertFalse(accepted.isOpen(), "closed by the hand-off, not left to a task that never runs");
            client.setSoTimeout(30_000);
            assertEquals(-1, client.getInputStream().read(), "the client sees the close");
            assertEquals(0, share.pending.get());
            assertEquals(0, share.open.get());
        }
    }

    @Test
    void channelsStillWaitingWhenTheLoopFinishesAreClosedByItsLastTrigger() throws Exception {
        Reactor loop = new Reactor();
        TcpGroup.LoopShare share = new TcpGroup.LoopShare(loop, new PerLoopEcho(), TcpOptions.defaults());
        loop.addShutdownTrigger(ShutdownPhase.AFTER, share::loopFinished);
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(Loopback.ANY_PORT);
                Socket client = new Socket()) {
            client.connect(server.getLocalAddress(), 30_000);
            SocketChannel accepted = server.accept();
            share.handOver(accepted);  // the loop has not run: the channel waits for it
            assertTrue(accepted.isOpen());
            loop.stop();
            loop.run();  // finishes in its first turn: the AFTER trigger runs before any task
            assertFalse(accepted.isOpen(), "closed when the loop finished, never adopted");
            assertEquals(0, share.open.get(), "no connection was built on the finished loop");
            client.setSoTimeout(30_000);
            assertEquals(-1, client.getInputStream().read());
        }
    }
}
