package io.twine.reactor.observe;

import java.util.Map;

/**
 * A reactor's {@link LoopMetrics} as JMX attributes, for JConsole, JDK Mission Control or any
 * JMX client: registered by {@link ReactorMetricsBean#register}. Every attribute read within a
 * quarter of a second comes from the same snapshot.
 */
public interface ReactorMetricsMXBean {

    /**
     * True while the reactor's loop runs.
     *
     * @return false before the loop starts and once it has stopped
     */
    boolean isRunning();

    /**
     * Turns of the loop.
     *
     * @return the count since the reactor was made
     */
    long getIterations();

    /**
     * Milliseconds spent waiting in select.
     *
     * @return milliseconds since the reactor was made
     */
    double getSelectTimeMillis();

    /**
     * Milliseconds spent working: ready keys, work before each select, timers and tasks.
     *
     * @return milliseconds since the reactor was made
     */
    double getBusyTimeMillis();

    /**
     * The share of the loop's time spent working, 0 to 100.
     *
     * @return busy time as a percentage of busy plus select time
     */
    double getBusyPercent();

    /**
     * Ready keys dispatched.
     *
     * @return the count since the reactor was made
     */
    long getReadyKeys();

    /**
     * Work transports asked to run just before a select: mostly flushes of writes made outside a
     * read event.
     *
     * @return the count since the reactor was made
     */
    long getBeforeSelectRuns();

    /**
     * Timers that ran.
     *
     * @return the count since the reactor was made
     */
    long getTimersFired();

    /**
     * Cross-thread tasks that ran.
     *
     * @return the count since the reactor was made
     */
    long getTasksRun();

    /**
     * Bytes read.
     *
     * @return bytes from every connection and datagram port
     */
    long getBytesIn();

    /**
     * Bytes written.
     *
     * @return bytes to every connection and datagram port
     */
    long getBytesOut();

    /**
     * Connections open now.
     *
     * @return the count at the snapshot
     */
    long getConnectionsOpen();

    /**
     * Connections accepted.
     *
     * @return the count since the reactor was made
     */
    long getConnectionsAccepted();

    /**
     * Outgoing connections established.
     *
     * @return the count since the reactor was made
     */
    long getConnectionsConnected();

    /**
     * Connections closed at once because a listener's connection limit was reached.
     *
     * @return the count since the reactor was made
     */
    long getConnectionsRefused();

    /**
     * Accepts that failed (out of descriptors, most often), each followed by a back-off.
     *
     * @return the count since the reactor was made
     */
    long getAcceptFailures();

    /**
     * Connections closed, for any reason.
     *
     * @return the count since the reactor was made
     */
    long getConnectionsClosed();

    /**
     * Connections closed, by reason kind name.
     *
     * @return a map from each {@code Reason.Kind} name to its count; every kind is present
     */
    Map<String, Long> getConnectionsClosedByReason();

    /**
     * The longest one iteration kept the loop busy, in milliseconds.
     *
     * @return milliseconds since the reactor was made
     */
    double getLongestIterationMillis();

    /**
     * Callbacks slower than the threshold while they were timed.
     *
     * @return the count since the reactor was made
     */
    long getSlowCallbacks();

    /**
     * How old the snapshot behind these attributes is, in milliseconds.
     *
     * @return milliseconds; a fresh snapshot is taken once it gets stale
     */
    double getSnapshotAgeMillis();
}
