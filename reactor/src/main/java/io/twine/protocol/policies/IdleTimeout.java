package io.twine.protocol.policies;

import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.Scheduler;
import java.time.Duration;
import java.util.Objects;

/**
 * Ends a connection that has been idle too long (Twisted's {@code TimeoutMixin}, as an object a
 * protocol owns rather than a base class, so that any protocol can use it). The protocol calls
 * {@link #setTimeout} to start it, {@link #resetTimeout()} whenever something happens (usually in
 * {@code dataReceived} and after writing), and {@link #cancelTimeout()} in
 * {@code connectionLost}. When a whole period passes without a reset,
 * {@link #timeoutConnection()} runs once.
 *
 * <pre>{@code
 * public void connectionMade() {
 *     idle = new IdleTimeout(reactor, transport);
 *     idle.setTimeout(Duration.ofSeconds(30));
 * }
 * public void dataReceived(ByteBuffer data) {
 *     idle.resetTimeout();
 *     ...
 * }
 * public void connectionLost(Reason reason) {
 *     idle.cancelTimeout();
 * }
 * }</pre>
 *
 * <p><b>Cost.</b> A reset only reads the scheduler's clock: it does not move the timer. When the
 * timer fires early because of resets, it re-arms itself for what is left of the period, so a
 * connection that reads a million times per period still costs one timer per period.
 *
 * <p>Time comes from the {@link Scheduler} given, so tests drive it with
 * {@code io.twine.testing.ManualClock}.
 *
 * <p>Thread: loop only, like the scheduler.
 */
public class IdleTimeout {

    private final Scheduler scheduler;
    private final Transport transport;
    private final Runnable onTimeout;
    private final Runnable check = this::check;

    private Duration period;
    private long periodNanos;
    private long lastActivity;
    private DelayedCall timer;

    /**
     * An idle timeout for {@code transport}, which {@link #timeoutConnection()} aborts with a
     * {@link Reason.Kind#TIMED_OUT} reason. Off until {@link #setTimeout}.
     *
     * @param scheduler the loop whose timer measures the idle time
     * @param transport aborted, on the loop thread, when the timeout fires
     */
    public IdleTimeout(Scheduler scheduler, Transport transport) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.onTimeout = null;
    }

    /**
     * An idle timeout that runs {@code onTimeout} instead of closing a transport. Off until
     * {@link #setTimeout}.
     *
     * @param scheduler the loop whose timer measures the idle time
     * @param onTimeout runs once on the loop thread when the timeout fires
     */
    public IdleTimeout(Scheduler scheduler, Runnable onTimeout) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.transport = null;
        this.onTimeout = Objects.requireNonNull(onTimeout, "onTimeout");
    }

    /**
     * Starts (or restarts, from now) the timeout with {@code period}; null or zero turns it off.
     *
     * @param period how long without activity before the timeout fires
     * @return the previous period, or null if it was off
     * @throws IllegalArgumentException if {@code period} is negative
     */
    public final Duration setTimeout(Duration period) {
        if (period != null && period.isNegative()) {
            throw new IllegalArgumentException("the idle timeout must be zero (off) or positive, got " + period);
        }
        Duration previous = this.period;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (period == null || period.isZero()) {
            this.period = null;
            this.periodNanos = 0;
        } else {
            this.period = period;
            this.periodNanos = period.toNanos();
            lastActivity = scheduler.now();
            timer = scheduler.callLater(period, check);
        }
        return previous;
    }

    /**
     * Something happened: the period starts again from now. Does nothing when the timeout is off
     * or has already fired.
     */
    public final void resetTimeout() {
        if (timer != null) {
            lastActivity = scheduler.now();
        }
    }

    /** Turns the timeout off; the same as {@code setTimeout(null)}. */
    public final void cancelTimeout() {
        setTimeout(null);
    }

    /**
     * The period, or null when off. It stays set after the timeout has fired.
     *
     * @return the period, or null
     */
    public final Duration getTimeout() {
        return period;
    }

    /**
     * True while the timeout is on and has not fired.
     *
     * @return true if the timeout will fire unless reset
     */
    public final boolean isPending() {
        return timer != null;
    }

    /**
     * The period passed with no reset. Called once, on the loop thread; afterwards the timeout
     * is spent until {@link #setTimeout} is called again. The default aborts the transport with
     * a {@link Reason.Kind#TIMED_OUT} reason (abort rather than a flushing close: a peer that has
     * been silent for a whole period may not be reading either), or runs the action given to the
     * constructor.
     */
    public void timeoutConnection() {
        if (onTimeout != null) {
            onTimeout.run();
        } else {
            transport.abortConnection(Reason.timedOut("nothing read or written for " + period.toMillis()
                    + " ms: the idle timeout closed the connection"));
        }
    }

    private void check() {
        long idle = scheduler.now() - lastActivity;
        if (idle >= periodNanos) {
            timer = null;
            timeoutConnection();
        } else {
            timer = scheduler.callLater(Duration.ofNanos(periodNanos - idle), check);
        }
    }
}
