package io.twine.reactor;

import io.twine.protocol.Reason;
import io.twine.reactor.internal.DirectMemory;
import io.twine.reactor.internal.FlightEvents;
import io.twine.reactor.internal.TaskQueue;
import io.twine.reactor.internal.TimerQueue;
import io.twine.reactor.observe.CallbackKind;
import io.twine.reactor.observe.LoopMetrics;
import io.twine.reactor.observe.LoopTrace;
import io.twine.reactor.observe.SlowCallback;
import io.twine.reactor.observe.WakeReason;
import io.twine.reactor.spi.BeforeNextSelect;
import io.twine.reactor.spi.ChunkPool;
import io.twine.reactor.spi.Failures;
import io.twine.reactor.spi.IoHandler;
import io.twine.reactor.spi.LoopMonitor;
import io.twine.reactor.spi.Registration;
import io.twine.reactor.spi.ShutdownParticipant;
import io.twine.reactor.spi.TcpDriver;
import io.twine.reactor.spi.TransportLoop;
import io.twine.reactor.spi.TransportLoops;
import io.twine.reactor.spi.UdpDriver;
import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import java.io.IOException;
import java.net.SocketAddress;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The event loop: one thread, one {@link java.nio.channels.Selector Selector}, and everything that
 * happens on it.
 *
 * <p>{@link #run()} blocks the calling thread and repeats these four steps until {@link #stop()}
 * (see {@code docs/one-turn-of-the-loop.md}):
 * <ol>
 *   <li>run what transports asked to run before the next select: mostly flushing connections
 *       written to outside their own read event, one gathering write each (also a loss decided
 *       inside another callback, or a UDP port's close);</li>
 *   <li>select, sleeping until the earliest timer (not at all when work is waiting), and
 *       dispatch each ready key to the {@link IoHandler} attached to it as the selector finds
 *       it (one step: {@code select(consumer)}); a connection's read event ends with its own
 *       flush;</li>
 *   <li>run the timers that are due;</li>
 *   <li>run the tasks other threads queued with {@link #callFromThread}.</li>
 * </ol>
 *
 * <p><b>Threads.</b> Every callback runs on the loop thread. The thread-safe methods are
 * {@link #callFromThread}, {@link #stop}, {@link #stopAndWait}, {@link #installShutdownHook},
 * {@link #deferToThread}, {@link #isRunning} and {@link #isInLoopThread}; everything else is
 * loop-only. Before {@code run()} starts, the thread
 * that will call it may set the reactor up (listen, connect, schedule).
 *
 * <p><b>Errors.</b> Every callback goes through one rule ({@link Failures}): what it throws is
 * reported once through the {@link ErrorReporter}, closes only the connection it belongs to, and
 * never stops the loop; only an error fatal to the JVM (out of memory) is rethrown and ends
 * {@code run()}.
 *
 * <p><b>Seeing the loop.</b> {@link #metrics()} counts what the loop did; {@link #startTracing}
 * records its last iterations for {@link io.twine.reactor.observe.TracePage}; debug mode
 * ({@link #setDebug}, or {@code -Dtwine.debug=true}) warns about slow callbacks and rejects
 * loop-only calls from other threads. The counting and recording live in {@link LoopMonitor}.
 *
 * <p><b>Transports.</b> {@link #listenTcp}, {@link #connectTcp} and {@link #listenUdp} (what
 * {@code Tcp} and {@code Udp} call) open sockets with the drivers of the transports module, found
 * through {@link java.util.ServiceLoader}. The reactor hands those drivers a
 * {@link TransportLoop}, the surface transports plug into (selector, shared buffers, the
 * before-select and shutdown lists); it is no method of the reactor, so protocols cannot reach it.
 */
public final class Reactor implements EventLoop {

    /**
     * Bytes one read may return; more than any UDP payload, so one buffer serves both. Twice the
     * 64 KiB that a burst on a loopback or LAN connection often brings: a stream transport reads
     * again only when a read filled the buffer, and with a buffer of exactly 64 KiB every such
     * burst filled it, so the next read found nothing (one wasted system call per read event).
     */
    public static final int READ_BUFFER_SIZE = 128 * 1024;
    private static final int CHUNK_SIZE = 16 * 1024;
    private static final int MAX_POOLED_CHUNKS = 256;
    /** Cross-thread tasks run per iteration at most, so a task that requeues itself cannot starve I/O. */
    private static final int MAX_TASKS_PER_ITERATION = 4096;
    private static final int DEFAULT_MAX_WORKERS = 10;

    private enum Phase { NOT_STARTED, RUNNING, STOPPING, FINISHED }

    /** A turn's longest wait for I/O when nothing limits it beyond the timers' own. */
    private static final long NO_LIMIT = Long.MAX_VALUE;

    /**
     * The empty task {@link #stop()} posts only to wake the selector: a class with a name, so that
     * a trace says what it is ({@code Reactor$WakeToStop}).
     */
    private static final class WakeToStop implements Runnable {
        @Override
        public void run() {
        }
    }

    /** The empty timer at the end of the grace period, there only to wake the loop then. */
    private static final class GracePeriodOver implements Runnable {
        @Override
        public void run() {
        }
    }

    // Made now, not at stop(): a stop while the process is out of descriptors must load nothing.
    private static final Runnable WAKE_TO_STOP = new WakeToStop();
    private static final Runnable GRACE_PERIOD_OVER = new GracePeriodOver();

    /**
     * Empty, early returns from a select in a row after which the selector counts as broken
     * (the JDK's epoll spin family of bugs) and is rebuilt.
     */
    static final int SPIN_THRESHOLD = 512;
    private static final System.Logger LOG = System.getLogger("io.twine.reactor");

    static {
        // The one way from a reactor to its transport loop besides the drivers: for TLS and groups of loops.
        TransportLoops.install(Reactor::transportLoop);
    }
    // Who owns each field: "loop" fields are read and written by the loop thread only (and by the
    // thread that sets the reactor up before run(), which run() then takes over: starting a thread
    // publishes what it did); the others are safe to touch from any thread, as each comment says.

    private final Poller poller;
    /** Loop (the thread that runs or iterates the reactor). */
    private final Clock clock;
    private final TimerQueue timers = new TimerQueue(this::now);
    /** Tasks from callFromThread: many producers, the loop the only consumer, no allocation per task. */
    private final TaskQueue tasks = new TaskQueue();
    /**
     * True from just before the loop looks for work until its select returns (or it finds work and
     * will not sleep): the one wake-up of that sleep is still unsent. Any thread takes it (to wake
     * the selector); the loop arms and disarms it.
     */
    private final AtomicBoolean wakeupNeeded = new AtomicBoolean();
    /** Loop: {@link #wakeupNeeded} was armed by this turn's select and not yet disarmed. */
    private boolean wakeupArmed;
    /** Any thread. */
    private final AtomicBoolean runCalled = new AtomicBoolean();
    /** Any thread sets it ({@link #stop}); the loop reads it. */
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    private final Consumer<Runnable> timerRunner = task -> runCallback("timer", CallbackKind.TIMER, task);
    /** The one failure rule every callback goes through; created first so its class is loaded before anything fails. */
    private final Failures failures = new Failures(ErrorReporter.logging("io.twine.reactor"));
    /** Its own rules: loop-only counters, settings any thread may change. */
    private final LoopMonitor monitor = new LoopMonitor();
    /** Opened when {@link #run()} has returned, for {@link #stopAndWait}. */
    private final CountDownLatch finished = new CountDownLatch(1);

    // Loop. Two lists swapped on every turn, so that running them allocates nothing (no copy, no iterator).
    private ArrayList<BeforeNextSelect> beforeNextSelect = new ArrayList<>();
    private ArrayList<BeforeNextSelect> runningBeforeSelect = new ArrayList<>();
    /** Loop. */
    private final Set<ShutdownParticipant> participants = new LinkedHashSet<>();
    /** Loop: the callWhenRunning calls, until the startup triggers' futures have completed. */
    private final List<Runnable> startupCalls = new ArrayList<>();
    /** Loop: until run() runs them. */
    private final List<AsyncTask> startupTriggers = new ArrayList<>();
    /** Loop: the futures of the startup triggers, which the callWhenRunning calls and a stop wait for. */
    private final AwaitedFutures startupFutures = new AwaitedFutures(this, failures);
    /** Loop: true once the startup triggers' futures have completed and the callWhenRunning calls have run. */
    private boolean started;
    /** Loop: each phase's triggers, each a {@link Runnable} or an {@link AsyncTask}. */
    private final Map<ShutdownPhase, List<Object>> shutdownTriggers = new EnumMap<>(ShutdownPhase.class);
    /** Loop: while stopping, the phase whose triggers' futures the stop waits for; null while it waits for the startup triggers'. */
    private ShutdownPhase stoppingPhase;
    /** Loop: what the current step of a stop waits for. */
    private AwaitedFutures awaited;

    /** Loop. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    /** Loop. */
    private final ChunkPool chunkPool = new ChunkPool(CHUNK_SIZE, MAX_POOLED_CHUNKS);
    private final TransportLoop transportLoop = new Loop();

    /** Written by the loop, read by any thread. */
    private volatile Phase phase = Phase.NOT_STARTED;
    /** Written by the loop, read by any thread. */
    private volatile Thread loopThread;
    /** Any thread may set it; the loop reads it before each select. */
    private volatile long idlePollNanos;
    /** Any thread may set it (the JVM shutdown hook reads it on its own); the loop reads it when the stop begins. */
    private volatile Duration shutdownGracePeriod = Duration.ofSeconds(5);
    /** Guarded by {@code this}; null until {@link #installShutdownHook()}. */
    private Thread shutdownHook;
    /** Loop. */
    private long shutdownDeadline;
    /** Guarded by {@code this}: any thread. */
    private ThreadPoolExecutor workers;
    /** Guarded by {@code this}: any thread. */
    private int maxWorkers = DEFAULT_MAX_WORKERS;
    private NameResolver nameResolver = NameResolver.system(this);

    /** Loop. */
    private int prematureReturns;
    /** Written by the loop, read by any thread. */
    private volatile int selectorRebuilds;
    /** The counters as run() left them, published by it for any thread; null until then. */
    private volatile LoopMetrics finalMetrics;

    /** Opens a selector; the reactor does nothing until {@link #run()}. Time is {@link Clock#SYSTEM}. */
    public Reactor() {
        this(Clock.SYSTEM);
    }

    /**
     * A reactor whose timers, and shutdown grace period, follow {@code clock}: a
     * {@link io.twine.testing.ManualClock} lets a test step the loop with {@link #iterate} over
     * real sockets while time moves only when the test advances it. The reactor keeps its own
     * timers and only reads the time from {@code clock}; it sees the clock move at its next turn.
     * Opens a selector; the reactor does nothing until {@link #run()} or {@link #iterate}.
     *
     * @param clock read on the loop thread for every timer decision; {@link Clock#SYSTEM} in
     *     production
     */
    public Reactor(Clock clock) {
        this(openPoller(), clock);
    }

    /** A reactor on {@code poller}: the seam for tests that need a selector to misbehave. */
    Reactor(Poller poller) {
        this(poller, Clock.SYSTEM);
    }

    private Reactor(Poller poller, Clock clock) {
        // What closing a connection, reporting an error and running a timer need, loaded while
        // descriptors are plentiful: see Failures.preload. (Failures itself is loaded by now.)
        Failures.preload(Reason.class, Reason.Kind.class, CallbackKind.class, FlightEvents.class, DelayedCall.class);
        this.poller = poller;
        this.clock = Objects.requireNonNull(clock, "clock");
        chunkPool.setBudget(DirectMemory.max() / 2);
        for (ShutdownPhase p : ShutdownPhase.values()) {
            shutdownTriggers.put(p, new ArrayList<>());
        }
    }

    private static Poller openPoller() {
        try {
            return new Poller();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
    }

    // ------------------------------------------------------------------ the loop

    /**
     * Runs the loop on the calling thread until {@link #stop()} has completed its three phases.
     *
     * @throws IllegalStateException if {@code run()} was called before, on any thread
     */
    public void run() {
        if (!runCalled.compareAndSet(false, true)) {
            throw new IllegalStateException("this reactor is already running or has run: a reactor runs once");
        }
        loopThread = Thread.currentThread();
        phase = Phase.RUNNING;
        monitor.loopStarted();
        try {
            for (AsyncTask trigger : startupTriggers) {
                runAwaited("startup trigger", trigger, startupFutures);
            }
            startupTriggers.clear();
            while (phase != Phase.FINISHED) {
                if (!started && startupFutures.isEmpty()) {
                    finishStarting();
                }
                if (stopRequested.get()) {
                    advanceShutdown();
                }
                runOnce(NO_LIMIT);
            }
        } finally {
            monitor.loopFinished();
            closeEverything();
            finalMetrics = monitor.metrics();
            phase = Phase.FINISHED;
            loopThread = null;
            removeShutdownHook();
            finished.countDown();
        }
    }

    /**
     * Runs one turn of the loop on the calling thread and returns (Twisted's
     * {@code reactor.iterate}): flushes what was written, waits at most {@code maxWait} for I/O
     * (less when a timer falls due sooner or work is already waiting; {@link Duration#ZERO} does
     * not wait), dispatches what is ready, then runs the timers that are due and the tasks queued
     * from other threads. It is the body of {@link #run()}'s loop, for watching the loop one step
     * at a time and for tests that drive real sockets, with time from a
     * {@link io.twine.testing.ManualClock} given to {@link #Reactor(Clock)}.
     *
     * <p>Only for a reactor whose {@code run()} has not been called. The first thread to call it
     * becomes the loop thread and must make every later call. {@link #callWhenRunning} calls wait
     * for {@code run()}. To release the sockets and the selector afterwards, call {@link #stop()}
     * and then {@code run()}, which shuts down as usual and returns.
     *
     * @param maxWait the longest wait for I/O, zero or positive
     * @throws IllegalStateException if {@code run()} has been called, or another thread iterates
     *     this reactor
     */
    public void iterate(Duration maxWait) {
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must be zero or positive, got " + maxWait);
        }
        if (runCalled.get()) {
            throw new IllegalStateException("iterate() steps a reactor that is not run; run() has been called on this one");
        }
        Thread caller = Thread.currentThread();
        if (loopThread == null) {
            loopThread = caller;
            monitor.loopStarted();
        } else if (loopThread != caller) {
            throw new IllegalStateException("this reactor is iterated by thread '" + loopThread.getName()
                    + "'; it cannot be iterated from '" + caller.getName() + "' too");
        }
        // Rounded up, as timer waits are: a wait shorter than asked would only be surprising.
        runOnce(maxWait.isZero() ? Poller.SELECT_NOW : (maxWait.toNanos() + 999_999) / 1_000_000);
    }

    /**
     * One turn of the loop: before select (mostly flushes), select (waiting {@code maxWaitMillis}
     * at most) and dispatch, timers, tasks.
     */
    private void runOnce(long maxWaitMillis) {
        runBeforeSelect();
        select(maxWaitMillis);
        timers.runDue(now(), timerRunner);
        runTasks();
    }

    private void select(long maxWaitMillis) {
        // Arm the wake-up before looking for work: a thread that queues a task after this line
        // sees the flag and wakes the selector; a task queued before it is seen by
        // selectTimeoutMillis, which then does not let the select wait.
        wakeupNeeded.set(true);
        wakeupArmed = true;
        long timeoutMillis = limit(selectTimeoutMillis(), maxWaitMillis);
        if (timeoutMillis == Poller.SELECT_NOW) {
            disarmWakeup();  // work is waiting and the loop will not sleep: a wake-up would be wasted
        }
        try {
            monitor.selectStarting(timeoutMillis);
            // The selector's own time, not the reactor's clock (which a test may hold still).
            long started = timeoutMillis != Poller.SELECT_NOW ? System.nanoTime() : 0;
            int selected = idlePollNanos > 0 && timeoutMillis != Poller.SELECT_NOW
                    ? pollThenSelect(timeoutMillis, started)
                    : poller.select(dispatcher, timeoutMillis);
            boolean woken = wakeupArmed && !wakeupNeeded.get();  // another thread took the flag to wake us
            disarmWakeup();
            monitor.selectReturned(selected, wakeReason(timeoutMillis, selected, woken));
            if (timeoutMillis != Poller.SELECT_NOW) {
                checkForSpin(selected, woken, timeoutMillis, System.nanoTime() - started);
            }
        } catch (IOException e) {
            reportError("select failed", e);
        } finally {
            disarmWakeup();
        }
    }

    /**
     * The select of a loop with an {@linkplain #setIdlePoll idle poll}: looks with
     * {@code selectNow} until something is ready, another thread queues a task (it takes the
     * wake-up flag), the poll time is over or the select's timeout (the next timer) is reached;
     * then, if nothing came, waits in select for what is left of the timeout.
     */
    private int pollThenSelect(long timeoutMillis, long started) throws IOException {
        long pollNanos = idlePollNanos;
        if (timeoutMillis != Poller.SELECT_UNTIL_WOKEN) {
            pollNanos = Math.min(pollNanos, timeoutMillis * 1_000_000);
        }
        long elapsed;
        do {
            int selected = poller.select(dispatcher, Poller.SELECT_NOW);
            if (selected > 0 || !wakeupNeeded.get()) {
                return selected;
            }
            elapsed = System.nanoTime() - started;
        } while (elapsed < pollNanos);
        if (timeoutMillis == Poller.SELECT_UNTIL_WOKEN) {
            return poller.select(dispatcher, Poller.SELECT_UNTIL_WOKEN);
        }
        long leftMillis = timeoutMillis - elapsed / 1_000_000;
        return leftMillis > 0 ? poller.select(dispatcher, leftMillis) : 0;
    }

    /** Why the select returned, for the trace. */
    private WakeReason wakeReason(long timeoutMillis, int selected, boolean woken) {
        if (timeoutMillis == Poller.SELECT_NOW) {
            return WakeReason.DID_NOT_WAIT;
        }
        if (selected > 0) {
            return WakeReason.IO;
        }
        if (woken) {
            return stopRequested.get() && phase == Phase.RUNNING ? WakeReason.STOP : WakeReason.TASK;
        }
        return timeoutMillis == Poller.SELECT_UNTIL_WOKEN ? WakeReason.NOTHING : WakeReason.TIMER;
    }

    /**
     * The loop is awake: from here until the next select, a task queued by another thread is run
     * in this turn or seen by the next look for work, so it needs no wake-up (Netty clears its
     * flag when select returns for the same reason). Called when select returns and, since the
     * selector dispatches ready keys before select returns, at the first key.
     */
    private void disarmWakeup() {
        if (wakeupArmed) {
            wakeupArmed = false;
            // No fence needed: a thread that still sees true only sends one wake-up too many.
            wakeupNeeded.lazySet(false);
        }
    }

    /**
     * Rebuilds the selector when select keeps returning early with nothing ready although
     * nobody woke it: left alone, that bug turns the loop into a 100% CPU spin.
     */
    private void checkForSpin(int selected, boolean woken, long timeoutMillis, long elapsedNanos) {
        boolean early = timeoutMillis == Poller.SELECT_UNTIL_WOKEN || elapsedNanos < (timeoutMillis - 1) * 1_000_000;
        if (selected > 0 || woken || !early) {
            prematureReturns = 0;
            return;
        }
        if (++prematureReturns < SPIN_THRESHOLD) {
            return;
        }
        prematureReturns = 0;
        try {
            int moved = poller.rebuild();
            selectorRebuilds++;
            LOG.log(System.Logger.Level.WARNING, "select returned early and empty " + SPIN_THRESHOLD
                    + " times in a row; rebuilt the selector and moved " + moved + " channels to it");
        } catch (IOException e) {
            reportError("rebuilding the selector", e);
        }
    }

    /** A select timeout (see {@link #selectTimeoutMillis}) that waits at most {@code maxWaitMillis}. */
    private static long limit(long timeoutMillis, long maxWaitMillis) {
        if (timeoutMillis == Poller.SELECT_NOW || maxWaitMillis == Poller.SELECT_NOW) {
            return Poller.SELECT_NOW;
        }
        if (timeoutMillis == Poller.SELECT_UNTIL_WOKEN) {
            return maxWaitMillis == NO_LIMIT ? Poller.SELECT_UNTIL_WOKEN : maxWaitMillis;
        }
        return Math.min(timeoutMillis, maxWaitMillis);
    }

    /**
     * {@link Poller#SELECT_NOW} when work is waiting; {@link Poller#SELECT_UNTIL_WOKEN} when there
     * is no timer; otherwise the milliseconds until the next timer, rounded up.
     */
    private long selectTimeoutMillis() {
        if (!tasks.isEmpty() || !beforeNextSelect.isEmpty() || phase == Phase.FINISHED) {
            return Poller.SELECT_NOW;
        }
        if (phase == Phase.STOPPING && stopStepOver()) {
            return Poller.SELECT_NOW;  // the last participant closed during this pass: go on now, not at the grace deadline
        }
        long due = timers.nextDueTime();
        if (due == Long.MAX_VALUE) {
            return Poller.SELECT_UNTIL_WOKEN;
        }
        long wait = due - now();
        if (wait <= 0) {
            return Poller.SELECT_NOW;
        }
        // Rounded up, because waking before the timer is due would only select again.
        return (wait + 999_999) / 1_000_000;
    }

    private void dispatch(SelectionKey key) {
        disarmWakeup();
        // An earlier handler of this same pass may have closed this channel.
        if (!key.isValid()) {
            return;
        }
        IoHandler handler = ((Registration) key.attachment()).handler();
        int readyOps = key.readyOps();
        monitor.callbackStarting(CallbackKind.IO, handler, readyOps);
        try {
            handler.ready(readyOps);
        } catch (Throwable error) {
            failures.failed(error, "I/O handler", handler, handler);
        }
        monitor.callbackFinished();
    }

    /** Runs the work transports asked for since the last select: mostly flushes of their writes. */
    private void runBeforeSelect() {
        if (beforeNextSelect.isEmpty()) {
            return;
        }
        // Swap lists: a flush that fails may close a connection whose protocol writes elsewhere,
        // and those new requests must land in a list this pass is not walking.
        ArrayList<BeforeNextSelect> batch = beforeNextSelect;
        beforeNextSelect = runningBeforeSelect;
        runningBeforeSelect = batch;
        for (int i = 0, n = batch.size(); i < n; i++) {
            BeforeNextSelect work = batch.get(i);
            monitor.callbackStarting(CallbackKind.BEFORE_SELECT, work, 0);
            try {
                work.runBeforeSelect();
            } catch (Throwable error) {
                failures.failed(error, "before select", work, work);
            }
            monitor.callbackFinished();
        }
        batch.clear();
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_ITERATION; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            runCallback("callFromThread task", CallbackKind.TASK, task);
        }
    }

    private void runCallback(String name, CallbackKind kind, Runnable callback) {
        monitor.callbackStarting(kind, callback, 0);
        failures.run(callback, name, callback, null);
        monitor.callbackFinished();
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Asks the loop to stop, in Twisted's order: the {@link ShutdownPhase#BEFORE} triggers run;
     * then the {@link ShutdownPhase#DURING} triggers run while every listener closes and every
     * connection is asked to flush and close, after which the rest are aborted; then the
     * {@link ShutdownPhase#AFTER} triggers run and {@link #run()} returns. Each phase first waits
     * for the futures of the triggers before it ({@link #addShutdownTrigger(ShutdownPhase,
     * AsyncTask)}), and the whole stop waits at most the grace period.
     *
     * <p>Thread-safe and idempotent. Called before {@code run()}, the loop stops as soon as it
     * starts (after the {@link #callWhenRunning} calls).
     */
    @Override
    public void stop() {
        if (stopRequested.compareAndSet(false, true)) {
            callFromThread(WAKE_TO_STOP);  // wakes the selector; the loop itself sees the flag
        }
    }

    /**
     * {@link #stop()}, then waits until {@link #run()} has returned: the shutdown triggers have run
     * and every connection has flushed and closed, or been aborted at the end of the grace period.
     * So a wait a little longer than the {@linkplain #setShutdownGracePeriod grace period} (plus
     * whatever the shutdown triggers take) is enough. Returns at once if {@code run()} was never
     * called or has returned.
     *
     * <p>Thread-safe, from any thread but the loop's (which would wait for itself).
     *
     * @param timeout the longest the caller waits; the stop itself goes on after a timeout
     * @return true if {@code run()} has returned, false if {@code timeout} passed first
     * @throws IllegalStateException on the loop thread
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean stopAndWait(Duration timeout) throws InterruptedException {
        if (isInLoopThread()) {
            throw new IllegalStateException("stopAndWait on the loop thread would wait for itself: call stop()");
        }
        stop();
        if (!runCalled.get()) {
            return true;
        }
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Makes the JVM's shutdown (SIGTERM, Ctrl-C, SIGHUP, or {@link System#exit}) stop this reactor
     * gracefully: a shutdown hook calls {@link #stopAndWait} and waits at most the grace period
     * plus one second, so queued bytes reach their peers and the "after" triggers run before the
     * JVM halts. Twisted's reactor installs its signal handlers in the same spirit.
     *
     * <p>A JVM shutdown hook is the one way to hear of these signals with the JDK's supported API
     * alone ({@code sun.misc.Signal} is unsupported and would replace the JVM's own handling).
     * The hook is removed when {@code run()} returns by itself. A JVM killed with SIGKILL, or
     * halted, runs no hook. Idempotent.
     *
     * <p>Thread-safe; typically called once before {@code run()}.
     */
    public synchronized void installShutdownHook() {
        if (shutdownHook != null || finished.getCount() == 0) {
            return;
        }
        shutdownHook = new Thread(() -> {
            try {
                stopAndWait(shutdownGracePeriod.plusSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "twine-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private synchronized void removeShutdownHook() {
        if (shutdownHook == null || Thread.currentThread() == shutdownHook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down already: the hook is running, or about to, and returns at once.
        }
        shutdownHook = null;
    }

    /**
     * One step of a stop at a time, each waiting for what it must (futures, connections) until the
     * grace period, counted from the stop's start, is over: the startup triggers' futures (then
     * the callWhenRunning calls, if they have not run), the BEFORE triggers' futures, the DURING
     * triggers' futures and every participant's close, the AFTER triggers' futures.
     */
    private void advanceShutdown() {
        if (phase == Phase.RUNNING) {
            phase = Phase.STOPPING;
            Duration gracePeriod = shutdownGracePeriod;  // read once: another thread may change it
            shutdownDeadline = now() + gracePeriod.toNanos();
            // A timer at the deadline makes sure the loop wakes up to go on without the stragglers.
            timers.schedule(gracePeriod, GRACE_PERIOD_OVER);
            stoppingPhase = null;
            awaited = startupFutures;
        }
        while (phase == Phase.STOPPING && stopStepOver()) {
            if (!awaited.isEmpty()) {
                awaited.giveUp(stoppingPhase == null ? "startup trigger" : triggerName(stoppingPhase),
                        "within the shutdown grace period of " + shutdownGracePeriod);
            }
            if (stoppingPhase == null) {
                finishStarting();
                stoppingPhase = ShutdownPhase.BEFORE;
                awaited = runTriggers(ShutdownPhase.BEFORE);
            } else if (stoppingPhase == ShutdownPhase.BEFORE) {
                stoppingPhase = ShutdownPhase.DURING;
                awaited = runTriggers(ShutdownPhase.DURING);
                for (ShutdownParticipant participant : new ArrayList<>(participants)) {
                    failures.run(participant::shutdown, "shutdown", participant, participant);
                }
            } else if (stoppingPhase == ShutdownPhase.DURING) {
                for (ShutdownParticipant participant : new ArrayList<>(participants)) {
                    failures.run(participant::abort, "abort", participant, participant);
                }
                participants.clear();
                stoppingPhase = ShutdownPhase.AFTER;
                awaited = runTriggers(ShutdownPhase.AFTER);
            } else {
                phase = Phase.FINISHED;
            }
        }
    }

    /** The current step of the stop has nothing left to wait for, or the grace period is over. */
    private boolean stopStepOver() {
        boolean done = awaited.isEmpty() && (stoppingPhase != ShutdownPhase.DURING || participants.isEmpty());
        return done || now() - shutdownDeadline >= 0;
    }

    /** True once a stop has begun closing listeners and connections: those tracked now close at once. */
    private boolean closingParticipants() {
        return phase == Phase.STOPPING && (stoppingPhase == ShutdownPhase.DURING || stoppingPhase == ShutdownPhase.AFTER);
    }

    /** The startup triggers' futures have completed (or a stop goes on without them): runs the callWhenRunning calls. */
    private void finishStarting() {
        if (started) {
            return;
        }
        started = true;
        for (Runnable call : startupCalls) {
            runCallback("callWhenRunning call", CallbackKind.TASK, call);
        }
        startupCalls.clear();
    }

    /** Runs the triggers of {@code triggerPhase}, in the order they were added; returns their futures. */
    private AwaitedFutures runTriggers(ShutdownPhase triggerPhase) {
        AwaitedFutures futures = new AwaitedFutures(this, failures);
        String name = triggerName(triggerPhase);
        for (Object trigger : shutdownTriggers.get(triggerPhase)) {
            if (trigger instanceof AsyncTask) {
                runAwaited(name, (AsyncTask) trigger, futures);
            } else {
                runCallback(name, CallbackKind.TASK, (Runnable) trigger);
            }
        }
        return futures;
    }

    private static String triggerName(ShutdownPhase triggerPhase) {
        return "shutdown trigger (" + triggerPhase + ")";
    }

    /** Runs {@code task} under the failure rule and waits for the future it returns, if any, with {@code into}. */
    private void runAwaited(String name, AsyncTask task, AwaitedFutures into) {
        monitor.callbackStarting(CallbackKind.TASK, task, 0);
        try {
            CompletionStage<?> future = task.run();
            if (future != null) {
                into.await(future, name, task);
            }
        } catch (Throwable error) {
            failures.failed(error, name, task, null);
        }
        monitor.callbackFinished();
    }

    /** Closes whatever is still registered, lets the selector free the descriptors, and closes it. */
    private void closeEverything() {
        poller.closeAll(this);
        synchronized (this) {
            if (workers != null) {
                workers.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------ public API

    /** Monotonic nanoseconds from the reactor's {@link Clock} ({@link System#nanoTime()} unless given). */
    @Override
    public long now() {
        return clock.now();
    }

    /** {@inheritDoc} Loop-only (or before {@code run()}). */
    @Override
    public DelayedCall callLater(Duration delay, Runnable task) {
        monitor.checkLoopThread("Reactor.callLater");
        return timers.schedule(delay, task);
    }

    /**
     * Queues {@code task} to run once on the loop thread, after the current iteration's I/O and
     * timers. Tasks from one thread run in the order they were queued. The selector is woken at
     * most once per sleep however many threads call this. Tasks queued after the loop has
     * finished never run.
     *
     * <p>Thread-safe: the way into the loop from any other thread.
     */
    @Override
    public void callFromThread(Runnable task) {
        tasks.offer(Objects.requireNonNull(task, "task"));
        if (wakeupNeeded.get() && wakeupNeeded.compareAndSet(true, false)) {
            poller.wakeup();
        }
    }

    /**
     * Runs {@code call} once the loop runs: at the start of {@link #run()} if it has not started
     * (after the futures of the {@linkplain #addStartupTrigger startup triggers} have completed),
     * or right away when called on the loop thread of a running reactor.
     *
     * <p>Loop-only (or before {@code run()}).
     */
    @Override
    public void callWhenRunning(Runnable call) {
        Objects.requireNonNull(call, "call");
        monitor.checkLoopThread("Reactor.callWhenRunning");
        if (!started) {
            startupCalls.add(call);
        } else {
            call.run();
        }
    }

    /**
     * Adds a trigger that runs when the loop starts, before the {@link #callWhenRunning} calls,
     * which wait until the future it returns has completed, failed or not (Twisted's
     * {@code addSystemEventTrigger('before', 'startup', f)} with {@code f} returning a
     * {@code Deferred}): for work a service needs done before it runs, such as loading state. A
     * failed future is reported through the {@link ErrorReporter}. A stop that begins while the
     * future is pending waits for it too, within the {@linkplain #setShutdownGracePeriod grace
     * period}, before it runs its {@link ShutdownPhase#BEFORE} triggers.
     *
     * <p>Loop-only, before {@code run()}.
     *
     * @param trigger runs on the loop thread when {@code run()} starts
     * @throws IllegalStateException once the reactor runs: its startup is over
     */
    public void addStartupTrigger(AsyncTask trigger) {
        Objects.requireNonNull(trigger, "trigger");
        monitor.checkLoopThread("Reactor.addStartupTrigger");
        if (phase != Phase.NOT_STARTED) {
            throw new IllegalStateException("the reactor runs already: a startup trigger would never run");
        }
        startupTriggers.add(trigger);
    }

    /**
     * Adds a trigger that runs once when the reactor stops, in the given phase. Triggers of one
     * phase run in the order they were added.
     *
     * <p>Loop-only (or before {@code run()}).
     */
    @Override
    public void addShutdownTrigger(ShutdownPhase triggerPhase, Runnable trigger) {
        addTrigger(triggerPhase, Objects.requireNonNull(trigger, "trigger"));
    }

    /**
     * Adds a trigger that runs once when the reactor stops, in the given phase, and returns a
     * future the stop waits for before it goes on to the next phase (Twisted's
     * {@code addSystemEventTrigger} with a trigger that returns a {@code Deferred}): a
     * {@link ShutdownPhase#BEFORE} trigger's future holds back the closing of listeners and
     * connections, a {@link ShutdownPhase#DURING} trigger's future the {@code AFTER} triggers, an
     * {@code AFTER} trigger's future the return from {@code run()}. Twisted waits only for the
     * {@code Deferred}s of "before" triggers, and for as long as they take; twine waits in every
     * phase, and only within the {@linkplain #setShutdownGracePeriod grace period}, counted from
     * the start of the stop: a future still pending then is reported through the
     * {@link ErrorReporter} (a {@link java.util.concurrent.TimeoutException}) and the stop goes
     * on. A failed future is reported the same way and does not stop the stop. The future may
     * complete on any thread.
     *
     * <p>A lambda that returns a {@link CompletionStage} chooses this method over the
     * {@code Runnable} one. Loop-only (or before {@code run()}).
     *
     * @param triggerPhase before, during or after the connections close
     * @param trigger runs on the loop thread; its future may complete on any thread
     */
    public void addShutdownTrigger(ShutdownPhase triggerPhase, AsyncTask trigger) {
        addTrigger(triggerPhase, Objects.requireNonNull(trigger, "trigger"));
    }

    private void addTrigger(ShutdownPhase triggerPhase, Object trigger) {
        monitor.checkLoopThread("Reactor.addShutdownTrigger");
        shutdownTriggers.get(Objects.requireNonNull(triggerPhase, "phase")).add(trigger);
    }

    /**
     * How long a {@link #stop()} may wait, counted from its start: for the futures of startup and
     * shutdown triggers ({@link #addShutdownTrigger(ShutdownPhase, AsyncTask)}) and for
     * connections to flush, after which the rest are aborted. Default 5 seconds. Any thread; a
     * stop already under way keeps the period it began with.
     *
     * @param gracePeriod zero aborts every connection at once
     */
    public void setShutdownGracePeriod(Duration gracePeriod) {
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("grace period must be zero or positive, got " + gracePeriod);
        }
        this.shutdownGracePeriod = gracePeriod;
    }

    /**
     * How long the loop keeps looking for work ({@code selectNow}) before it sleeps in select;
     * default zero: it sleeps at once. A sleeping loop thread has to be woken by the kernel when
     * a peer's bytes arrive, and the peer's process pays for that wake-up: against
     * {@code redis-benchmark}, whose one thread was the limit, a mini-redis loop polling for
     * 50 µs slept a fifth to a twentieth as often, cost the client 5 to 16% less CPU per request
     * and served 6 to 18% more requests per second (see the README's mini-redis section). The
     * price is CPU: up to this long each time the loop would sleep, so a loop that sleeps a
     * thousand times a second and polls for 50 µs burns 5% of a CPU more. Polling stops at once for ready
     * channels, for tasks from other threads and for the next timer, so nothing waits longer
     * than without it. Any thread; the loop reads it before each select.
     *
     * @param poll zero to sleep at once, else how long to poll first (rounded down to nanoseconds)
     * @throws IllegalArgumentException if {@code poll} is negative
     */
    public void setIdlePoll(Duration poll) {
        if (poll.isNegative()) {
            throw new IllegalArgumentException("idle poll must be zero or positive, got " + poll);
        }
        this.idlePollNanos = poll.toNanos();
    }

    /** {@return how long the loop polls before it sleeps; see {@link #setIdlePoll}} */
    public Duration idlePoll() {
        return Duration.ofNanos(idlePollNanos);
    }

    /**
     * Caps the outbound bytes all connections together may hold, so that peers that do not read
     * cannot make the JVM run out of memory. Default: half of what the JVM may allocate as direct
     * memory (its {@code -XX:MaxDirectMemorySize}, which defaults to the maximum heap size), since
     * outbound bytes are held in direct buffers.
     *
     * <p>When the budget is used up, a write that would take its connection past that
     * connection's high-water mark closes the connection with a
     * {@link io.twine.protocol.Reason.Kind#LIMIT_EXCEEDED} reason (logged once, with the peer and
     * the figures). A connection within its high-water mark, such as one whose producer is
     * paused as flow control asks, is never cut for it: only a protocol that ignores flow control
     * while its peer does not read can pass the mark, and pausing it would not shrink its queue.
     * A write for which no direct buffer can be allocated at all closes its connection the same
     * way, never the loop.
     *
     * <p>Loop-only (or before {@code run()}).
     *
     * @param bytes the budget across all connections of this reactor
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public void setOutboundMemoryBudget(long bytes) {
        chunkPool.setBudget(bytes);
    }

    /**
     * The outbound memory budget in bytes; see {@link #setOutboundMemoryBudget}.
     *
     * @return bytes, always positive
     */
    public long outboundMemoryBudget() {
        return chunkPool.budget();
    }

    /**
     * Runs blocking {@code work} on a worker thread and completes the returned future with its
     * result (or exception) on the loop thread, so callbacks chained with the non-async
     * {@code then...} methods run on the loop. The worker pool (at most 10 threads by default) is
     * created on first use and shut down when the reactor stops; work still queued then never
     * completes.
     *
     * <p>Thread-safe.
     */
    @Override
    public <T> CompletableFuture<T> deferToThread(Callable<T> work) {
        Objects.requireNonNull(work, "work");
        CompletableFuture<T> result = new CompletableFuture<>();
        workers().execute(() -> {
            try {
                T value = work.call();
                callFromThread(() -> result.complete(value));
            } catch (Throwable error) {
                callFromThread(() -> result.completeExceptionally(error));
            }
            // The loop waits for this result (a TLS handshake resumes on it). When workers and
            // loop share a busy CPU, let the loop act on it now rather than after this worker's
            // next job: under round-robin real-time scheduling a woken loop otherwise can wait until
            // every queued job has run, and the peers wait with it (F over TLS left 6-12% of the
            // server's CPU idle so; with the yield it was busy like Netty's).
            Thread.yield();
        });
        return result;
    }

    /**
     * Runs blocking {@code work} on a worker thread, where {@link #deferToThread} runs its work,
     * with no result to wait for (Twisted's {@code callInThread}). What it throws is reported
     * through the {@link ErrorReporter}, on the loop thread.
     *
     * <p>Thread-safe.
     *
     * @param work runs on a worker thread, never the loop's; it must not touch transports
     */
    public void callInThread(Runnable work) {
        Objects.requireNonNull(work, "work");
        workers().execute(() -> {
            try {
                work.run();
            } catch (Throwable error) {
                callFromThread(() -> reportError("callInThread " + work, error));
            }
        });
    }

    /**
     * The most worker threads {@link #deferToThread} uses; set before its first use.
     *
     * @param maxThreads the pool's size limit; idle workers exit on their own
     */
    public synchronized void setMaxWorkerThreads(int maxThreads) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("need at least one worker thread, got " + maxThreads);
        }
        if (workers != null) {
            workers.setMaximumPoolSize(Math.max(maxThreads, workers.getCorePoolSize()));
            workers.setCorePoolSize(maxThreads);
        }
        this.maxWorkers = maxThreads;
    }

    private synchronized ThreadPoolExecutor workers() {
        if (workers == null) {
            AtomicInteger counter = new AtomicInteger();
            workers = new ThreadPoolExecutor(maxWorkers, maxWorkers, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), runnable -> {
                        Thread t = new Thread(runnable, "twine-worker-" + counter.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            workers.allowCoreThreadTimeOut(true);
        }
        return workers;
    }

    /**
     * Replaces the resolver that connects by host name use (Twisted's
     * {@code installNameResolver}); returns the one it replaces. Loop-only (or before {@code run()}).
     *
     * @param resolver used from the next connect on; it must not block the loop
     * @return the resolver in use until now, so a wrapper can delegate to it
     */
    public NameResolver installNameResolver(NameResolver resolver) {
        NameResolver previous = nameResolver;
        nameResolver = Objects.requireNonNull(resolver, "resolver");
        return previous;
    }

    /** The resolver connects by host name use: by default {@link NameResolver#system}. */
    @Override
    public NameResolver nameResolver() {
        return nameResolver;
    }

    /**
     * True from the start of {@link #run()} until it has finished stopping. Thread-safe.
     *
     * @return false before {@code run()} and once it has returned
     */
    public boolean isRunning() {
        Phase p = phase;
        return p == Phase.RUNNING || p == Phase.STOPPING;
    }

    /** True when the caller is the thread running this reactor. Thread-safe. */
    @Override
    public boolean isInLoopThread() {
        return Thread.currentThread() == loopThread;
    }

    /**
     * Where exceptions from callbacks go; the default logs through {@link System.Logger}. Any
     * thread.
     *
     * @param reporter called on the loop thread; what it throws is ignored
     */
    public void setErrorReporter(ErrorReporter reporter) {
        failures.setReporter(reporter);
    }

    /** Reports an error through the installed {@link ErrorReporter}; never throws. Loop-only. */
    @Override
    public void reportError(String context, Throwable error) {
        failures.report(context, null, error);
    }


    /**
     * How many times the loop replaced a selector that kept returning early with nothing ready. Any
     * thread.
     *
     * @return the count since this reactor was built; more than a few means a misbehaving selector
     */
    public int selectorRebuilds() {
        return selectorRebuilds;
    }

    // ------------------------------------------------------------------ seeing the loop

    /**
     * Debug mode on or off (default: the system property {@code twine.debug}). In debug mode a
     * callback that runs longer than the {@linkplain #setSlowCallbackThreshold threshold} is
     * reported once to the {@linkplain #setSlowCallbackListener listener}, and loop-only methods
     * ({@code Transport.write}, {@code loseConnection}, {@code callLater}, ...) called from
     * another thread while the loop runs throw an {@link IllegalStateException} that says to use
     * {@link #callFromThread}. Any thread.
     *
     * @param on true to check threads and time callbacks; costs a clock read per callback
     */
    public void setDebug(boolean on) {
        monitor.setDebug(on);
    }

    /**
     * True in debug mode.
     *
     * @return true if threads are checked and callbacks timed
     */
    public boolean isDebug() {
        return monitor.isDebug();
    }

    /**
     * How long one callback may run before debug mode warns about it; default 100 ms. Any thread.
     *
     * @param threshold a callback running at least this long is reported
     */
    public void setSlowCallbackThreshold(Duration threshold) {
        monitor.setSlowCallbackThreshold(threshold);
    }

    /**
     * Who hears of each slow callback in debug mode, on the loop thread, once per callback; the
     * default logs a warning through {@link System.Logger} {@code io.twine.reactor}. Any thread.
     *
     * @param listener replaces the default; must return quickly, it runs on the loop
     */
    public void setSlowCallbackListener(Consumer<SlowCallback> listener) {
        monitor.setSlowCallbackListener(listener);
    }

    /**
     * Starts recording the last {@code iterations} iterations of the loop (a bounded ring,
     * allocated now), from the next iteration on; replaces a trace already running. Loop-only (or
     * before {@code run()}).
     *
     * @param iterations the ring's size; the oldest iteration is overwritten first
     */
    public void startTracing(int iterations) {
        monitor.checkLoopThread("Reactor.startTracing");
        monitor.startTracing(iterations);
    }

    /**
     * The iterations recorded so far, or null when not tracing. Loop-only (or once the loop has
     * finished).
     *
     * @return a snapshot; later iterations do not change it
     */
    public LoopTrace trace() {
        monitor.checkLoopThread("Reactor.trace");
        return monitor.traceSnapshot();
    }

    /** Stops tracing and drops what was recorded. Loop-only. */
    public void stopTracing() {
        monitor.checkLoopThread("Reactor.stopTracing");
        monitor.stopTracing();
    }

    /**
     * The loop's counters now, as one consistent snapshot. Loop-only (or before {@code run()});
     * once {@code run()} has returned, any thread gets {@link #finalMetrics()}. From another thread
     * while the loop runs use {@code callFromThread}, as
     * {@link io.twine.reactor.observe.ReactorMetricsBean} does.
     *
     * @return a new snapshot; later iterations do not change it
     */
    public LoopMetrics metrics() {
        LoopMetrics finished = finalMetrics;
        if (finished != null) {
            return finished;
        }
        monitor.checkLoopThread("Reactor.metrics");
        return monitor.metrics();
    }

    /**
     * The calls scheduled with {@link #callLater} and not yet run or cancelled, in the order they
     * will run (Twisted's {@code getDelayedCalls}); a copy. Loop-only.
     *
     * @return a new list of the handles, the next to run first
     */
    public List<DelayedCall> getDelayedCalls() {
        monitor.checkLoopThread("Reactor.getDelayedCalls");
        return timers.pending();
    }

    /**
     * The counters as {@link #run()} left them when it returned, or null until it has. Any thread.
     *
     * @return the last snapshot, or null while the loop has not finished
     */
    public LoopMetrics finalMetrics() {
        return finalMetrics;
    }

    /**
     * Timers scheduled and not yet run or cancelled. Loop-only.
     *
     * @return the number of active timers
     */
    public int pendingTimerCount() {
        return timers.size();
    }

    /**
     * Open listeners, connections and connectors. Loop-only.
     *
     * @return how many resources a stop has to close
     */
    public int trackedCount() {
        return participants.size();
    }

    // ------------------------------------------------------------------ transports

    /** {@inheritDoc} Opened by the transports module's {@link TcpDriver}. */
    @Override
    public ListeningPort listenTcp(SocketAddress address, Factory factory, TcpOptions options) throws IOException {
        return Drivers.tcp().listen(transportLoop, address, factory, options);
    }

    /** {@inheritDoc} Opened by the transports module's {@link TcpDriver}. */
    @Override
    public Connector connectTcp(SocketAddress address, ClientFactory factory, TcpOptions options) {
        return Drivers.tcp().connect(transportLoop, address, factory, options);
    }

    /** {@inheritDoc} Opened by the transports module's {@link UdpDriver}. */
    @Override
    public DatagramTransport listenUdp(SocketAddress address, DatagramProtocol protocol, UdpOptions options)
            throws IOException {
        return Drivers.udp().listen(transportLoop, address, protocol, options);
    }

    /** The loop as transports see it; for {@link TransportLoops} and this package's tests, which play transport. */
    TransportLoop transportLoop() {
        return transportLoop;
    }

    /**
     * What the reactor hands its transports, and only them: the transport SPI lives here rather
     * than in public methods of the reactor, so user code cannot reach the shared read buffer.
     */
    private final class Loop implements TransportLoop {

        @Override
        public EventLoop eventLoop() {
            return Reactor.this;
        }

        @Override
        public long now() {
            return Reactor.this.now();
        }

        @Override
        public DelayedCall callLater(Duration delay, Runnable task) {
            return Reactor.this.callLater(delay, task);
        }

        @Override
        public Registration register(SelectableChannel channel, int interestOps, IoHandler handler)
                throws ClosedChannelException {
            monitor.checkLoopThread("Reactor.register");
            return poller.register(channel, interestOps, handler);
        }

        @Override
        public void runBeforeNextSelect(BeforeNextSelect work) {
            monitor.checkLoopThread("TransportLoop.runBeforeNextSelect");
            beforeNextSelect.add(work);
        }

        @Override
        public ByteBuffer readBuffer() {
            return readBuffer;
        }

        @Override
        public ChunkPool chunkPool() {
            return chunkPool;
        }

        @Override
        public LoopMonitor monitor() {
            return monitor;
        }

        @Override
        public void track(ShutdownParticipant participant) {
            monitor.checkLoopThread("TransportLoop.track");
            participants.add(participant);
            if (closingParticipants()) {
                failures.run(participant::shutdown, "shutdown", participant, participant);
            }
        }

        @Override
        public Failures failures() {
            return failures;
        }

        @Override
        public void untrack(ShutdownParticipant participant) {
            monitor.checkLoopThread("TransportLoop.untrack");
            participants.remove(participant);
        }

        @Override
        public void reportError(String context, Throwable error) {
            Reactor.this.reportError(context, error);
        }
    }
}
