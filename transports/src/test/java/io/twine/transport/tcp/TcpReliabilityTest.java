package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.reactor.TcpOptions;
import io.twine.testing.ReactorThread;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One bad peer or one bad callback costs that connection only: never memory, data or the loop. */
@Timeout(120)
class TcpReliabilityTest {

    private final List<String> reported = new CopyOnWriteArrayList<>();
    private ReactorThread rt;
    private Reactor reactor;

    @BeforeEach
    void startReactor() {
        reactor = new Reactor();
        reactor.setErrorReporter((context, error) -> reported.add(context + " -> " + error));
        rt = ReactorThread.start(reactor);
    }

    @AfterEach
    void stopReactor() {
        rt.close();
    }

    /** A protocol that counts its connectionLost calls and keeps the last reason. */
    static class Counting extends Loopback.Recording {
        final AtomicInteger lostCalls = new AtomicInteger();

        @Override
        public void connectionLost(Reason reason) {
            lostCalls.incrementAndGet();
            super.connectionLost(reason);
        }
    }

    private <P extends Protocol> CompletableFuture<P> listen(Supplier<P> protocols, List<ListeningPort> port)
            throws Exception {
        CompletableFuture<P> first = new CompletableFuture<>();
        port.add(rt.call(() -> Tcp.listen(reactor, ANY_PORT, Factory.forProtocol(() -> {
            P protocol = protocols.get();
            first.complete(protocol);
            return protocol;
        }))));
        return first;
    }

