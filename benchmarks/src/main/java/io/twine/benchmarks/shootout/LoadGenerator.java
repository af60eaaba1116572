package io.twine.benchmarks.shootout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The shootout's load generator, run in a JVM of its own: opens connections to an echo server
 * on 127.0.0.1 or a Unix socket, keeps a fixed number of messages in flight on each, and measures messages per
 * second and the latency of each message (from the moment it is queued to the moment its last
 * byte comes back).
 *
 * <p>Each worker thread owns a selector and a share of the connections and allocates nothing
 * per message, so the generator can outrun every server it drives; the shootout checks that
 * against the C server.
 *
 * <p>The shootout now drives the servers with {@code load_epoll.c}: this generator, on one CPU,
 * costs more per message than the servers and so measures itself, and it costs less per message
 * when replies come in bursts (one select, many keys), which rewards a server that holds its
 * replies back. It stays for {@code --load java} and for machines without gcc.
 *
 * <p>Talks to the shootout on stdout, one line each: {@code CONNECTED n}, {@code MEASURING} when
 * the measured window opens, {@code PROGRESS elapsedMillis messages} about once a second,
 * {@code MEASURED} when the window closes, then {@code RESULT key=value ...}. With {@code
 * --idle} it only connects, prints {@code CONNECTED n} and holds the connections until stdin says
 * {@code close} or ends.
 *
 * <pre>
 * LoadGenerator --port P | --unix PATH --connections N [--size BYTES --in-flight K --warmup-ms W
 *               --duration-ms D] [--threads T] [--idle]
 * </pre>
 */
public final class LoadGenerator {

    private static final int IO_BUFFER = 64 * 1024;

    private final int port;
    /** The Unix socket to connect to instead of 127.0.0.1:port, or null. */
    private final String unixPath;
    private final int connections;
    private final int size;
    private final int inFlight;
    private final long warmupNanos;
    private final long durationNanos;
    private final int threads;
    private final boolean idle;

    private LoadGenerator(Args args) {
        this.port = args.intValue("--port", -1);
        this.unixPath = args.value("--unix", null);
        this.connections = args.intValue("--connections", 1);
        this.size = args.intValue("--size", 64);
        this.inFlight = args.intValue("--in-flight", 1);
        this.warmupNanos = TimeUnit.MILLISECONDS.toNanos(args.intValue("--warmup-ms", 1000));
        this.durationNanos = TimeUnit.MILLISECONDS.toNanos(args.intValue("--duration-ms", 3000));
        this.threads = Math.max(1, Math.min(args.intValue("--threads", 1), connections));
        this.idle = args.flag("--idle");
        if ((port <= 0 && unixPath == null) || connections <= 0 || (!idle && (size <= 0 || inFlight <= 0))) {
            throw new IllegalArgumentException("need --port > 0 or --unix PATH, --connections > 0 and, unless --idle, "
                    + "--size > 0 and --in-flight > 0");
        }
        if (args.flag("--tls") || args.flag("--churn")) {
            throw new IllegalArgumentException("this generator does neither TLS nor scenario F: use load_epoll.c");
        }
    }

    public static void main(String[] argv) throws Exception {
        LoadGenerator generator = new LoadGenerator(new Args(argv));
        generator.run();
    }

