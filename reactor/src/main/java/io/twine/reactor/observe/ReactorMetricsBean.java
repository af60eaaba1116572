package io.twine.reactor.observe;

import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.reactor.ShutdownPhase;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JMX face of one reactor's {@link LoopMetrics}, registered as
 * {@code io.twine:type=Reactor,name=NAME} in the platform MBean server.
 *
 * <p><b>How it reads the loop's counters.</b> The counters are plain fields that only the loop
 * thread writes, so the hot path pays no fence or atomic for them. A JMX thread therefore never
 * reads them directly: it asks the loop for a {@link LoopMetrics} snapshot with
 * {@link Reactor#callFromThread} and waits for it (at most a second). That costs one task and
 * one wake-up per read, which is nothing at the pace of a monitoring console, and every snapshot
 * is consistent. Snapshots are reused for {@value #FRESH_FOR_MILLIS} ms, so a console reading
 * twenty attributes wakes the loop once; only one request is in flight at a time. If the loop
 * does not answer within the second (a callback is blocking it, which is exactly what an operator
 * needs to notice), the previous snapshot is returned and {@code SnapshotAgeMillis} grows. Once
 * {@code run()} has returned, the bean shows the final counters that {@code run()} published
 * ({@link Reactor#finalMetrics()}); before it starts, all zero. Never does it read the loop's
 * fields from its own thread.
 *
 * <p>Thread-safe.
 */
public final class ReactorMetricsBean implements ReactorMetricsMXBean {

    static final long FRESH_FOR_MILLIS = 250;
    private static final long WAIT_MILLIS = 1_000;

    private final Reactor reactor;
    private final AtomicReference<CompletableFuture<LoopMetrics>> pending = new AtomicReference<>();
    private volatile LoopMetrics last;
    private volatile long lastTakenNanos;

    /**
     * A bean for {@code reactor}, not registered; see {@link #register}.
     *
     * @param reactor the loop whose metrics the bean reads, through {@code callFromThread}
     */
    public ReactorMetricsBean(Reactor reactor) {
        this.reactor = reactor;
    }

    /**
     * Registers a bean for {@code reactor} in the platform MBean server as
     * {@code io.twine:type=Reactor,name=NAME}, and unregisters it when the reactor stops.
     * Loop-only (or before {@code run()}).
     *
     * @param reactor the loop whose metrics the bean reads
     * @param name the value of the object name's {@code name} key, which quotes it
     * @return the name it was registered under
     * @throws IllegalStateException if the name is taken or JMX refuses it
     */
    public static ObjectName register(Reactor reactor, String name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName objectName = new ObjectName("io.twine:type=Reactor,name=" + ObjectName.quote(name));
            server.registerMBean(new ReactorMetricsBean(reactor), objectName);
            reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> unregister(server, objectName));
            return objectName;
        } catch (JMException e) {
            throw new IllegalStateException("cannot register the metrics of reactor '" + name + "': " + e.getMessage(), e);
        }
    }

    private static void unregister(MBeanServer server, ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            // Already unregistered by the program itself: nothing left to do.
        }
    }

    /**
     * A snapshot at most {@value #FRESH_FOR_MILLIS} ms old (or older if the loop does not answer).
     *
     * @return the snapshot; cached, so a JMX console reading every attribute asks the loop once
     */
    public LoopMetrics snapshot() {
        if (reactor.isInLoopThread()) {
            return remember(reactor.metrics());
        }
        if (!reactor.isRunning()) {
            // Read after isRunning: run() publishes its final counters before it stops running.
            LoopMetrics finished = reactor.finalMetrics();
            return finished != null ? remember(finished) : empty();  // null: not started yet
        }
        LoopMetrics known = last;
        if (known != null && System.nanoTime() - lastTakenNanos < TimeUnit.MILLISECONDS.toNanos(FRESH_FOR_MILLIS)) {
            return known;
        }
        try {
            return request().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LoopMetrics now = reactor.finalMetrics();  // the loop may have finished meanwhile
            return now != null ? now : known != null ? known : empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return known != null ? known : empty();
        }
    }

    /** The request in flight, or a new one queued on the loop: never more than one at a time. */
    private CompletableFuture<LoopMetrics> request() {
        CompletableFuture<LoopMetrics> fresh = new CompletableFuture<>();
        CompletableFuture<LoopMetrics> inFlight = pending.compareAndExchange(null, fresh);
        if (inFlight != null) {
            return inFlight;
        }
        reactor.callFromThread(() -> {
            pending.set(null);
            fresh.complete(remember(reactor.metrics()));
        });
        return fresh;
    }

    private LoopMetrics remember(LoopMetrics metrics) {
        last = metrics;
        lastTakenNanos = System.nanoTime();
        return metrics;
    }

    private static LoopMetrics empty() {
        return new LoopMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), 0, 0);
    }

    @Override
    public boolean isRunning() {
        return reactor.isRunning();
    }

    @Override
    public long getIterations() {
        return snapshot().iterations();
    }

    @Override
    public double getSelectTimeMillis() {
        return snapshot().selectNanos() / 1e6;
    }

    @Override
    public double getBusyTimeMillis() {
        return snapshot().busyNanos() / 1e6;
    }

    @Override
    public double getBusyPercent() {
        LoopMetrics m = snapshot();
        long total = m.selectNanos() + m.busyNanos();
        return total == 0 ? 0 : 100.0 * m.busyNanos() / total;
    }

    @Override
    public long getReadyKeys() {
        return snapshot().readyKeys();
    }

    @Override
    public long getBeforeSelectRuns() {
        return snapshot().beforeSelectRuns();
    }

    @Override
    public long getTimersFired() {
        return snapshot().timersFired();
    }

    @Override
    public long getTasksRun() {
        return snapshot().tasksRun();
    }

    @Override
    public long getBytesIn() {
        return snapshot().bytesIn();
    }

    @Override
    public long getBytesOut() {
        return snapshot().bytesOut();
    }

    @Override
    public long getConnectionsOpen() {
        return snapshot().connectionsOpen();
    }

    @Override
    public long getConnectionsAccepted() {
        return snapshot().connectionsAccepted();
    }

    @Override
    public long getConnectionsConnected() {
        return snapshot().connectionsConnected();
    }

    @Override
    public long getConnectionsRefused() {
        return snapshot().connectionsRefused();
    }

    @Override
    public long getAcceptFailures() {
        return snapshot().acceptFailures();
    }

    @Override
    public long getConnectionsClosed() {
        return snapshot().connectionsClosed();
    }

    @Override
    public Map<String, Long> getConnectionsClosedByReason() {
        Map<String, Long> byName = new LinkedHashMap<>();
        for (Map.Entry<Reason.Kind, Long> entry : snapshot().closedByReason().entrySet()) {
            byName.put(entry.getKey().name(), entry.getValue());
        }
        return byName;
    }

    @Override
    public double getLongestIterationMillis() {
        return snapshot().longestIterationNanos() / 1e6;
    }

    @Override
    public long getSlowCallbacks() {
        return snapshot().slowCallbacks();
    }

    @Override
    public double getSnapshotAgeMillis() {
        return last == null ? 0 : (System.nanoTime() - lastTakenNanos) / 1e6;
    }
}