    private static Socket connect(ListeningPort port) throws Exception {
        InetSocketAddress bound = (InetSocketAddress) port.getHost();
        Socket socket = new Socket(bound.getAddress(), bound.getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** Proves the loop still serves: a new connection to a fresh echo listener round-trips. */
    private void assertLoopStillServes() throws Exception {
        List<ListeningPort> ports = new ArrayList<>();
        listen(Loopback.Echo::new, ports);
        try (Socket socket = connect(ports.get(0))) {
            socket.getOutputStream().write(new byte[] {1, 2, 3});
            assertEquals(3, socket.getInputStream().readNBytes(3).length);
        }
    }

    // ------------------------------------------------------------------ resets

    @Test
    void peerResettingDuringOurWriteGivesOneResetAndNoReport() throws Exception {
        List<ListeningPort> port = new ArrayList<>();
        CompletableFuture<Counting> server = listen(() -> new Counting() {
            @Override
            public void connectionMade() {
                super.connectionMade();
                transport.write(new byte[16 * 1024 * 1024]);
            }
        }, port);
        try (Socket socket = connect(port.get(0))) {
            socket.getInputStream().read();  // the write is under way
            socket.setSoLinger(true, 0);      // close() now sends RST
        }
        Counting counting = ReactorThread.await(server);
        Reason reason = ReactorThread.await(counting.lost);
        assertEquals(Reason.Kind.RESET, reason.kind(), reason.toString());
        rt.call(() -> null);
        assertEquals(1, counting.lostCalls.get());
        assertTrue(reported.isEmpty(), "a reset is not an error to report: " + reported);
        assertLoopStillServes();
    }

    @Test
    void peerResettingDuringOurReadGivesOneResetAndNoReport() throws Exception {
        List<ListeningPort> port = new ArrayList<>();
        CompletableFuture<Counting> server = listen(() -> new Counting() {
            @Override
            public void connectionMade() {
                super.connectionMade();
                transport.pauseProducing();  // let the peer's bytes pile up unread
            }
        }, port);
        try (Socket socket = connect(port.get(0))) {
            socket.getOutputStream().write(new byte[256 * 1024]);
            ReactorThread.await(server);
            socket.setSoLinger(true, 0);
        }
        Counting counting = ReactorThread.await(server);
        rt.run(() -> counting.transport().resumeProducing());
        Reason reason = ReactorThread.await(counting.lost);
        assertEquals(Reason.Kind.RESET, reason.kind(), reason.toString());
        assertTrue(reason.message().contains("reset"), reason.message());
        rt.call(() -> null);
        assertEquals(1, counting.lostCalls.get());
        assertTrue(reported.isEmpty(), reported.toString());
        assertLoopStillServes();
    }

    // ------------------------------------------------------------------ throwing callbacks

    private void assertThrowingCallbackClosesWithItsException(Supplier<Counting> protocols, byte[] send,
            boolean shutdownOutput, String callback) throws Exception {
        List<ListeningPort> port = new ArrayList<>();
        CompletableFuture<Counting> server = listen(protocols, port);
        try (Socket socket = connect(port.get(0))) {
            socket.getOutputStream().write(send);
            if (shutdownOutput) {
                socket.shutdownOutput();
            }
            Reason reason = ReactorThread.await(ReactorThread.await(server).lost);
            assertEquals(Reason.Kind.ERROR, reason.kind());
            assertEquals(callback + " failed", reason.cause().getMessage());
            assertEquals(-1, socket.getInputStream().read(), "the peer sees the close");
        }
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.get(0).startsWith(callback + " of "), reported.get(0));
        assertLoopStillServes();
    }

    @Test
    void throwingConnectionMadeClosesThatConnection() throws Exception {
        assertThrowingCallbackClosesWithItsException(() -> new Counting() {
            @Override
            public void connectionMade() {
                throw new IllegalStateException("connectionMade failed");
            }
        }, new byte[0], false, "connectionMade");
    }

    @Test
    void throwingDataReceivedClosesThatConnection() throws Exception {
        assertThrowingCallbackClosesWithItsException(() -> new Counting() {
            @Override
            public void dataReceived(ByteBuffer data) {
                throw new IllegalStateException("dataReceived failed");
            }
        }, new byte[] {1}, false, "dataReceived");
    }

    static class ThrowingOnEof extends Counting implements HalfCloseableProtocol {
        @Override
        public void readConnectionLost() {
            throw new IllegalStateException("readConnectionLost failed");
        }
    }

    @Test
    void throwingReadConnectionLostClosesThatConnection() throws Exception {
        assertThrowingCallbackClosesWithItsException(ThrowingOnEof::new, new byte[] {1}, true, "readConnectionLost");
    }

    @Test
    void throwingPauseProducingClosesThatConnection() throws Exception {
        assertThrowingCallbackClosesWithItsException(() -> new Counting() {
            @Override
            public void connectionMade() {
                transport.registerProducer(new io.twine.protocol.Producer() {
                    @Override
                    public void resumeProducing() {}

                    @Override
                    public void pauseProducing() {
                        throw new IllegalStateException("pauseProducing failed");
                    }

                    @Override
                    public void stopProducing() {}
                }, true);
                transport.write(new byte[1024 * 1024]);  // above the high mark at once
            }
        }, new byte[0], false, "pauseProducing");
    }

    @Test
    void throwingConnectionLostIsReportedOnceAndTheLoopGoesOn() throws Exception {
        List<ListeningPort> port = new ArrayList<>();
        CompletableFuture<Void> lost = new CompletableFuture<>();
        listen(() -> new Protocol() {
            @Override
            public void connectionLost(Reason reason) {
                lost.complete(null);
                throw new IllegalStateException("connectionLost failed");
            }
        }, port);
        connect(port.get(0)).close();
        ReactorThread.await(lost);
        rt.call(() -> null);
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.get(0).startsWith("connectionLost of "), reported.get(0));
        assertLoopStillServes();
    }