    private void run() throws Exception {
        List<SocketChannel> channels = connectAll();
        System.out.println("CONNECTED " + channels.size());
        System.out.flush();
        if (idle) {
            holdUntilTold();
            closeAll(channels);
            return;
        }
        Worker[] workers = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker(t == 0);
        }
        for (int i = 0; i < channels.size(); i++) {
            workers[i % threads].add(channels.get(i));
        }
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        Window window = new Window(measureFrom, durationNanos);
        Thread[] running = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            Worker worker = workers[t];
            running[t] = new Thread(() -> worker.drive(window), "load-" + t);
            running[t].start();
        }
        reportProgress(workers, running, start, measureFrom);
        System.out.println("MEASURED");
        LatencyHistogram latency = new LatencyHistogram();
        long messages = 0;
        String failure = null;
        for (Worker worker : workers) {
            latency.add(worker.latency);
            messages += worker.measured;
            if (worker.failure != null) {
                failure = worker.failure;
            }
        }
        closeAll(channels);
        if (failure != null) {
            System.out.println("FAILED " + failure);
        }
        System.out.println("RESULT messages=" + messages + " bytes=" + messages * size + " nanos=" + window.length()
                + " p50=" + latency.percentile(0.50) + " p99=" + latency.percentile(0.99)
                + " p999=" + latency.percentile(0.999) + " max=" + latency.max());
        System.out.flush();
    }

    private List<SocketChannel> connectAll() throws IOException {
        SocketAddress server = unixPath != null ? UnixDomainSocketAddress.of(unixPath)
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        List<SocketChannel> channels = new ArrayList<>(connections);
        try {
            for (int i = 0; i < connections; i++) {
                SocketChannel channel = SocketChannel.open(server);
                if (unixPath == null) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                channel.configureBlocking(false);
                channels.add(channel);
            }
        } catch (IOException e) {
            closeAll(channels);
            throw new IOException("connection " + (channels.size() + 1) + " of " + connections + " to " + server
                    + " failed: " + e.getMessage(), e);
        }
        return channels;
    }

    private static void holdUntilTold() throws IOException {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.trim().equals("close")) {
                return;
            }
        }
    }

    private static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the process is about to exit; the kernel closes what we could not
            }
        }
    }

    private void reportProgress(Worker[] workers, Thread[] running, long start, long measureFrom)
            throws InterruptedException {
        for (Thread thread : running) {
            while (thread.isAlive()) {
                thread.join(1000);
                long messages = 0;
                for (Worker worker : workers) {
                    messages += worker.progress;
                }
                long now = System.nanoTime();
                System.out.println("PROGRESS " + TimeUnit.NANOSECONDS.toMillis(now - start) + " "
                        + (now < measureFrom ? 0 : messages));
                System.out.flush();
            }
        }
    }

    /** One connection's state: how many bytes are owed to the server and when each message in flight was queued. */
    private static final class Connection {
        final SocketChannel channel;
        final long[] queuedAt;
        int oldest;
        int inFlight;
        /** Bytes of the message being received that have arrived so far. */
        int partial;
        /** Bytes queued for sending and not yet written. */
        long owed;
        SelectionKey key;
        boolean wantsWrite;

        Connection(SocketChannel channel, int inFlight) {
            this.channel = channel;
            this.queuedAt = new long[inFlight];
        }
    }

    /**
     * The measured window, shared by the workers. It closes after the duration once a message has
     * completed in it. A server that has answered nothing by then (a cold JVM on a machine busy
     * with other work) gets up to ten durations in all, so that "no message" means stuck, not slow
     * to start; the window then closes at its first message, and {@link #length} is what it really was.
     */
    static final class Window {
        /** {@link #firstMessageAt} before any message was counted. */
        private static final long NONE = Long.MIN_VALUE;

        final long from;
        final long plannedUntil;
        final long latestUntil;
        /** When the first message was counted ({@link #NONE} until then): set once, read by every worker. */
        private volatile long firstMessageAt = NONE;

        Window(long from, long durationNanos) {
            this.from = from;
            this.plannedUntil = from + durationNanos;
            this.latestUntil = from + 10 * durationNanos;
        }

        /** Whether a message completing at {@code now} counts. */
        boolean contains(long now) {
            return now - from >= 0 && isOpen(now);
        }

        /** False once the window has closed: the workers stop. */
        boolean isOpen(long now) {
            return now - plannedUntil < 0 || firstMessageAt == NONE && now - latestUntil < 0;
        }

        /** A worker counted a message completed at {@code now}. */
        void messageCounted(long now) {
            if (firstMessageAt == NONE) {
                firstMessageAt = now;
            }
        }

        /** Nanoseconds from the window's opening to its close. */
        long length() {
            long first = firstMessageAt;
            long end = first == NONE ? latestUntil : first - plannedUntil > 0 ? first : plannedUntil;
            return end - from;
        }
    }

    /** One thread's share of the connections, and its own counters. */
    private final class Worker {
        final List<Connection> connections = new ArrayList<>();
        final ByteBuffer in = ByteBuffer.allocateDirect(IO_BUFFER);
        final ByteBuffer out = ByteBuffer.allocateDirect(IO_BUFFER);
        final LatencyHistogram latency = new LatencyHistogram();
        final Consumer<SelectionKey> onReady = this::ready;
        Selector selector;
        Window window;
        long measured;
        volatile long progress;
        volatile String failure;
        /** This worker tells the shootout when the measured window opens. */
        final boolean announces;

        Worker(boolean announces) {
            this.announces = announces;
            for (int i = 0; i < IO_BUFFER; i++) {
                out.put(i, (byte) ('A' + i % 26));
            }
        }

        void add(SocketChannel channel) {
            connections.add(new Connection(channel, inFlight));
        }

        void drive(Window window) {
            this.window = window;
            try (Selector opened = Selector.open()) {
                selector = opened;
                long now = System.nanoTime();
                for (Connection connection : connections) {
                    connection.key = connection.channel.register(selector, SelectionKey.OP_READ, connection);
                    for (int i = 0; i < inFlight; i++) {
                        queue(connection, now);
                    }
                    send(connection);
                }
                boolean announced = !announces;
                while (window.isOpen(System.nanoTime())) {
                    selector.select(onReady, 100);
                    progress = measured;
                    if (!announced && System.nanoTime() - window.from >= 0) {
                        announced = true;
                        System.out.println("MEASURING");
                        System.out.flush();
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e.toString();
            }
        }

        private void queue(Connection connection, long now) {
            int slot = (connection.oldest + connection.inFlight) % inFlight;
            connection.queuedAt[slot] = now;
            connection.inFlight++;
            connection.owed += size;
        }

        private void ready(SelectionKey key) {
            Connection connection = (Connection) key.attachment();
            try {
                if (key.isWritable()) {
                    send(connection);
                }
                if (key.isReadable()) {
                    receive(connection);
                }
            } catch (IOException e) {
                throw new IllegalStateException("connection to the server failed: " + e.getMessage(), e);
            }
        }

        private void receive(Connection connection) throws IOException {
            in.clear();
            int n = connection.channel.read(in);
            if (n < 0) {
                throw new IOException("the server closed a connection");
            }
            if (n == 0) {
                return;
            }
            long now = System.nanoTime();
            boolean measuring = window.contains(now);
            int bytes = connection.partial + n;
            while (bytes >= size) {
                bytes -= size;
                long queued = connection.queuedAt[connection.oldest];
                connection.oldest = (connection.oldest + 1) % inFlight;
                connection.inFlight--;
                if (measuring) {
                    latency.record(now - queued);
                    measured++;
                    window.messageCounted(now);
                }
                queue(connection, now);
            }
            connection.partial = bytes;
            if (connection.owed > 0) {
                send(connection);
            }
        }

        private void send(Connection connection) throws IOException {
            while (connection.owed > 0) {
                int chunk = (int) Math.min(connection.owed, IO_BUFFER);
                out.limit(chunk).position(0);
                int written = connection.channel.write(out);
                connection.owed -= written;
                if (written < chunk) {
                    break;
                }
            }
            boolean wantsWrite = connection.owed > 0;
            if (wantsWrite != connection.wantsWrite) {
                connection.wantsWrite = wantsWrite;
                connection.key.interestOps(SelectionKey.OP_READ | (wantsWrite ? SelectionKey.OP_WRITE : 0));
            }
        }
    }
}
