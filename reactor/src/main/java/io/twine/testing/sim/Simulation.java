package io.twine.testing.sim;

import io.twine.reactor.DelayedCall;
import io.twine.reactor.internal.TimerQueue;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * A whole program (servers, clients, their timers) run on a simulated network, on one thread, in
 * virtual time: FoundationDB's simulator in miniature. Each {@link #host(String)} is an
 * {@link io.twine.reactor.EventLoop} that code written for a real reactor runs on unchanged
 * ({@code Tcp}, {@code Udp}, endpoint strings, {@code callLater}); its TCP connections and UDP
 * ports go through the {@link SimNetwork}, which delays, splits, stalls, refuses, resets, loses,
 * duplicates and reorders as the {@link FaultProfile} says.
 *
 * <p><b>Determinism.</b> Time jumps from one event to the next; nothing sleeps and no wall clock
 * is read. Every choice the network makes comes from one {@link SplittableRandom} seeded with
 * {@link #seed()}, drawn in event order, so the same seed and program give the same run, event for
 * event: compare {@code log().hash()}. Code that reads the wall clock, iterates over identity hash
 * codes or uses other threads breaks this; {@link io.twine.reactor.EventLoop#deferToThread} runs
 * its work on the simulation's thread for that reason.
 *
 * <p><b>Invariants.</b> The simulated transports check the contract as they go (a
 * {@code connectionLost} exactly once and no callback after it, every byte of a cleanly closed
 * stream delivered, no timer early) and fail at once with a {@link SimulationFailure} that shows
 * the last events. A test adds its own with {@link #always} (checked after every step) and
 * {@link #eventually} (checked by {@link #finish()}).
 *
 * <p>Callbacks follow the reactor's failure rule: what a protocol or timer throws is reported
 * (see {@link #errors()}) and closes only its connection, except an {@link AssertionError}, which
 * ends the run so that a test's assertion inside a callback fails the test with its seed.
 *
 * <p>Thread: the thread that creates it runs it and is every host's loop thread; only
 * {@code callFromThread} may be called from others.
 */
public final class Simulation {

    /** A failure some callback threw and the failure rule reported. */
    public record ReportedError(String host, String context, Throwable error) {}

    private static final long MAX_STEPS = 50_000_000;

    private final long seed;
    private final FaultProfile faults;
    private final SplittableRandom random;
    private final TimerQueue events = new TimerQueue(this::now);
    private final EventLog log = new EventLog();
    private final Thread thread = Thread.currentThread();
    private final ConcurrentLinkedQueue<Runnable> fromOtherThreads = new ConcurrentLinkedQueue<>();
    private final Map<String, SimulatedReactor> hosts = new LinkedHashMap<>();
    private final SimNetwork network;
    private final Map<String, BooleanSupplier> always = new LinkedHashMap<>();
    private final Map<String, BooleanSupplier> eventually = new LinkedHashMap<>();
    private final List<ReportedError> errors = new ArrayList<>();
    private long now;
    private long steps;

    /**
     * A simulation with {@code seed} on a network without faults.
     *
     * @param seed decides every choice of the run
     */
    public Simulation(long seed) {
        this(seed, FaultProfile.NONE);
    }

    /**
     * A simulation with {@code seed} on a network that behaves as {@code faults} says.
     *
     * @param seed decides every choice of the run
     * @param faults what the network does wrong, and how often
     */
    public Simulation(long seed, FaultProfile faults) {
        this.seed = seed;
        this.faults = Objects.requireNonNull(faults, "faults");
        this.random = new SplittableRandom(seed);
        this.network = new SimNetwork(this);
        log.add(0, "-", "simulation seed " + seed + " " + faults);
    }

    /**
     * The seed every choice of this run comes from.
     *
     * @return the seed given at construction
     */
    public long seed() {
        return seed;
    }

    /**
     * The network's behaviour.
     *
     * @return the profile given at construction
     */
    public FaultProfile faults() {
        return faults;
    }

    /**
     * The run's one source of choice. Code under test that needs randomness (a back-off's jitter)
     * should draw from it, so that the seed decides that too.
     *
     * @return the same generator for the whole run; use it on the simulation's thread
     */
    public RandomGenerator random() {
        return random;
    }

    /**
     * The virtual time in nanoseconds since the simulation began.
     *
     * @return virtual nanoseconds, starting at 0
     */
    public long now() {
        return now;
    }

    /**
     * What happened so far.
     *
     * @return the log, which grows as the run goes on
     */
    public EventLog log() {
        return log;
    }

    /**
     * The network between the hosts: outages and the connections it carried.
     *
     * @return the network
     */
    public SimNetwork network() {
        return network;
    }

    /**
     * The host called {@code name}, made on first use with the next address of 10.0.0.0/24 (the
     * first host is 10.0.0.1). Its name resolves to that address on every host's resolver;
     * {@code localhost} and 127.0.0.1 are the host itself.
     *
     * @param name the host's name, which also resolves
     * @return the host, the same one for every call with that name
     */
    public SimulatedReactor host(String name) {
        Objects.requireNonNull(name, "name");
        SimulatedReactor host = hosts.get(name);
        if (host == null) {
            if (hosts.size() >= 250) {
                throw new IllegalStateException("a simulation has at most 250 hosts");
            }
            InetAddress address;
            try {
                address = InetAddress.getByAddress(name, new byte[] {10, 0, 0, (byte) (hosts.size() + 1)});
            } catch (UnknownHostException impossible) {
                throw new AssertionError(impossible);
            }
            host = new SimulatedReactor(this, name, address);
            hosts.put(name, host);
            log.add(now, name, "host up at " + address.getHostAddress());
        }
        return host;
    }

    /**
     * Every host, in the order they were made.
     *
     * @return a copy of the list
     */
    public List<SimulatedReactor> hosts() {
        return List.copyOf(hosts.values());
    }

    /**
     * What the failure rule reported so far: callbacks that threw.
     *
     * @return a copy of the list
     */
    public List<ReportedError> errors() {
        return List.copyOf(errors);
    }

    /**
     * Checks {@code holds} after every step from now on; when it is false the run fails at once,
     * naming {@code name}, with the events that led there.
     *
     * @param name names the invariant in the failure
     * @param holds the invariant, called on the simulation's thread
     */
    public void always(String name, BooleanSupplier holds) {
        always.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(holds, "holds"));
    }

    /**
     * Checks {@code holds} when {@link #finish()} has run everything down.
     *
     * @param name names the property in the failure
     * @param holds the property, called once at the end
     */
    public void eventually(String name, BooleanSupplier holds) {
        eventually.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(holds, "holds"));
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs the earliest pending events: moves time to the first one and runs every event due then
     * (events those schedule for the same time run in the next step). Then checks the
     * {@link #always} invariants.
     *
     * @return false when nothing is pending
     */
    public boolean step() {
        checkThread();
        for (Runnable task = fromOtherThreads.poll(); task != null; task = fromOtherThreads.poll()) {
            events.schedule(Duration.ZERO, task);
        }
        long due = events.nextDueTime();
        if (due == Long.MAX_VALUE) {
            return false;
        }
        if (++steps > MAX_STEPS) {
            throw SimulationFailure.of(this, "more than " + MAX_STEPS + " steps: is something spinning?", null);
        }
        now = Math.max(now, due);
        events.runDue(now, Runnable::run);
        for (Map.Entry<String, BooleanSupplier> invariant : always.entrySet()) {
            if (!invariant.getValue().getAsBoolean()) {
                throw SimulationFailure.of(this, "invariant broken: " + invariant.getKey(), null);
            }
        }
        return true;
    }

    /**
     * Runs until no event is pending or {@code limit} of virtual time has passed, whichever is first.
     *
     * @param limit virtual time
     * @return true if it stopped because nothing was pending
     */
    public boolean runUntilIdle(Duration limit) {
        long deadline = deadline(limit);
        while (events.nextDueTime() <= deadline || !fromOtherThreads.isEmpty()) {
            if (!step()) {
                return true;
            }
        }
        boolean idle = events.nextDueTime() == Long.MAX_VALUE;
        if (!idle) {
            now = Math.max(now, deadline);
        }
        return idle;
    }

    /**
     * Runs every event due in the next {@code duration} of virtual time, and leaves the clock at
     * its end.
     *
     * @param duration virtual time
     */
    public void runFor(Duration duration) {
        long deadline = deadline(duration);
        while (events.nextDueTime() <= deadline || !fromOtherThreads.isEmpty()) {
            if (!step()) {
                break;
            }
        }
        now = Math.max(now, deadline);
    }

    /**
     * Runs until {@code done} is true, checked after every step, or {@code limit} of virtual time
     * has passed.
     *
     * @param done the condition
     * @param limit virtual time
     * @return whether {@code done} became true
     */
    public boolean runUntil(BooleanSupplier done, Duration limit) {
        long deadline = deadline(limit);
        while (!done.getAsBoolean()) {
            if (events.nextDueTime() > deadline && fromOtherThreads.isEmpty()) {
                return false;
            }
            if (!step()) {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /**
     * Ends the run: stops every host (shutdown triggers, listeners closed, connections flushed and
     * closed within each host's grace period), runs until nothing is pending, then checks that
     * every connection got its {@code connectionLost} exactly once and the {@link #eventually}
     * invariants hold.
     *
     * @throws SimulationFailure naming what does not hold
     */
    public void finish() {
        for (SimulatedReactor host : hosts.values()) {
            host.stop();
        }
        if (!runUntilIdle(Duration.ofHours(1))) {
            throw SimulationFailure.of(this, "still busy an hour after every host was stopped", null);
        }
        network.checkEveryConnectionEnded();
        for (Map.Entry<String, BooleanSupplier> invariant : eventually.entrySet()) {
            if (!invariant.getValue().getAsBoolean()) {
                throw SimulationFailure.of(this, "invariant broken at the end: " + invariant.getKey(), null);
            }
        }
        log.add(now, "-", "finished: " + log.size() + " events");
    }

    private long deadline(Duration limit) {
        long nanos = limit.toNanos();
        return now + nanos < now ? Long.MAX_VALUE : now + nanos;
    }

    // ------------------------------------------------------------------ for the hosts and the network

    DelayedCall schedule(long delayNanos, Runnable event) {
        return events.schedule(Duration.ofNanos(Math.max(0, delayNanos)), event);
    }

    DelayedCall schedule(Duration delay, Runnable event) {
        return events.schedule(delay, event);
    }

    void fromOtherThread(Runnable task) {
        fromOtherThreads.add(task);
    }

    boolean isSimulationThread() {
        return Thread.currentThread() == thread;
    }

    void log(String host, String what) {
        log.add(now, host, what);
    }

    /**
     * The failure rule: an AssertionError (a test's) or a fatal error ends the run; anything else
     * is reported and returned.
     *
     * @return what the callback threw, or null
     */
    Throwable runCallback(String host, String context, Runnable callback) {
        try {
            callback.run();
            return null;
        } catch (AssertionError failure) {
            throw failure;
        } catch (Throwable error) {
            if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
                throw error;
            }
            reportError(host, context, error);
            return error;
        }
    }

    void reportError(String host, String context, Throwable error) {
        errors.add(new ReportedError(host, context, error));
        log(host, "error in " + context + ": " + error);
    }

    SimulationFailure violation(String what) {
        return SimulationFailure.of(this, what, null);
    }

    boolean chance(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    /** Uniform in {@code [min, max]}. */
    long between(long min, long max) {
        return max <= min ? min : min + random.nextLong(max - min + 1);
    }

    int between(int min, int max) {
        return max <= min ? min : min + random.nextInt(max - min + 1);
    }

    long nanosBetween(Duration min, Duration max) {
        return between(min.toNanos(), max.toNanos());
    }

    SimulatedReactor hostByAddress(InetAddress address) {
        for (SimulatedReactor host : hosts.values()) {
            if (host.address().equals(address)) {
                return host;
            }
        }
        return null;
    }

    SimulatedReactor hostByName(String name) {
        return hosts.get(name);
    }

    private void checkThread() {
        if (!isSimulationThread()) {
            throw new IllegalStateException("a simulation runs on the thread that made it, not on " + Thread.currentThread().getName());
        }
    }
}
