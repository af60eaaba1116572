package io.twine.protocol.policies;

import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.Protocol;
import io.twine.reactor.Scheduler;
import java.time.Duration;

/**
 * {@link IdleTimeoutProtocol} for a wrapped protocol that is half-closeable: transports look for
 * the interface on the protocol they hold, so the wrapper must carry it too.
 *
 * <p>Thread: loop only.
 */
final class HalfCloseableIdleTimeoutProtocol extends IdleTimeoutProtocol implements HalfCloseableProtocol {

    HalfCloseableIdleTimeoutProtocol(Scheduler scheduler, Protocol wrapped, Duration timeout) {
        super(scheduler, wrapped, timeout);
    }

    @Override
    public void readConnectionLost() {
        idleTimeout().resetTimeout();
        ((HalfCloseableProtocol) wrapped).readConnectionLost();
    }

    @Override
    public void writeConnectionLost() {
        ((HalfCloseableProtocol) wrapped).writeConnectionLost();
    }
}
