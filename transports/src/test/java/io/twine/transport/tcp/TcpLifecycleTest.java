package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.ErrorReporter;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Whole connections: resources, failures, shutdown and backpressure. */
@Timeout(120)
class TcpLifecycleTest {

    /** Connects and closes at once, {@code cycles} times in a row, waiting for both ends each time. */
    private static void connectAndClose(ReactorThread rt, ListeningPort port, int cycles) {
        for (int i = 0; i < cycles; i++) {
            Loopback.Recording client = new Loopback.Recording() {
                @Override
                public void connectionMade() {
                    transport.loseConnection();
                }
            };
            Loopback.RecordingClientFactory factory = new Loopback.RecordingClientFactory(() -> client);
            rt.call(() -> Tcp.connect(rt.reactor(), port.getHost(), factory));
            ReactorThread.await(client.lost);
            ReactorThread.await(factory.lost);
        }
    }

    @Test
    void aThousandConnectCloseCyclesLeaveTheDescriptorCountWhereItWas() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            List<CompletableFuture<Reason>> serverSides = new CopyOnWriteArrayList<>();
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> {
                Loopback.Recording server = new Loopback.Recording();
                serverSides.add(server.lost);
                return server;
            })));
            connectAndClose(rt, port, 10);  // warm-up: classes loaded, pools filled
            serverSides.forEach(ReactorThread::await);
            settle(rt);
            long before = Loopback.openDescriptors();
            connectAndClose(rt, port, 1000);
            serverSides.forEach(ReactorThread::await);
            Loopback.awaitDescriptorsAtMost(rt, before);
            assertEquals(1010, serverSides.size());
            assertEquals(1, (int) rt.call(() -> rt.reactor().trackedCount()), "only the listener is left");
        }
    }

    /** Runs two loop iterations, so the selector has processed every close (and freed its descriptor). */
    private static void settle(ReactorThread rt) {
        rt.call(() -> null);
        rt.call(() -> null);
    }

    @Test
    void exceptionInDataReceivedClosesThatConnectionOnlyAndIsReportedOnce() throws Exception {
        Reactor reactor = new Reactor();
        List<String> reported = new CopyOnWriteArrayList<>();
        reactor.setErrorReporter((context, error) -> reported.add(context + ": " + error.getMessage()));
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            List<Loopback.Recording> servers = new CopyOnWriteArrayList<>();
            ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT, Factory.forProtocol(() -> {
                Loopback.Recording server = new Loopback.Recording() {
                    @Override
                    public void dataReceived(ByteBuffer data) {
                        if (StandardCharsets.US_ASCII.decode(data.duplicate()).toString().contains("boom")) {
                            throw new IllegalStateException("protocol bug");
                        }
                        transport.write(data);
                    }
                };
                servers.add(server);
                return server;
            })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket healthy = new Socket(bound.getAddress(), bound.getPort());
                    Socket doomed = new Socket(bound.getAddress(), bound.getPort())) {
                healthy.setSoTimeout(10_000);
                doomed.setSoTimeout(10_000);
                doomed.getOutputStream().write("boom".getBytes(StandardCharsets.US_ASCII));
                assertEquals(-1, doomed.getInputStream().read(), "the failing connection is closed");
                healthy.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                assertEquals("ping", new String(healthy.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            }
            Reason reason = servers.stream().map(s -> s.lost).filter(f -> {
                Reason r = ReactorThread.await(f);
                return r.kind() == Reason.Kind.ERROR;
            }).map(ReactorThread::await).findFirst().orElseThrow();
            assertEquals("protocol bug", reason.cause().getMessage());
            assertEquals(1, reported.size(), reported.toString());
            assertTrue(reported.get(0).startsWith("dataReceived of "), reported.get(0));
            assertTrue(reported.get(0).contains("127.0.0.1"), "names the connection: " + reported.get(0));
        }
    }

    @Test
    void stopFromAnotherThreadClosesEverySocketAndRunReturns() throws Exception {
        runServerWithClientsThenStop();  // warm-up: load every class the run below touches
        Set<String> before = Loopback.openDescriptorSet();
        runServerWithClientsThenStop();
        // Compared as sets, not counts: another thread of the JVM (a cleaner closing a socket an
        // earlier test dropped) may close a descriptor meanwhile.
        Set<String> left = Loopback.openDescriptorSet();
        left.removeAll(before);
        assertEquals(Set.of(), left, "descriptors the run left open");
    }

    private static void runServerWithClientsThenStop() throws Exception {
        Reactor reactor = new Reactor();
        List<String> reported = new CopyOnWriteArrayList<>();
        reactor.setErrorReporter((context, error) -> reported.add(context));
        List<Loopback.Recording> all = new CopyOnWriteArrayList<>();
        ReactorThread rt = ReactorThread.start(reactor);
        ListeningPort port = rt.call(() -> Tcp.listen(reactor, ANY_PORT, Factory.forProtocol(() -> {
            Loopback.Recording server = new Loopback.Recording();
            all.add(server);
            return server;
        })));
        List<Loopback.Recording> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Loopback.Recording client = new Loopback.Recording();
            clients.add(client);
            all.add(client);
            rt.call(() -> Tcp.connect(reactor, port.getHost(), new Loopback.RecordingClientFactory(() -> client)));
            ReactorThread.await(client.made);
        }
        InetSocketAddress bound = (InetSocketAddress) port.getHost();
        try (Socket outsider = new Socket(bound.getAddress(), bound.getPort())) {
            outsider.setSoTimeout(10_000);
            while (all.size() < 9) {
                rt.call(() -> null);  // wait for the outsider's server side to be made
            }
            rt.close();  // stop() from this thread, then wait for run() to return
            assertEquals(-1, outsider.getInputStream().read(), "the outsider sees the close");
        }
        assertFalse(reactor.isRunning());
        for (Loopback.Recording protocol : all) {
            assertTrue(ReactorThread.await(protocol.lost).isClean());
        }
        assertTrue(reported.isEmpty(), reported.toString());
    }

    @Test
    void stopLetsQueuedBytesReachTheirReaderBeforeClosing() throws Exception {
        int total = 8 * 1024 * 1024;
        try (ReactorThread rt = ReactorThread.start()) {
            CompletableFuture<Loopback.Recording> server = new CompletableFuture<>();
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> {
                Loopback.Recording protocol = new Loopback.Recording() {
                    @Override
                    public void connectionMade() {
                        transport.write(Loopback.patternBytes(0, total));
                        super.connectionMade();
                    }
                };
                server.complete(protocol);
                return protocol;
            })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(30_000);
                ReactorThread.await(ReactorThread.await(server).made);
                rt.reactor().stop();
                assertEquals(total, Loopback.readPatternUntilEof(socket.getInputStream(), 8192));
            }
            assertEquals(Reason.Kind.CLOSED_BY_US, ReactorThread.await(ReactorThread.await(server).lost).kind());
        }
    }

    @Test
    void echoServerStaysUnderItsHighWaterMarkWhileAClientWrites256MibWithoutReading() throws Exception {
        long total = 256L * 1024 * 1024;
        try (ReactorThread rt = ReactorThread.start()) {
            CompletableFuture<Loopback.Echo> server = new CompletableFuture<>();
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> {
                Loopback.Echo echo = new Loopback.Echo();
                server.complete(echo);
                return echo;
            })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(60_000);
                CompletableFuture<Void> written = new CompletableFuture<>();
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = socket.getOutputStream();
                        byte[] block = new byte[1 << 20];
                        for (long sent = 0; sent < total; sent += block.length) {
                            for (int i = 0; i < block.length; i++) {
                                block[i] = Loopback.pattern(sent + i);
                            }
                            out.write(block);
                        }
                        written.complete(null);
                    } catch (Exception e) {
                        written.completeExceptionally(e);
                    }
                });
                writer.start();
                // The server's own buffer filled and it stopped reading: the client is blocked now.
                ReactorThread.await(server.thenCompose(e -> e.firstPause));
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[1 << 16];
                long received = 0;
                while (received < total) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] != Loopback.pattern(received + i)) {
                            throw new AssertionError("byte " + (received + i) + " differs");
                        }
                    }
                    received += n;
                }
                ReactorThread.await(written);
                assertEquals(total, received);
            }
            Loopback.Echo echo = ReactorThread.await(server);
            long largest = rt.call(() -> echo.largestWriteBuffer);
            assertTrue(largest <= TcpConnection.DEFAULT_HIGH_WATER_MARK + Reactor.READ_BUFFER_SIZE,
                    "the echo server buffered " + largest + " bytes");
        }
    }
}
