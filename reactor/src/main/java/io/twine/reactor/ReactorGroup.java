package io.twine.reactor;

import io.twine.reactor.observe.ReactorMetricsBean;
import io.twine.reactor.spi.Failures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.management.ObjectName;

/**
 * One loop per core: a fixed set of {@link Reactor}s, each running on its own thread, started and
 * stopped as one. Each loop stays single-threaded: a connection lives on one loop for its whole
 * life and every callback of it runs on that loop's thread, so state kept per loop needs no lock.
 *
 * <p><b>Shared nothing.</b> Listen with a factory <em>per loop</em> (see
 * {@code io.twine.transport.tcp.TcpGroup}), and keep each loop's state in its own factory. A
 * protocol reaches another loop only through that loop's {@link Reactor#callFromThread}, which
 * runs the task on the other loop's thread, in order per calling thread; {@link #forEachOther}
 * does it for every other loop. One factory shared by every loop is possible, but then it is
 * called from several threads at once and must be thread-safe itself.
 *
 * <p><b>Stopping.</b> {@link #stop()} stops every loop through the same three phases with the
 * same grace period: the group's {@link ShutdownPhase#BEFORE} triggers run first (on loop 0's
 * thread, before any loop closes anything), then every loop closes its listeners and lets its
 * connections flush for the grace period, and once the last loop's {@code run()} has returned,
 * the group's {@link ShutdownPhase#AFTER} triggers run on that loop's thread. {@link #awaitTermination} waits
 * for every thread to end.
 *
 * <p>Threads: {@link #stop}, {@link #awaitTermination}, {@link #next}, {@link #get},
 * {@link #size}, {@link #forEachOther} and {@link #isTerminated} are thread-safe; set the group up
 * ({@link #addShutdownTrigger}, {@link #setShutdownGracePeriod}, listening) before {@link #start}.
 */
public final class ReactorGroup {

    private final List<Reactor> loops;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger loopsRunning;
    /** Each a {@link Runnable} or an {@link AsyncTask}. */
    private final List<Object> beforeTriggers = new CopyOnWriteArrayList<>();
    private final List<Object> afterTriggers = new CopyOnWriteArrayList<>();
    /** How long the last loop's thread waits for the group's AFTER triggers' futures. */
    private volatile Duration gracePeriod = Duration.ofSeconds(5);

