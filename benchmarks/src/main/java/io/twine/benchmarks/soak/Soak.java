package io.twine.benchmarks.soak;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The soak: mixed load on one twine echo server for a chosen time (default 10 minutes), then a
 * reckoning. Echo clients (on a second reactor) send random sizes with random pauses and check
 * every byte that comes back; meanwhile other peers reset their connections mid-stream, others
 * write and never read, timers fire and other threads call in. At the end every surviving echo
 * client must have received exactly what it sent, and descriptors and heap are compared with
 * the start.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.twine.benchmarks.soak.Soak [--duration 10m] [--clients 200]</pre>
 */
public final class Soak {

    private static final int MAX_IN_FLIGHT = 256 * 1024;

    private final Duration duration;
    private final int clientCount;
    private final Random random = new Random(20261129);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong stuckPeers = new AtomicLong();
    private final AtomicLong crossThreadCalls = new AtomicLong();
    private long timerRuns;
    private long worstTimerLateNanos;
    private final Map<Reason.Kind, Long> serverCloses = new EnumMap<>(Reason.Kind.class);

    private Soak(Duration duration, int clientCount) {
        this.duration = duration;
        this.clientCount = clientCount;
    }

    public static void main(String[] args) throws Exception {
        Duration duration = Duration.ofMinutes(10);
        int clients = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--duration" -> duration = parseDuration(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: Soak [--duration 10m|90s] [--clients N]");
                    System.exit(2);
                }
            }
        }
        System.exit(new Soak(duration, clients).run() ? 0 : 1);
    }

    static Duration parseDuration(String text) {
        char unit = text.charAt(text.length() - 1);
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("duration like 90s, 10m or 1h, got " + text);
        };
    }

    /** Echoes, and stops reading while its own replies are not being read. */
    static final class Echo extends Protocol {
        private final Map<Reason.Kind, Long> closes;

        Echo(Map<Reason.Kind, Long> closes) {
            this.closes = closes;
        }

        @Override
        public void connectionMade() {
            transport.registerProducer(transport, true);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }

        @Override
        public void connectionLost(Reason reason) {
            closes.merge(reason.kind(), 1L, Long::sum);
        }
    }

    /** Sends pattern bytes in random sizes with random pauses; checks every byte that comes back. */
    final class EchoClient extends Protocol {
        final Reactor reactor;
        final Random own;
        long sent;
        long received;
        boolean corrupt;
        boolean lost;
        boolean finishing;
        final CompletableFuture<Void> drained = new CompletableFuture<>();

        EchoClient(Reactor reactor, long seed) {
            this.reactor = reactor;
            this.own = new Random(seed);
        }

        @Override
        public void connectionMade() {
            sendSome();
        }

        void sendSome() {
            if (lost || finishing) {
                return;
            }
            if (sent - received < MAX_IN_FLIGHT) {
                int size = 1 + own.nextInt(own.nextBoolean() ? 256 : 64 * 1024);
                byte[] chunk = new byte[size];
                for (int i = 0; i < size; i++) {
                    chunk[i] = pattern(sent + i);
                }
                transport.write(chunk);
                sent += size;
            }
            reactor.callLater(Duration.ofMillis(own.nextInt(20)), this::sendSome);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining()) {
                if (data.get() != pattern(received++)) {
                    corrupt = true;
                }
            }
            if (finishing && received == sent) {
                drained.complete(null);
            }
        }

        void finish() {
            finishing = true;
            if (received == sent || lost) {
                drained.complete(null);
            }
        }

        @Override
        public void connectionLost(Reason reason) {
            lost = true;
            drained.complete(null);
        }
    }

    static byte pattern(long index) {
        return (byte) ((index * 7 + (index >>> 9)) & 0xff);
    }

    private boolean run() throws Exception {
        long startFds = openDescriptors();
        long startHeap = usedHeapAfterGc();
        Reactor serverReactor = new Reactor();
        Reactor clientReactor = new Reactor();
        List<EchoClient> clients = new ArrayList<>();
        boolean passed;
        System.out.printf("soak: %d echo clients for %s; resets, stuck peers, timers and cross-thread calls throughout%n",
                clientCount, duration);
        try (ReactorThread server = ReactorThread.start(serverReactor);
                ReactorThread client = ReactorThread.start(clientReactor)) {
            ListeningPort port = server.call(() -> Tcp.listen(serverReactor, new InetSocketAddress("127.0.0.1", 0),
                    Factory.forProtocol(() -> new Echo(serverCloses))));
            InetSocketAddress address = (InetSocketAddress) port.getHost();
            client.run(() -> {
                for (int i = 0; i < clientCount; i++) {
                    EchoClient echo = new EchoClient(clientReactor, i);
                    clients.add(echo);
                    Tcp.connect(clientReactor, address, new ClientFactory() {
                        @Override
                        public Protocol buildProtocol(SocketAddress peer) {
                            return echo;
                        }

                        @Override
                        public void clientConnectionFailed(Connector connector, Reason reason) {
                            echo.connectionLost(reason);
                        }
                    });
                }
            });
            server.run(() -> tick(serverReactor, System.nanoTime()));
            Thread chaos = new Thread(() -> chaos(address), "soak-chaos");
            Thread caller = new Thread(() -> callIn(serverReactor), "soak-caller");
            chaos.start();
            caller.start();

            long end = System.nanoTime() + duration.toNanos();
            long nextReport = System.nanoTime();
            CompletableFuture<Void> finished = new CompletableFuture<>();
            server.run(() -> serverReactor.callLater(duration, () -> finished.complete(null)));
            while (!finished.isDone()) {
                if (System.nanoTime() >= nextReport) {
                    long[] totals = client.call(() -> new long[] {
                            clients.stream().mapToLong(c -> c.sent).sum(),
                            clients.stream().filter(c -> !c.lost).count()});
                    System.out.printf("  %4ds left: %,d bytes echoed by %d clients, %d resets, %d stuck peers%n",
                            Math.max(0, (end - System.nanoTime()) / 1_000_000_000L), totals[0], totals[1],
                            resets.get(), stuckPeers.get());
                    nextReport += Duration.ofSeconds(Math.max(5, duration.getSeconds() / 20)).toNanos();
                }
                try {
                    finished.get(1, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    // report progress and wait again
                }
            }
            running.set(false);
            chaos.join();
            caller.join();
            client.run(() -> clients.forEach(EchoClient::finish));
            for (EchoClient echo : clients) {
                echo.drained.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            passed = report(clients, server, port);
            client.run(() -> clients.stream().filter(c -> !c.lost).forEach(c -> c.transport().loseConnection()));
        }
        // Both reactors have stopped and closed everything they opened.
        clients.clear();
        long endFds = openDescriptors();
        long endHeap = usedHeapAfterGc();
        System.out.printf("descriptors: %d at start, %d at end (the JDK keeps one for closing channels once any was closed)%n",
                startFds, endFds);
        System.out.printf("heap used after GC: %,d KiB at start, %,d KiB at end%n", startHeap / 1024, endHeap / 1024);
        return passed;
    }

    private boolean report(List<EchoClient> clients, ReactorThread server, ListeningPort port) throws Exception {
        long survivors = clients.stream().filter(c -> !c.lost).count();
        long equal = clients.stream().filter(c -> !c.lost && c.sent == c.received && !c.corrupt).count();
        long bytes = clients.stream().mapToLong(c -> c.sent).sum();
        System.out.println();
        System.out.println("surviving echo clients: " + survivors + " of " + clients.size());
        System.out.println("  bytes sent == bytes received, every byte as sent: " + equal + " of " + survivors);
        System.out.printf("  total echoed: %,d bytes%n", bytes);
        for (EchoClient c : clients.subList(0, Math.min(5, clients.size()))) {
            System.out.printf("  e.g. sent %,d received %,d%n", c.sent, c.received);
        }
        System.out.println("peers that reset mid-stream: " + resets.get() + ", peers that never read: " + stuckPeers.get());
        System.out.println("server connections closed, by reason: " + server.call(() -> new EnumMap<>(serverCloses)));
        System.out.println("cross-thread calls: " + crossThreadCalls.get() + ", timer runs: " + server.call(() -> timerRuns));
        System.out.printf("longest loop stall seen by a 10 ms timer: %.1f ms%n", server.call(() -> worstTimerLateNanos) / 1e6);
        server.run(port::stopListening);
        return survivors == equal && survivors > 0;
    }

    /** A timer every 10 ms that measures how late it runs: a stalled loop shows up here. */
    private void tick(Reactor reactor, long due) {
        long late = System.nanoTime() - due;
        worstTimerLateNanos = Math.max(worstTimerLateNanos, late);
        timerRuns++;
        if (running.get()) {
            long next = System.nanoTime() + 10_000_000L;
            reactor.callLater(Duration.ofMillis(10), () -> tick(reactor, next));
        }
    }

    /** Other threads calling into the server's loop throughout. */
    private void callIn(Reactor reactor) {
        long[] sink = new long[1];
        while (running.get()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            reactor.callFromThread(() -> {
                sink[0]++;
                done.complete(null);
            });
            done.join();
            crossThreadCalls.incrementAndGet();
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);  // pace the load: ~10,000 calls a second at most
        }
    }

    /** Peers that reset in the middle of a stream, and peers that write and never read. */
    private void chaos(InetSocketAddress address) {
        List<Socket> stuck = new ArrayList<>();
        Random own = new Random(7);
        try {
            while (running.get()) {
                try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(new byte[1 + own.nextInt(200_000)]);
                    socket.getInputStream().read();
                    socket.setSoLinger(true, 0);  // close() sends RST
                    resets.incrementAndGet();
                }
                if (own.nextInt(10) == 0) {
                    Socket socket = new Socket(address.getAddress(), address.getPort());
                    socket.setSoTimeout(1);
                    stuck.add(socket);
                    stuckPeers.incrementAndGet();
                    writeUntilBlocked(socket, own);
                    if (stuck.size() > 20) {
                        stuck.remove(0).close();
                    }
                }
            }
        } catch (IOException e) {
            if (running.get()) {
                System.err.println("chaos peer failed: " + e);
            }
        } finally {
            for (Socket socket : stuck) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing at the end of the run
                }
            }
        }
    }

    /** Writes from a helper thread that is left blocked once the server stops reading; the socket's close frees it. */
    private static void writeUntilBlocked(Socket socket, Random random) {
        Thread writer = new Thread(() -> {
            byte[] block = new byte[64 * 1024];
            try {
                OutputStream out = socket.getOutputStream();
                while (true) {
                    out.write(block);
                }
            } catch (IOException closed) {
                // the chaos thread closed this peer
            }
        }, "soak-stuck-writer");
        writer.setDaemon(true);
        writer.start();
    }

    static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    static long usedHeapAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
