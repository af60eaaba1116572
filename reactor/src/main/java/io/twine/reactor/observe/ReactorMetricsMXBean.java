package io.twine.reactor.observe;

import java.util.Map;

/**
 * A reactor's {@link LoopMetrics} as JMX attributes, for JConsole, JDK Mission Control or any
 * JMX client: registered by {@link ReactorMetricsBean#register}. Every attribute read within a
 * quarter of a second comes from the same snapshot.
 */
public interface ReactorMetricsMXBean {

    /** True while the reactor's loop runs. */
    boolean isRunning();

    /** Turns of the loop. */
    long getIterations();

    /** Milliseconds spent waiting in select. */
    double getSelectTimeMillis();

    /** Milliseconds spent working: ready keys, work before each select, timers and tasks. */
    double getBusyTimeMillis();

    /** The share of the loop's time spent working, 0 to 100. */
    double getBusyPercent();

    /** Ready keys dispatched. */
    long getReadyKeys();

    /** Work transports asked to run just before a select: mostly flushes of writes made outside a read event. */
    long getBeforeSelectRuns();

    /** Timers that ran. */
    long getTimersFired();

    /** Cross-thread tasks that ran. */
    long getTasksRun();

    /** Bytes read. */
    long getBytesIn();

    /** Bytes written. */
    long getBytesOut();

    /** Connections open now. */
    long getConnectionsOpen();

    /** Connections accepted. */
    long getConnectionsAccepted();

    /** Outgoing connections established. */
    long getConnectionsConnected();

    /** Connections closed at once because a listener's connection limit was reached. */
    long getConnectionsRefused();

    /** Accepts that failed (out of descriptors, most often), each followed by a back-off. */
    long getAcceptFailures();

    /** Connections closed, for any reason. */
    long getConnectionsClosed();

    /** Connections closed, by reason kind name. */
    Map<String, Long> getConnectionsClosedByReason();

    /** The longest one iteration kept the loop busy, in milliseconds. */
    double getLongestIterationMillis();

    /** Callbacks slower than the threshold while they were timed. */
    long getSlowCallbacks();

    /** How old the snapshot behind these attributes is, in milliseconds. */
    double getSnapshotAgeMillis();
}
