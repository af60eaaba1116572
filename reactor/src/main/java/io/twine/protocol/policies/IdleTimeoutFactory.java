package io.twine.protocol.policies;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Scheduler;
import java.time.Duration;
import java.util.Objects;

/**
 * Wraps a factory so that every connection it makes is aborted after a period with neither a
 * read nor a write (Twisted's {@code policies.TimeoutFactory}). Each protocol the wrapped factory
 * builds sits inside a {@link ProtocolWrapper} that resets the timer on every read and on every
 * write the protocol makes. Its {@code connectionLost} gets a {@link Reason.Kind#TIMED_OUT}
 * reason when the timeout ended the connection.
 *
 * <p>Like every {@link WrappingFactory} it wraps client factories too, and passes refusals,
 * {@code startFactory}, {@code stopFactory}, the write-buffer cap and the client callbacks on.
 *
 * <p>Cost per read or write: one more call and a read of the clock; no allocation.
 *
 * <p>Thread: loop only.
 */
public final class IdleTimeoutFactory extends WrappingFactory {

    private final Scheduler scheduler;
    private final Duration timeout;

    /**
     * @param scheduler the clock the timeouts run on (the reactor, or a manual clock in tests)
     * @param wrapped the factory whose protocols get the timeout
     * @param timeout the idle period; positive
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public IdleTimeoutFactory(Scheduler scheduler, Factory wrapped, Duration timeout) {
        super(wrapped);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("the idle timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
    }

    /**
     * The idle period of every connection.
     *
     * @return the period given at construction
     */
    public Duration timeout() {
        return timeout;
    }

    @Override
    protected ProtocolWrapper wrapProtocol(Protocol inner) {
        return new IdleTimeoutProtocol(scheduler, inner, timeout);
    }
}
