package io.twine.testing.sim;

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
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * One host of a {@link Simulation}: an {@link EventLoop} whose timers run in the simulation's
 * virtual time and whose TCP and UDP go through its {@link SimNetwork}. A program written against
 * {@code EventLoop} (through {@code Tcp}, {@code Udp}, the endpoint strings, or directly) runs on it
 * unchanged.
 *
 * <p>Differences from a {@link io.twine.reactor.Reactor}, all for determinism: the host runs from
 * the moment it is made (there is no {@code run()}; {@code callWhenRunning} calls run at the next
 * step); {@link #deferToThread} runs its work on the simulation's thread at the next step, not on
 * a worker; {@link #callFromThread} from another thread is taken in at the start of the next step.
 * {@link #stop()} shuts the host down as a reactor does: "before" triggers, then listeners close
 * and connections flush and close (aborted after the {@linkplain #setShutdownGracePeriod grace
 * period}) with the "during" triggers, then "after" triggers; from then on its timers never run.
 *
 * <p>Thread: the simulation's thread; {@link #callFromThread} and {@link #stop} from any.
 */
public final class SimulatedReactor implements EventLoop {

    private final Simulation simulation;
    private final String name;
    private final InetAddress address;
    private final Map<ShutdownPhase, List<Runnable>> triggers = new EnumMap<>(ShutdownPhase.class);
    /** Everything that a stop closes: connections, connectors, listeners, UDP ports. */
    private final Set<SimResource> resources = new LinkedHashSet<>();
    private Duration gracePeriod = Duration.ofSeconds(5);
    private int nextEphemeralPort = 49152;
    private boolean stopping;
    private boolean stopped;
    private long timersRun;

    SimulatedReactor(Simulation simulation, String name, InetAddress address) {
        this.simulation = simulation;
        this.name = name;
        this.address = address;
        for (ShutdownPhase phase : ShutdownPhase.values()) {
            triggers.put(phase, new ArrayList<>());
        }
    }

    /**
     * The host's name, which every host's resolver knows.
     *
     * @return the name given to {@link Simulation#host}
     */
    public String name() {
        return name;
    }

    /**
     * The host's address, 10.0.0.N.
     *
     * @return the address, unique in the simulation
     */
    public InetAddress address() {
        return address;
    }

    /**
     * The simulation this host belongs to.
     *
     * @return the simulation
     */
    public Simulation simulation() {
        return simulation;
    }

    /**
     * True once {@link #stop()} has run the whole shutdown.
     *
     * @return true after the stop's last phase
     */
    public boolean hasStopped() {
        return stopped;
    }

    /**
     * How many of this host's timers ran.
     *
     * @return the count since the host was made
     */
    public long timersRun() {
        return timersRun;
    }

    /**
     * How long a stop lets connections flush before aborting them (default 5 s of virtual time).
     *
     * @param grace virtual time
     */
    public void setShutdownGracePeriod(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the grace period must not be negative, got " + grace);
        }
        this.gracePeriod = grace;
    }

    // ------------------------------------------------------------------ Scheduler

    @Override
    public long now() {
        return simulation.now();
    }

    /** Runs {@code task} at {@code delay} from now in virtual time, unless the host has stopped by then. */
    @Override
    public DelayedCall callLater(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive, got " + delay);
        }
        DelayedCall[] call = new DelayedCall[1];
        call[0] = simulation.schedule(delay, () -> runTimer(call[0], task));
        return call[0];
    }

    private void runTimer(DelayedCall call, Runnable task) {
        if (stopped) {
            return;
        }
        if (simulation.now() < call.getTime()) {
            throw simulation.violation("a timer of " + name + " ran early: due " + EventLog.format(call.getTime()));
        }
        timersRun++;
        simulation.log(name, "timer");
        simulation.runCallback(name, "timer", task);
    }

    // ------------------------------------------------------------------ EventLoop

    /** Runs {@code task} at the next step. Thread-safe. */
    @Override
    public void callFromThread(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (simulation.isSimulationThread()) {
            callLater(Duration.ZERO, task);
        } else {
            simulation.fromOtherThread(() -> {
                if (!stopped) {
                    simulation.runCallback(name, "task", task);
                }
            });
        }
    }

    /** Starts this host's shutdown at the next step; see the class comment. Thread-safe and idempotent. */
    @Override
    public void stop() {
        if (!simulation.isSimulationThread()) {
            simulation.fromOtherThread(this::stop);
            return;
        }
        if (stopping) {
            return;
        }
        stopping = true;
        simulation.schedule(0, this::shutdownBefore);
    }

    private void shutdownBefore() {
        simulation.log(name, "stopping");
        runTriggers(ShutdownPhase.BEFORE);
        simulation.schedule(0, this::shutdownDuring);
    }

    private void shutdownDuring() {
        runTriggers(ShutdownPhase.DURING);
        for (SimResource resource : List.copyOf(resources)) {
            resource.shutdown();
        }
        long deadline = simulation.now() + gracePeriod.toNanos();
        awaitResources(deadline);
    }

    private void awaitResources(long deadline) {
        if (resources.isEmpty()) {
            runTriggers(ShutdownPhase.AFTER);
            stopped = true;
            simulation.log(name, "stopped");
            return;
        }
        if (simulation.now() >= deadline) {
            for (SimResource resource : List.copyOf(resources)) {
                resource.abort();
            }
        }
        // Connections close on later events; look again soon (in virtual time this costs nothing).
        simulation.schedule(Duration.ofMillis(1), () -> awaitResources(deadline));
    }

    private void runTriggers(ShutdownPhase phase) {
        for (Runnable trigger : triggers.get(phase)) {
            simulation.runCallback(name, "shutdown trigger " + phase, trigger);
        }
        triggers.get(phase).clear();
    }

    @Override
    public boolean isInLoopThread() {
        return simulation.isSimulationThread();
    }

    /** Runs {@code call} at the next step: a simulated host is running from the moment it exists. */
    @Override
    public void callWhenRunning(Runnable call) {
        callLater(Duration.ZERO, call);
    }

    @Override
    public void addShutdownTrigger(ShutdownPhase phase, Runnable trigger) {
        triggers.get(Objects.requireNonNull(phase, "phase")).add(Objects.requireNonNull(trigger, "trigger"));
    }

    /** Runs {@code work} on the simulation's thread at the next step (never on a worker: that would not be deterministic). */
    @Override
    public <T> CompletableFuture<T> deferToThread(Callable<T> work) {
        Objects.requireNonNull(work, "work");
        CompletableFuture<T> result = new CompletableFuture<>();
        callFromThread(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable error) {
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    /** Knows every host of the simulation by name, and {@code localhost}; answers at once. */
    @Override
    public NameResolver nameResolver() {
        return hostName -> {
            SimulatedReactor host = simulation.hostByName(hostName);
            if (host != null) {
                return CompletableFuture.completedFuture(List.of(host.address()));
            }
            if (hostName.equals("localhost")) {
                return CompletableFuture.completedFuture(List.of(InetAddress.getLoopbackAddress()));
            }
            return CompletableFuture.failedFuture(new UnknownHostException(hostName + ": no such host in the simulation"));
        };
    }

    @Override
    public void reportError(String context, Throwable error) {
        simulation.reportError(name, context, error);
    }

    @Override
    public ListeningPort listenTcp(SocketAddress address, Factory factory, TcpOptions options) throws IOException {
        return simulation.network().listenTcp(this, address, factory, options);
    }

    @Override
    public Connector connectTcp(SocketAddress address, ClientFactory factory, TcpOptions options) {
        return simulation.network().connectTcp(this, address, factory, options);
    }

    @Override
    public DatagramTransport listenUdp(SocketAddress address, DatagramProtocol protocol, UdpOptions options)
            throws IOException {
        return simulation.network().listenUdp(this, address, protocol, options);
    }

    // ------------------------------------------------------------------ for the network

    boolean isStopping() {
        return stopping;
    }

    void track(SimResource resource) {
        resources.add(resource);
    }

    void untrack(SimResource resource) {
        resources.remove(resource);
    }

    int allocatePort() {
        if (nextEphemeralPort > 65535) {
            nextEphemeralPort = 49152;
        }
        return nextEphemeralPort++;
    }

    void log(String what) {
        simulation.log(name, what);
    }

    /** Runs a user callback under the failure rule; returns what it threw, or null. */
    Throwable run(String context, Runnable callback) {
        return simulation.runCallback(name, context, callback);
    }

    @Override
    public String toString() {
        return "SimulatedReactor[" + name + " " + address.getHostAddress() + "]";
    }
}
