package io.twine.protocol.policies;

import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.Transport;
import io.twine.reactor.Scheduler;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The wrapper {@link IdleTimeoutFactory} puts around each protocol: it owns the connection's
 * {@link IdleTimeout}, resets it on every read, and gives the wrapped protocol a transport that
 * resets it on every write.
 *
 * <p>Thread: loop only.
 */
class IdleTimeoutProtocol extends Protocol {

    private final Scheduler scheduler;
    final Protocol wrapped;
    private final Duration timeout;
    private IdleTimeout idle;

    IdleTimeoutProtocol(Scheduler scheduler, Protocol wrapped, Duration timeout) {
        this.scheduler = scheduler;
        this.wrapped = wrapped;
        this.timeout = timeout;
    }

    @Override
    public void makeConnection(Transport transport) {
        this.transport = transport;
        idle = new IdleTimeout(scheduler, transport);
        idle.setTimeout(timeout);
        wrapped.makeConnection(new IdleTimeoutTransport(transport, idle));
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        idle.resetTimeout();
        wrapped.dataReceived(data);
    }

    @Override
    public void connectionLost(Reason reason) {
        idle.cancelTimeout();
        wrapped.connectionLost(reason);
    }

    /** The connection's timeout; for tests. */
    IdleTimeout idleTimeout() {
        return idle;
    }

    @Override
    public String toString() {
        return "IdleTimeout(" + timeout + ")[" + wrapped + "]";
    }
}
