package io.twine.protocol;

import io.twine.reactor.DelayedCall;
import io.twine.reactor.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * A client factory that connects again whenever its connection fails or is lost, waiting longer
 * after each failure (Twisted's {@code ReconnectingClientFactory}, with its algorithm and
 * defaults).
 *
 * <p><b>Back-off.</b> The delay starts at {@link #getInitialDelay()} seconds (1). Before each
 * retry it is multiplied by {@link #getFactor()} (e) and capped at {@link #getMaxDelay()} (3,600
 * seconds); then jitter replaces it with a draw from a normal distribution centred on it, whose
 * standard deviation is {@link #getJitter()} (0.119626565582) times it. The jittered value is the
 * delay used, and the one the next retry grows from. So the first retry waits about 2.7 s, the
 * next about 7.4 s, and so on up to about an hour. After {@link #getMaxRetries()} retries
 * (unlimited by default) it gives up.
 *
 * <p><b>Use.</b> Subclass it and implement {@code buildProtocol}; once a connection works, call
 * {@link #resetDelay()} (usually from {@code buildProtocol} or the protocol's
 * {@code connectionMade}), so that the next loss starts again from the initial delay.
 * {@link #stopTrying()} ends it all. Overrides of {@code clientConnectionFailed} and
 * {@code clientConnectionLost} must call these to keep retrying.
 *
 * <p>Time and randomness are injected: tests pass a {@code ManualClock} and a seeded random
 * source and assert the delays.
 *
 * <p>Thread: loop only.
 */
public abstract class ReconnectingClientFactory extends ClientFactory {

    /** Twisted's default initial delay, in seconds. */
    public static final double DEFAULT_INITIAL_DELAY = 1.0;
    /** Twisted's default growth factor: e. */
    public static final double DEFAULT_FACTOR = 2.7182818284590451;
    /** Twisted's default jitter: the standard deviation as a fraction of the delay. */
    public static final double DEFAULT_JITTER = 0.119626565582;
    /** Twisted's default maximum delay, in seconds: an hour. */
    public static final double DEFAULT_MAX_DELAY = 3600;
    /** The value of {@link #getMaxRetries()} that means "never give up", the default. */
    public static final int UNLIMITED_RETRIES = -1;

    private final Scheduler scheduler;
    private final RandomGenerator random;

    private double initialDelay = DEFAULT_INITIAL_DELAY;
    private double factor = DEFAULT_FACTOR;
    private double jitter = DEFAULT_JITTER;
    private double maxDelay = DEFAULT_MAX_DELAY;
    private int maxRetries = UNLIMITED_RETRIES;

    private double delay = initialDelay;
    private int retries;
    private boolean continueTrying = true;
    private Connector connector;
    private DelayedCall pendingRetry;

    /**
     * A factory that schedules retries on {@code scheduler} (the reactor), with its own random
     * source.
     *
     * @param scheduler runs the retries; retries happen on its loop thread
     */
    protected ReconnectingClientFactory(Scheduler scheduler) {
        this(scheduler, new Random());
    }

    /**
     * A factory that schedules retries on {@code scheduler} and draws jitter from {@code random}.
     *
     * @param scheduler runs the retries; retries happen on its loop thread
     * @param random draws the jitter; a seeded one makes the delays repeatable
     */
    protected ReconnectingClientFactory(Scheduler scheduler, RandomGenerator random) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Remembers the connector, so that {@link #stopTrying()} can stop an attempt in progress. */
    @Override
    public void startedConnecting(Connector connector) {
        this.connector = connector;
    }

    /** Retries, unless told to stop. An override must call this to keep retrying. */
    @Override
    public void clientConnectionFailed(Connector connector, Reason reason) {
        if (continueTrying) {
            this.connector = connector;
            retry(connector);
        }
    }

    /** Retries, unless told to stop. An override must call this to keep retrying. */
    @Override
    public void clientConnectionLost(Connector connector, Reason reason) {
        if (continueTrying) {
            this.connector = connector;
            retry(connector);
        }
    }

    /**
     * Schedules {@code connector.connect()} after the next delay of the back-off, unless told to
     * stop or out of retries. Called by the two callbacks above.
     *
     * @param connector the attempt to repeat
     */
    public void retry(Connector connector) {
        Objects.requireNonNull(connector, "connector");
        if (!continueTrying) {
            return;
        }
        retries++;
        if (maxRetries != UNLIMITED_RETRIES && retries > maxRetries) {
            return;
        }
        delay = Math.min(delay * factor, maxDelay);
        if (jitter != 0) {
            delay = delay + random.nextGaussian() * delay * jitter;
        }
        // A normal draw is unbounded; a negative delay (some eight deviations away) means "at once".
        long nanos = Math.max(0, Math.round(delay * 1e9));
        pendingRetry = scheduler.callLater(Duration.ofNanos(nanos), () -> {
            pendingRetry = null;
            connector.connect();
        });
    }

    /**
     * Stops for good: cancels a scheduled retry and stops an attempt in progress (whose
     * {@code clientConnectionFailed} then does not retry). An established connection stays up;
     * when it is lost, there is no retry. {@link #resetDelay()} allows retrying again.
     */
    public void stopTrying() {
        if (pendingRetry != null) {
            pendingRetry.cancel();
            pendingRetry = null;
        }
        continueTrying = false;
        if (connector != null) {
            try {
                connector.stopConnecting();
            } catch (IllegalStateException notConnecting) {
                // Connected or idle: there was no attempt to stop.
            }
        }
    }

    /**
     * Starts the back-off again from the initial delay with no retries counted, and allows
     * retrying after {@link #stopTrying()}. Call it once a connection works.
     */
    public void resetDelay() {
        delay = initialDelay;
        retries = 0;
        pendingRetry = null;
        continueTrying = true;
    }

    // ------------------------------------------------------------------ state and settings

    /**
     * The delay, in seconds, of the last retry scheduled (the initial delay before any).
     *
     * @return seconds
     */
    public double getDelay() {
        return delay;
    }

    /**
     * How many retries were asked for since the last {@link #resetDelay()}.
     *
     * @return the count since the last reset
     */
    public int getRetries() {
        return retries;
    }

    /**
     * False after {@link #stopTrying()}, until {@link #resetDelay()}.
     *
     * @return true while failures lead to retries
     */
    public boolean isTrying() {
        return continueTrying;
    }

    /**
     * True while a retry is scheduled and has not yet run.
     *
     * @return true if a retry's timer is active
     */
    public boolean isRetryPending() {
        return pendingRetry != null && pendingRetry.isActive();
    }

    /**
     * {@return the delay of the first retry after a reset, in seconds; default
     * {@link #DEFAULT_INITIAL_DELAY}}
     */
    public double getInitialDelay() {
        return initialDelay;
    }

    /**
     * Sets the delay the back-off starts from, in seconds; the current delay too, as Twisted's
     * attribute does when set before the first retry.
     *
     * @param seconds the first retry's delay
     * @throws IllegalArgumentException unless it is positive and finite
     */
    public void setInitialDelay(double seconds) {
        this.initialDelay = checkPositive("initial delay", seconds);
        this.delay = seconds;
    }

    /**
     * {@return how much each retry's delay grows over the last; default {@link #DEFAULT_FACTOR}}
     */
    public double getFactor() {
        return factor;
    }

    /**
     * @param factor each delay's multiple of the last, before jitter
     * @throws IllegalArgumentException unless it is at least 1 and finite
     */
    public void setFactor(double factor) {
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("the back-off factor must be at least 1, got " + factor);
        }
        this.factor = factor;
    }

    /**
     * {@return the jitter, a standard deviation as a fraction of the delay; default
     * {@link #DEFAULT_JITTER}}
     */
    public double getJitter() {
        return jitter;
    }

    /**
     * @param jitter the standard deviation of the random spread, as a fraction of the delay; 0 for
     *     none
     * @throws IllegalArgumentException unless {@code 0 <= jitter < 1}
     */
    public void setJitter(double jitter) {
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("the jitter must be at least 0 and below 1, got " + jitter);
        }
        this.jitter = jitter;
    }

    /**
     * {@return the longest delay between retries, in seconds; default {@link #DEFAULT_MAX_DELAY}}
     */
    public double getMaxDelay() {
        return maxDelay;
    }

    /**
     * @param seconds the cap on the delay
     * @throws IllegalArgumentException unless it is positive and finite
     */
    public void setMaxDelay(double seconds) {
        this.maxDelay = checkPositive("maximum delay", seconds);
    }

    /**
     * The retries allowed before giving up, or {@link #UNLIMITED_RETRIES}.
     *
     * @return the limit, or {@link #UNLIMITED_RETRIES}
     */
    public int getMaxRetries() {
        return maxRetries;
    }

    /**
     * @param maxRetries the retries before it gives up
     * @throws IllegalArgumentException unless it is zero or more, or {@link #UNLIMITED_RETRIES}
     */
    public void setMaxRetries(int maxRetries) {
        if (maxRetries < 0 && maxRetries != UNLIMITED_RETRIES) {
            throw new IllegalArgumentException("the maximum retries must be 0 or more, or UNLIMITED_RETRIES, got "
                    + maxRetries);
        }
        this.maxRetries = maxRetries;
    }

    private static double checkPositive(String what, double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("the " + what + " must be a positive number of seconds, got " + seconds);
        }
        return seconds;
    }
}
