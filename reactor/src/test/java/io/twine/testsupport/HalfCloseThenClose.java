package io.twine.testsupport;

import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server protocol for the close that follows a half-close: it writes a greeting and
 * half-closes at once, then closes for good from {@code writeConnectionLost} (when
 * {@code closeWhenWriteSideShut}) or when the peer speaks again, an event after its half-close.
 * It records the reason of the loss and how often it heard of it, which must be once. Shared by
 * the plain TCP and the TLS transports' tests, whose closes must behave the same.
 *
 * <p>Thread: the loop's, except the fields, which tests read once the loss is reported.
 */
public final class HalfCloseThenClose extends Protocol implements HalfCloseableProtocol {
    private final byte[] greeting;
    private final boolean closeWhenWriteSideShut;
    /** The reason of {@code connectionLost}. */
    public final CompletableFuture<Reason> lost = new CompletableFuture<>();
    /** How many times {@code connectionLost} was called. */
    public final AtomicInteger lostCalls = new AtomicInteger();

    /** Writes {@code greeting}, then half-closes; see the class comment for when it closes. */
    public HalfCloseThenClose(byte[] greeting, boolean closeWhenWriteSideShut) {
        this.greeting = greeting.clone();
        this.closeWhenWriteSideShut = closeWhenWriteSideShut;
    }

    @Override
    public void connectionMade() {
        transport.write(greeting);
        transport.loseWriteConnection();
    }

    @Override
    public void writeConnectionLost() {
        if (closeWhenWriteSideShut) {
            transport.loseConnection();
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        data.position(data.limit());
        transport.loseConnection();
    }

    @Override
    public void readConnectionLost() {}

    @Override
    public void connectionLost(Reason reason) {
        lostCalls.incrementAndGet();
        lost.complete(reason);
    }
}