    /** A group of one loop per available processor. */
    public ReactorGroup() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A group of {@code size} loops, not yet started.
     *
     * @param size how many loops, each with its own thread once started; at least 1
     */
    public ReactorGroup(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a group needs at least one loop, got " + size);
        }
        List<Reactor> made = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            made.add(new Reactor());
        }
        this.loops = List.copyOf(made);
        this.loopsRunning = new AtomicInteger(size);
        loops.get(0).addShutdownTrigger(ShutdownPhase.BEFORE, this::groupStopping);
        // Loop 0 goes on to close once its grace period is over, even if the group's futures have
        // not completed: the other loops must not be left running.
        loops.get(0).addShutdownTrigger(ShutdownPhase.DURING, this::stopOtherLoops);
    }

    /**
     * How many loops.
     *
     * @return the number of loops, fixed at construction
     */
    public int size() {
        return loops.size();
    }

    /**
     * Loop {@code index}, from 0.
     *
     * @param index 0 to {@code size() - 1}
     * @return that loop; use it on its own thread or through {@code callFromThread}
     */
    public Reactor get(int index) {
        return loops.get(index);
    }

    /**
     * Every loop, in order.
     *
     * @return an unmodifiable list of the loops, index order
     */
    public List<Reactor> loops() {
        return loops;
    }

    /**
     * The next loop in turn (round robin): where to put an outgoing connection or a piece of
     * work that may run on any loop. Thread-safe.
     *
     * @return a loop; successive calls cycle through all of them
     */
    public Reactor next() {
        return loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
    }

    /**
     * Runs {@code task} on every loop but {@code self}, each on its own thread through
     * {@link Reactor#callFromThread}: the way one loop tells the others something (a chat line to
     * broadcast). Tasks from one calling thread run on each loop in the order they were posted.
     *
     * @param self the caller's loop, skipped; null to reach every loop
     * @param task runs once on each other loop's thread, given that loop
     */
    public void forEachOther(Reactor self, Consumer<Reactor> task) {
        Objects.requireNonNull(task, "task");
        for (Reactor loop : loops) {
            if (loop != self) {
                loop.callFromThread(() -> task.accept(loop));
            }
        }
    }

    /**
     * Adds a group-wide shutdown trigger: {@link ShutdownPhase#BEFORE} triggers run once, on loop
     * 0's thread, before any loop starts closing; {@link ShutdownPhase#AFTER} triggers run once,
     * on the thread of the last loop to finish, after its {@code run()} has returned. {@link ShutdownPhase#DURING} is each loop's own:
     * add it to the loops that need it. Before {@link #start} only.
     *
     * @param phase {@link ShutdownPhase#BEFORE} or {@link ShutdownPhase#AFTER}
     * @param trigger runs once for the whole group, on the thread named above
     */
    public void addShutdownTrigger(ShutdownPhase phase, Runnable trigger) {
        addTrigger(phase, Objects.requireNonNull(trigger, "trigger"));
    }

    /**
     * Adds a group-wide shutdown trigger that returns a future, as
     * {@link Reactor#addShutdownTrigger(ShutdownPhase, AsyncTask)} does for one loop: a
     * {@link ShutdownPhase#BEFORE} trigger's future holds back every loop's closing (within loop
     * 0's grace period); an {@link ShutdownPhase#AFTER} trigger's future holds back the end of the
     * last loop's thread, and so {@link #awaitTermination}, for at most the grace period. A failed
     * or late future is reported, and the stop goes on. Before {@link #start} only.
     *
     * @param phase {@link ShutdownPhase#BEFORE} or {@link ShutdownPhase#AFTER}
     * @param trigger runs once for the whole group; its future may complete on any thread
     */
    public void addShutdownTrigger(ShutdownPhase phase, AsyncTask trigger) {
        addTrigger(phase, Objects.requireNonNull(trigger, "trigger"));
    }

    private void addTrigger(ShutdownPhase phase, Object trigger) {
        checkNotStarted("addShutdownTrigger");
        switch (Objects.requireNonNull(phase, "phase")) {
            case BEFORE:
                beforeTriggers.add(trigger);
                break;
            case AFTER:
                afterTriggers.add(trigger);
                break;
            default:
                throw new IllegalArgumentException("a group-wide trigger runs BEFORE or AFTER; add DURING triggers to the loops");
        }
    }

    /**
     * Sets every loop's shutdown grace period (see {@link Reactor#setShutdownGracePeriod}).
     *
     * @param gracePeriod how long each loop's connections get to flush when it stops
     */
    public void setShutdownGracePeriod(Duration gracePeriod) {
        for (Reactor loop : loops) {
            loop.setShutdownGracePeriod(gracePeriod);
        }
        this.gracePeriod = gracePeriod;
    }

    /**
     * Registers each loop's metrics in the platform MBean server, as
     * {@code io.twine:type=Reactor,name="NAME-loop-N"} (see
     * {@link ReactorMetricsBean#register}), so a JMX console shows every
     * loop side by side; each is unregistered when its loop stops. Before {@link #start} only.
     *
     * @param name the group's name in the object names
     * @return the names registered, in loop order
     */
    public List<ObjectName> registerMetrics(String name) {
        Objects.requireNonNull(name, "name");
        checkNotStarted("registerMetrics");
        List<ObjectName> names = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            names.add(ReactorMetricsBean.register(loops.get(i), name + "-loop-" + i));
        }
        return names;
    }

    /** Starts every loop on its own thread, named {@code twine-loop-N}. Once only. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("this group has been started already");
        }
        for (int i = 0; i < loops.size(); i++) {
            Reactor loop = loops.get(i);
            Thread thread = new Thread(() -> {
                try {
                    loop.run();
                } finally {
                    loopFinished(loop);
                }
            }, "twine-loop-" + i);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /**
     * Stops every loop, as {@link Reactor#stop()} stops one, with the group's triggers around
     * them (see the class comment). Thread-safe and idempotent.
     */
    public void stop() {
        if (stopping.compareAndSet(false, true)) {
            loops.get(0).stop();  // its BEFORE trigger runs the group's, then stops the others
        }
    }

    /**
     * Waits until every loop's {@code run()} has returned.
     *
     * @param timeout the longest the caller waits
     * @return true if they all have, false if {@code timeout} passed first
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return isTerminated();
            }
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
        return isTerminated();
    }

    /**
     * True once the group has started and every loop's thread has ended.
     *
     * @return false before {@link #start} and while any loop is running
     */
    public boolean isTerminated() {
        if (!started.get()) {
            return false;
        }
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loop 0's BEFORE phase: the group's BEFORE triggers; once their futures have completed, every
     * other loop is told to stop. Loop 0 waits for the future returned.
     */
    private CompletionStage<?> groupStopping() {
        stopping.set(true);
        Reactor first = loops.get(0);
        String name = "group shutdown trigger (BEFORE)";
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (Object trigger : beforeTriggers) {
            CompletionStage<?> future = runTrigger(trigger, first, name);
            if (future != null) {
                // Each failure reported on its own, on loop 0; what is waited for never fails.
                pending.add(future.handle((ignored, failure) -> {
                    if (failure != null) {
                        first.callFromThread(() -> first.reportError(name + "'s future", failure));
                    }
                    return null;
                }).toCompletableFuture());
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]));
        all.whenComplete((ignored, impossible) -> stopOtherLoops());
        return all;
    }

    private void stopOtherLoops() {
        for (int i = 1; i < loops.size(); i++) {
            loops.get(i).stop();
        }
    }

    /** A loop's {@code run()} has returned: the last one runs the group's AFTER triggers and waits for their futures. */
    private void loopFinished(Reactor loop) {
        if (loopsRunning.decrementAndGet() != 0) {
            return;
        }
        String name = "group shutdown trigger (AFTER)";
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (Object trigger : afterTriggers) {
            CompletionStage<?> future = runTrigger(trigger, loop, name);
            if (future != null) {
                pending.add(future.toCompletableFuture());
            }
        }
        // No loop is left to wait on: this thread, whose loop has finished, waits.
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        for (CompletableFuture<?> future : pending) {
            try {
                future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                loop.reportError(name + "'s future", e.getCause());
            } catch (TimeoutException e) {
                loop.reportError(name + "'s future did not complete within the grace period of " + gracePeriod, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs a group trigger under the failure rule; returns its future, if it is an {@link AsyncTask} that gave one. */
    private static CompletionStage<?> runTrigger(Object trigger, Reactor loop, String name) {
        try {
            if (trigger instanceof AsyncTask) {
                return ((AsyncTask) trigger).run();
            }
            ((Runnable) trigger).run();
        } catch (Throwable e) {
            Failures.rethrowIfFatal(e);  // else the other loops are still told to stop
            loop.reportError(name, e);
        }
        return null;
    }

    private void checkNotStarted(String what) {
        if (started.get()) {
            throw new IllegalStateException(what + " must be called before start()");
        }
    }
}
