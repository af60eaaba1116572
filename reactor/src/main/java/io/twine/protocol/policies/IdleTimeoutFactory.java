package io.twine.protocol.policies;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Scheduler;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Wraps a factory so that every connection it makes is aborted after a period with neither a
 * read nor a write (Twisted's {@code policies.TimeoutFactory}). Each protocol the wrapped factory
 * builds is itself wrapped: reads reach it through the wrapper, and it writes to a transport that
 * resets the timer before passing the bytes on. Its {@code connectionLost} gets a
 * {@link Reason.Kind#TIMED_OUT} reason when the timeout ended the connection.
 *
 * <p>It is a {@link ClientFactory}, so it wraps client factories too (a
 * {@code ReconnectingClientFactory} keeps reconnecting): the client callbacks are passed on when
 * the wrapped factory is one. {@code startFactory}, {@code stopFactory} and the write-buffer cap
 * are the wrapped factory's. A wrapped protocol that is a {@link HalfCloseableProtocol} stays
 * one.
 *
 * <p>Cost per read or write: one more call and a read of the clock; no allocation.
 *
 * <p>Thread: loop only.
 */
public final class IdleTimeoutFactory extends ClientFactory {

    private final Scheduler scheduler;
    private final Factory wrapped;
    private final Duration timeout;

    /**
     * @param scheduler the clock the timeouts run on (the reactor, or a manual clock in tests)
     * @param wrapped the factory whose protocols get the timeout
     * @param timeout the idle period; positive
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public IdleTimeoutFactory(Scheduler scheduler, Factory wrapped, Duration timeout) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.wrapped = Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("the idle timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
    }

    /** The factory whose protocols are wrapped. */
    public Factory wrappedFactory() {
        return wrapped;
    }

    /** The idle period of every connection. */
    public Duration timeout() {
        return timeout;
    }

    /** The wrapped factory's protocol inside a timing wrapper, or null if it refused. */
    @Override
    public Protocol buildProtocol(SocketAddress peer) {
        Protocol inner = wrapped.buildProtocol(peer);
        if (inner == null) {
            return null;
        }
        if (inner instanceof HalfCloseableProtocol) {
            return new HalfCloseableIdleTimeoutProtocol(scheduler, inner, timeout);
        }
        return new IdleTimeoutProtocol(scheduler, inner, timeout);
    }

    @Override
    public void startFactory() {
        wrapped.doStart();
    }

    @Override
    public void stopFactory() {
        wrapped.doStop();
    }

    @Override
    public long getMaxWriteBufferSize() {
        return wrapped.getMaxWriteBufferSize();
    }

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {
        wrapped.setMaxWriteBufferSize(maxBytes);
    }

    @Override
    public void startedConnecting(Connector connector) {
        if (wrapped instanceof ClientFactory) {
            ((ClientFactory) wrapped).startedConnecting(connector);
        }
    }

    @Override
    public void clientConnectionFailed(Connector connector, Reason reason) {
        if (wrapped instanceof ClientFactory) {
            ((ClientFactory) wrapped).clientConnectionFailed(connector, reason);
        }
    }

    @Override
    public void clientConnectionLost(Connector connector, Reason reason) {
        if (wrapped instanceof ClientFactory) {
            ((ClientFactory) wrapped).clientConnectionLost(connector, reason);
        }
    }
}
