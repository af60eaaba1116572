package io.twine.protocol.policies;

import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Scheduler;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The wrapper {@link IdleTimeoutFactory} puts around each protocol: it owns the connection's
 * {@link IdleTimeout} and resets it on every read, and on every write the wrapped protocol makes.
 *
 * <p>Thread: loop only.
 */
final class IdleTimeoutProtocol extends ProtocolWrapper {

    private final Scheduler scheduler;
    private final Duration timeout;
    private IdleTimeout idle;

    IdleTimeoutProtocol(Scheduler scheduler, Protocol wrapped, Duration timeout) {
        super(wrapped);
        this.scheduler = scheduler;
        this.timeout = timeout;
    }

    @Override
    public void connectionMade() {
        // The timeout aborts the transport below, so the reason reaches the wrapped protocol.
        idle = new IdleTimeout(scheduler, transport);
        idle.setTimeout(timeout);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        idle.resetTimeout();
        super.dataReceived(data);
    }

    @Override
    public void readConnectionLost() {
        idle.resetTimeout();
        super.readConnectionLost();
    }

    @Override
    public void connectionLost(Reason reason) {
        idle.cancelTimeout();
        super.connectionLost(reason);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        idle.resetTimeout();
        super.write(data, offset, length);
    }

    @Override
    public void write(ByteBuffer data) {
        idle.resetTimeout();
        super.write(data);
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        idle.resetTimeout();
        super.writeSequence(data);
    }

    @Override
    public String toString() {
        return "IdleTimeout(" + timeout + ")[" + wrapped + "]";
    }
}
