package io.twine.testing;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.EventLoop;
import io.twine.reactor.NameResolver;
import io.twine.reactor.ShutdownPhase;
import io.twine.reactor.TcpOptions;
import io.twine.reactor.UdpOptions;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An {@link EventLoop} that opens no socket: it records every listen and connect (Twisted's
 * {@code MemoryReactor}) and keeps time with a {@link ManualClock} ({@code MemoryReactorClock}).
 * Code written against {@code EventLoop} (through {@code Tcp}, {@code Udp}, the endpoints or
 * directly) is tested with it without a network: the test reads what was asked for from
 * {@link #tcpServers()}, {@link #tcpClients()} and {@link #udpServers()}, builds a protocol from
 * the recorded factory and connects it to a {@link StringTransport} itself.
 *
 * <ul>
 *   <li>{@code listenTcp} returns a port that only records {@code stopListening}; port 0 becomes
 *       a made-up port from 49152 up, so {@code getPort()} is not 0. The factory is not started.</li>
 *   <li>{@code connectTcp} returns a connector that records its calls; no callback of the
 *       factory runs until the test makes one.</li>
 *   <li>{@code listenUdp} attaches the protocol to a {@link RecordingDatagramTransport} (its
 *       {@code startProtocol} runs), whose writes the test reads.</li>
 *   <li>{@code callFromThread} queues the task until {@link #runPendingTasks()};
 *       {@code deferToThread} runs the work at once, on the caller's thread; errors reported
 *       with {@code reportError} are kept in {@link #errors()}.</li>
 *   <li>{@link #run()} only marks the loop running and runs the {@code callWhenRunning} calls;
 *       {@link #stop()} runs the shutdown triggers and stops every recorded port.</li>
 * </ul>
 *
 * <p>Thread: the thread that creates it is its loop thread; only {@link #callFromThread} is
 * thread-safe.
 */
public final class MemoryReactor implements EventLoop {

    /** A {@code listenTcp} call: what was asked for, and the port it returned. */
    public record TcpServer(SocketAddress address, Factory factory, TcpOptions options, RecordedPort port) {}

    /** A {@code connectTcp} call: what was asked for, and the connector it returned. */
    public record TcpClient(SocketAddress address, ClientFactory factory, TcpOptions options,
            RecordedConnector connector) {}

    /** A {@code listenUdp} call: what was asked for, and the port the protocol was attached to. */
    public record UdpServer(SocketAddress address, DatagramProtocol protocol, UdpOptions options,
            RecordingDatagramTransport port) {}

    /** An error given to {@link #reportError}. */
    public record ReportedError(String context, Throwable error) {}

    private static final int FIRST_MADE_UP_PORT = 49152;

    private final ManualClock clock;
    private final Thread loopThread = Thread.currentThread();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Runnable> whenRunning = new ArrayList<>();
    private final Map<ShutdownPhase, List<Runnable>> triggers = new EnumMap<>(ShutdownPhase.class);
    private final List<TcpServer> tcpServers = new ArrayList<>();
    private final List<TcpClient> tcpClients = new ArrayList<>();
    private final List<UdpServer> udpServers = new ArrayList<>();
    private final List<ReportedError> errors = new ArrayList<>();
    private NameResolver nameResolver = new StaticResolver();
    private int nextPort = FIRST_MADE_UP_PORT;
    private boolean running;
    private boolean stopped;

    /** A memory reactor with a new {@link ManualClock} at time 0. */
    public MemoryReactor() {
        this(new ManualClock());
    }

    /**
     * A memory reactor keeping time with {@code clock}.
     *
     * @param clock the clock {@code callLater} schedules on; the test advances it
     */
    public MemoryReactor(ManualClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        for (ShutdownPhase phase : ShutdownPhase.values()) {
            triggers.put(phase, new ArrayList<>());
        }
    }

    /**
     * The clock: {@code clock().advance(...)} runs the calls scheduled with {@link #callLater}.
     *
     * @return the clock given at construction
     */
    public ManualClock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ what was asked for

    /**
     * Replaces the resolver connects by host name use (by default an empty {@link StaticResolver},
     * which knows no name); returns the one it replaces.
     *
     * @param resolver the resolver from now on
     * @return the resolver in use until now
     */
    public NameResolver installNameResolver(NameResolver resolver) {
        NameResolver previous = nameResolver;
        nameResolver = Objects.requireNonNull(resolver, "resolver");
        return previous;
    }

    @Override
    public NameResolver nameResolver() {
        return nameResolver;
    }

    /**
     * Every {@code listenTcp} so far, in order.
     *
     * @return a copy, oldest first
     */
    public List<TcpServer> tcpServers() {
        return List.copyOf(tcpServers);
    }

    /**
     * Every {@code connectTcp} so far, in order.
     *
     * @return a copy, oldest first
     */
    public List<TcpClient> tcpClients() {
        return List.copyOf(tcpClients);
    }

    /**
     * Every {@code listenUdp} so far, in order.
     *
     * @return a copy, oldest first
     */
    public List<UdpServer> udpServers() {
        return List.copyOf(udpServers);
    }

    /**
     * Every {@code reportError} so far, in order.
     *
     * @return a copy, oldest first
     */
    public List<ReportedError> errors() {
        return List.copyOf(errors);
    }

    /**
     * True between {@link #run()} and {@link #stop()}.
     *
     * @return true while "running"
     */
    public boolean isRunning() {
        return running;
    }

    /**
     * True once {@link #stop()} has run the shutdown.
     *
     * @return true after the stop's triggers ran
     */
    public boolean hasStopped() {
        return stopped;
    }

    /**
     * Runs the tasks queued with {@link #callFromThread}, including those they queue.
     *
     * @return how many ran
     */
    public int runPendingTasks() {
        int ran = 0;
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
            ran++;
        }
        return ran;
    }

    /** Marks the loop running and runs the {@link #callWhenRunning} calls; returns at once. */
    public void run() {
        running = true;
        List<Runnable> calls = new ArrayList<>(whenRunning);
        whenRunning.clear();
        calls.forEach(Runnable::run);
    }

    // ------------------------------------------------------------------ EventLoop

    @Override
    public long now() {
        return clock.now();
    }

    @Override
    public DelayedCall callLater(Duration delay, Runnable task) {
        return clock.callLater(delay, task);
    }

    /** Queues {@code task} until {@link #runPendingTasks()}. Thread-safe. */
    @Override
    public void callFromThread(Runnable task) {
        tasks.add(Objects.requireNonNull(task, "task"));
    }

    /** Runs the shutdown triggers in their order, stops every recorded port, and marks the loop stopped. */
    @Override
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        running = false;
        triggers.get(ShutdownPhase.BEFORE).forEach(Runnable::run);
        triggers.get(ShutdownPhase.DURING).forEach(Runnable::run);
        tcpServers.forEach(server -> server.port().stopListening());
        udpServers.forEach(server -> server.port().stopListening());
        triggers.get(ShutdownPhase.AFTER).forEach(Runnable::run);
    }

    /** True on the thread that created this reactor. */
    @Override
    public boolean isInLoopThread() {
        return Thread.currentThread() == loopThread;
    }

    /** Runs {@code call} now if {@link #run()} has been called, else when it is. */
    @Override
    public void callWhenRunning(Runnable call) {
        Objects.requireNonNull(call, "call");
        if (running) {
            call.run();
        } else {
            whenRunning.add(call);
        }
    }

    @Override
    public void addShutdownTrigger(ShutdownPhase phase, Runnable trigger) {
        triggers.get(Objects.requireNonNull(phase, "phase")).add(Objects.requireNonNull(trigger, "trigger"));
    }

    /** Runs {@code work} at once on the calling thread: the returned future is already complete. */
    @Override
    public <T> CompletableFuture<T> deferToThread(Callable<T> work) {
        try {
            return CompletableFuture.completedFuture(work.call());
        } catch (Exception error) {
            return CompletableFuture.failedFuture(error);
        }
    }

    /** Keeps the error in {@link #errors()}. */
    @Override
    public void reportError(String context, Throwable error) {
        errors.add(new ReportedError(context, error));
    }

    /** Records the call and returns a port that only records {@code stopListening}. */
    @Override
    public ListeningPort listenTcp(SocketAddress address, Factory factory, TcpOptions options) {
        RecordedPort port = new RecordedPort(withMadeUpPort(address));
        tcpServers.add(new TcpServer(address, factory, options, port));
        return port;
    }

    /** Records the call and returns a connector that only records its calls. */
    @Override
    public Connector connectTcp(SocketAddress address, ClientFactory factory, TcpOptions options) {
        RecordedConnector connector = new RecordedConnector(address);
        tcpClients.add(new TcpClient(address, factory, options, connector));
        return connector;
    }

    /** Records the call and attaches {@code protocol} to a {@link RecordingDatagramTransport}. */
    @Override
    public DatagramTransport listenUdp(SocketAddress address, DatagramProtocol protocol, UdpOptions options) {
        RecordingDatagramTransport port = new RecordingDatagramTransport((InetSocketAddress) withMadeUpPort(address));
        udpServers.add(new UdpServer(address, protocol, options, port));
        protocol.makeConnection(port);
        return port;
    }

    private SocketAddress withMadeUpPort(SocketAddress address) {
        if (address instanceof InetSocketAddress && ((InetSocketAddress) address).getPort() == 0) {
            InetSocketAddress inet = (InetSocketAddress) address;
            return inet.isUnresolved() ? InetSocketAddress.createUnresolved(inet.getHostString(), nextPort++)
                    : new InetSocketAddress(inet.getAddress(), nextPort++);
        }
        return address;
    }

    // ------------------------------------------------------------------ what it returns

    /** The port {@code listenTcp} returns: bound to nothing, it records whether it was stopped. */
    public static final class RecordedPort implements ListeningPort {
        private final SocketAddress host;
        private boolean listening = true;

        RecordedPort(SocketAddress host) {
            this.host = host;
        }

        @Override
        public SocketAddress getHost() {
            return host;
        }

        @Override
        public void stopListening() {
            listening = false;
        }

        @Override
        public boolean isListening() {
            return listening;
        }

        @Override
        public String toString() {
            return "RecordedPort[" + host + (listening ? "" : ", stopped") + "]";
        }
    }

    /** The connector {@code connectTcp} returns: it records the calls made to it. */
    public static final class RecordedConnector implements Connector {
        private final SocketAddress destination;
        private int connectCalls;
        private int stopConnectingCalls;
        private int disconnectCalls;

        RecordedConnector(SocketAddress destination) {
            this.destination = destination;
        }

        @Override
        public void connect() {
            connectCalls++;
        }

        @Override
        public void stopConnecting() {
            stopConnectingCalls++;
        }

        @Override
        public void disconnect() {
            disconnectCalls++;
        }

        @Override
        public SocketAddress getDestination() {
            return destination;
        }

        /**
         * How many times {@link #connect()} was called again (a retry); the first attempt is not
         * counted.
         *
         * @return the count of retries
         */
        public int connectCalls() {
            return connectCalls;
        }

        /** {@return how many times {@link #stopConnecting()} was called} */
        public int stopConnectingCalls() {
            return stopConnectingCalls;
        }

        /** {@return how many times {@link #disconnect()} was called} */
        public int disconnectCalls() {
            return disconnectCalls;
        }
    }
}