    @Test
    void throwingBuildProtocolRefusesThatConnectionOnly() throws Exception {
        ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT, new Factory() {
            @Override
            public Protocol buildProtocol(SocketAddress peer) {
                throw new IllegalStateException("buildProtocol failed");
            }
        }));
        try (Socket socket = connect(port)) {
            assertEquals(-1, socket.getInputStream().read());
        }
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.get(0).startsWith("buildProtocol of "), reported.get(0));
        assertTrue(rt.call(port::isListening));
        assertLoopStillServes();
    }

    @Test
    void throwingStartFactoryFailsListenWithItsExceptionAndOpensNothing() throws Exception {
        Factory failing = new Factory() {
            @Override
            public Protocol buildProtocol(SocketAddress peer) {
                return new Protocol() { };
            }

            @Override
            public void startFactory() {
                throw new IllegalStateException("startFactory failed");
            }
        };
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> rt.call(() -> Tcp.listen(reactor, ANY_PORT, failing)));
        assertEquals("startFactory failed", error.getMessage());
        assertEquals(0, (int) rt.call(failing::activePorts));
        assertEquals(0, (int) rt.call(reactor::trackedCount));
        assertLoopStillServes();
    }

    @Test
    void throwingStartFactoryOfAClientReachesClientConnectionFailed() throws Exception {
        CompletableFuture<Reason> failed = new CompletableFuture<>();
        ClientFactory failing = new ClientFactory() {
            @Override
            public Protocol buildProtocol(SocketAddress peer) {
                return new Protocol() { };
            }

            @Override
            public void startFactory() {
                throw new IllegalStateException("startFactory failed");
            }

            @Override
            public void clientConnectionFailed(Connector connector, Reason reason) {
                failed.complete(reason);
            }
        };
        rt.call(() -> Tcp.connect(reactor, new InetSocketAddress("127.0.0.1", 9), failing));
        assertEquals("startFactory failed", ReactorThread.await(failed).cause().getMessage());
        assertEquals(1, reported.size(), reported.toString());
        assertLoopStillServes();
    }

    @Test
    void throwingClientConnectionFailedIsReportedOnce() throws Exception {
        CompletableFuture<Void> called = new CompletableFuture<>();
        ClientFactory failing = new ClientFactory() {
            @Override
            public Protocol buildProtocol(SocketAddress peer) {
                return new Protocol() { };
            }

            @Override
            public void clientConnectionFailed(Connector connector, Reason reason) {
                called.complete(null);
                throw new IllegalStateException("clientConnectionFailed failed");
            }
        };
        InetSocketAddress nobody;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            nobody = new InetSocketAddress("127.0.0.1", closed.getLocalPort());
        }
        InetSocketAddress target = nobody;
        rt.call(() -> Tcp.connect(reactor, target, failing));
        ReactorThread.await(called);
        rt.call(() -> null);
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.get(0).startsWith("clientConnectionFailed of "), reported.get(0));
        assertLoopStillServes();
    }

    // ------------------------------------------------------------------ churn and limits

    /**
     * A client whose server closes at once (so TIME_WAIT lands on the server's side and the
     * client's ephemeral ports are not used up); each loss starts the next connect from the loop.
     */
    private static final class ChainedConnects extends ClientFactory {
        final Reactor reactor;
        final SocketAddress server;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Cycles finished by every chain together: the progress the test waits on. */
        final AtomicLong finished;
        int remaining;

        ChainedConnects(Reactor reactor, SocketAddress server, int cycles, AtomicLong finished) {
            this.reactor = reactor;
            this.server = server;
            this.remaining = cycles;
            this.finished = finished;
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            return new Protocol() { };
        }

        @Override
        public void clientConnectionLost(Connector connector, Reason reason) {
            finished.incrementAndGet();
            if (--remaining == 0) {
                done.complete(null);
            } else {
                connector.connect();
            }
        }

        @Override
        public void clientConnectionFailed(Connector connector, Reason reason) {
            done.completeExceptionally(new AssertionError("connect failed: " + reason));
        }
    }

    @Test
    @Timeout(900)  // a backstop only: runChains fails as soon as the cycles stop making progress
    void twentyThousandConnectCloseCyclesLeaveNoDescriptorConnectionOrChunkBehind() throws Exception {
        ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT, Factory.forProtocol(() -> new Protocol() {
            @Override
            public void connectionMade() {
                transport.write(new byte[100]);
                transport.loseConnection();
            }
        }), TcpOptions.defaults().withBacklog(1024)));
        runChains(port, 4, 25);  // warm-up
        long before = Loopback.openDescriptors();
        runChains(port, 8, 2500);
        Loopback.awaitDescriptorsAtMost(rt, before);
        assertEquals(1, (int) rt.call(reactor::trackedCount), "only the listener is left");
        assertEquals(0L, (long) rt.call(() -> ((TcpListener) port).loop.chunkPool().inUse()));
        assertEquals(0, (int) rt.call(() -> ((TcpListener) port).openConnections()));
        assertTrue(reported.isEmpty(), reported.toString());
    }

    /**
     * Runs {@code chains} chains of {@code cyclesEach} connect-close cycles at once and waits for
     * all of them, however long a busy machine makes that take, as long as cycles keep finishing:
     * it fails when none has finished for {@value #STALL_SECONDS} s (a leak or a stuck loop).
     */
    private void runChains(ListeningPort port, int chains, int cyclesEach) throws Exception {
        AtomicLong finished = new AtomicLong();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        rt.run(() -> {
            for (int i = 0; i < chains; i++) {
                ChainedConnects chain = new ChainedConnects(reactor, port.getHost(), cyclesEach, finished);
                done.add(chain.done);
                Tcp.connect(reactor, port.getHost(), chain);
            }
        });
        awaitWhileProgressing(done, finished, "connect-close cycles of " + (long) chains * cyclesEach);
    }

    private static final long STALL_SECONDS = 30;

    /**
     * Waits for every one of {@code futures}, however long a busy machine makes that take, as
     * long as {@code progress} keeps moving: fails when it has not moved for {@value #STALL_SECONDS} s.
     */
    private static void awaitWhileProgressing(List<? extends CompletableFuture<?>> futures, AtomicLong progress,
            String what) throws InterruptedException {
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        long seen = -1;
        while (true) {
            try {
                all.get(STALL_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            } catch (TimeoutException e) {
                long now = progress.get();
                if (now == seen) {
                    throw new AssertionError("no progress in " + STALL_SECONDS + " s: " + now + " " + what + " done");
                }
                seen = now;
            }
        }
    }

    @Test
    void twoThousandIdleConnectionsCloseWithoutLeavingAnythingBehind() throws Exception {
        List<Counting> servers = new CopyOnWriteArrayList<>();
        ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT, Factory.forProtocol(() -> {
            Counting server = new Counting();
            servers.add(server);
            return server;
        }), TcpOptions.defaults().withBacklog(4096)));
        openIdleThenClose(port, servers, 10);  // warm-up: the JDK opens a descriptor of its own once
        long before = Loopback.openDescriptors();
        openIdleThenClose(port, servers, 2000);
        Loopback.awaitDescriptorsAtMost(rt, before);
        assertEquals(1, (int) rt.call(reactor::trackedCount));
        assertEquals(0L, (long) rt.call(() -> ((TcpListener) port).loop.chunkPool().inUse()));
        assertTrue(reported.isEmpty(), reported.toString());
    }

    /** Opens {@code count} connections that stay idle until all are up, then closes them from the client side. */
    private void openIdleThenClose(ListeningPort port, List<Counting> servers, int count) {
        servers.clear();
        List<Counting> clients = new ArrayList<>();
        rt.run(() -> {
            for (int i = 0; i < count; i++) {
                Counting client = new Counting();
                clients.add(client);
                Tcp.connect(reactor, port.getHost(), new Loopback.RecordingClientFactory(() -> client));
            }
        });
        clients.forEach(c -> ReactorThread.await(c.made));
        while (servers.size() < count) {
            rt.call(() -> null);
        }
        servers.forEach(s -> ReactorThread.await(s.made));
        assertEquals(2 * count + 1, (int) rt.call(reactor::trackedCount));
        rt.run(() -> clients.forEach(c -> c.transport().loseConnection()));
        clients.forEach(c -> assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(c.lost).kind()));
        servers.forEach(s -> assertEquals(Reason.Kind.CLOSED_BY_PEER, ReactorThread.await(s.lost).kind()));
    }

    @Test
    void connectionsBeyondThePortsLimitAreClosedAtOnceAndTheRefusalIsReportedOnce() throws Exception {
        List<Counting> servers = new CopyOnWriteArrayList<>();
        ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT, Factory.forProtocol(() -> {
            Counting server = new Counting();
            servers.add(server);
            return server;
        }), TcpOptions.defaults().withMaxConnections(2)));
        try (Socket first = connect(port); Socket second = connect(port)) {
            while (servers.size() < 2) {
                rt.call(() -> null);
            }
            for (int i = 0; i < 3; i++) {
                try (Socket refused = connect(port)) {
                    assertEquals(-1, refused.getInputStream().read(), "over the limit: closed at once");
                }
            }
            assertEquals(2, servers.size());
            assertEquals(3L, (long) rt.call(() -> reactor.metrics().connectionsRefused()));
            assertEquals(1, reported.size(), reported.toString());
            assertTrue(reported.get(0).contains("limit of 2 open connections"), reported.get(0));
        }
        servers.forEach(s -> ReactorThread.await(s.lost));
        try (Socket again = connect(port)) {
            while (servers.size() < 3) {
                rt.call(() -> null);
            }
        }
    }

    // ------------------------------------------------------------------ shutdown

    /** Each connection's server queues {@code bytes} of the pattern as soon as it is made. */
    private ListeningPort listenWriting(int bytes, List<Counting> servers) {
        byte[] pattern = Loopback.patternBytes(0, bytes);  // once: making it is slow, and each write copies it
        return rt.call(() -> Tcp.listen(reactor, ANY_PORT, Factory.forProtocol(() -> {
            Counting server = new Counting() {
                @Override
                public void connectionMade() {
                    super.connectionMade();
                    transport.write(pattern);
                }
            };
            servers.add(server);
            return server;
        })));
    }

    /** Reads the pattern from {@code socket} on a thread of its own until the end of stream, counting into {@code progress}. */
    private static CompletableFuture<Long> readAllOnAThread(Socket socket, AtomicLong progress) {
        CompletableFuture<Long> bytes = new CompletableFuture<>();
        new Thread(() -> {
            try (socket) {
                bytes.complete(Loopback.readPatternUntilEof(socket.getInputStream(), 65536, progress));
            } catch (Throwable e) {
                bytes.completeExceptionally(e);
            }
        }).start();
        return bytes;
    }

    @Test
    @Timeout(900)  // a backstop only: the reads fail as soon as they stop making progress
    void stopDeliversEveryQueuedByteToEachReaderAndWaitsForAPeerThatReadsLate() throws Exception {
        int readers = 16;
        int perConnection = 8 * 1024 * 1024;
        // Longer than any test may run: every connection here ends by being read to the end.
        rt.run(() -> reactor.setShutdownGracePeriod(Duration.ofMinutes(10)));
        List<Counting> servers = new CopyOnWriteArrayList<>();
        ListeningPort port = listenWriting(perConnection, servers);
        try (Socket late = connect(port)) {
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < readers; i++) {
                sockets.add(connect(port));
            }
            while (servers.size() < readers + 1) {
                rt.call(() -> null);
            }
            servers.forEach(s -> ReactorThread.await(s.made));
            Counting lateServer = rt.call(() -> servers.stream()
                    .filter(s -> s.transport().getPeer().equals(late.getLocalSocketAddress())).findFirst().orElseThrow());
            reactor.stop();  // from this thread; everything below was queued before it
            List<CompletableFuture<Long>> received = new ArrayList<>();
            AtomicLong bytesRead = new AtomicLong();
            for (Socket socket : sockets) {
                received.add(readAllOnAThread(socket, bytesRead));
            }
            // 128 MiB read and checked byte by byte: on a busy machine that takes what it takes.
            awaitWhileProgressing(received, bytesRead, "bytes of " + (long) readers * perConnection + " read");
            for (CompletableFuture<Long> bytes : received) {
                assertEquals(perConnection, (long) ReactorThread.await(bytes));
            }
            for (Counting server : servers) {
                if (server != lateServer) {
                    assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(server.lost).kind());
                }
            }
            // The peer that has not read holds only its own connection open (its 8 MiB cannot fit in
            // the socket buffers), and the reactor waits for it.
            assertFalse(lateServer.lost.isDone(), "the late peer's connection ended before it read");
            assertTrue(reactor.isRunning(), "the reactor stopped before the late peer read its bytes");
            AtomicLong lateRead = new AtomicLong();
            CompletableFuture<Long> lateBytes = readAllOnAThread(late, lateRead);
            awaitWhileProgressing(List.of(lateBytes), lateRead, "bytes of " + perConnection + " read late");
            assertEquals(perConnection, (long) lateBytes.join());
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(lateServer.lost).kind());
        }
    }

    @Test
    void stopAbortsAPeerThatNeverReadsWhenTheGracePeriodEnds() throws Exception {
        rt.run(() -> reactor.setShutdownGracePeriod(Duration.ofMillis(100)));
        List<Counting> servers = new CopyOnWriteArrayList<>();
        ListeningPort port = listenWriting(8 * 1024 * 1024, servers);
        try (Socket stuck = connect(port)) {
            while (servers.isEmpty()) {
                rt.call(() -> null);
            }
            Counting stuckServer = servers.get(0);
            ReactorThread.await(stuckServer.made);
            reactor.stop();
            Reason stuckReason = ReactorThread.await(stuckServer.lost);
            assertEquals(Reason.Kind.ABORTED, stuckReason.kind());
            assertTrue(stuckReason.message().contains("grace period"), stuckReason.message());
            assertEquals(1, stuckServer.lostCalls.get());
        }
    }
}
