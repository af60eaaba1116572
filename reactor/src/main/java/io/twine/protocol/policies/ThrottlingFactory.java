package io.twine.protocol.policies;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.reactor.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Limits the bytes per second its connections read and write (Twisted's
 * {@code policies.ThrottlingFactory}), each connection on its own and all of them together.
 * Nothing is dropped: over a read limit the connection stops reading (the peer's data waits in
 * the kernel, and TCP slows the peer down), and reading resumes once the rate is back under the
 * limit; over a write limit the producer registered on the connection is paused, and resumed
 * the same way.
 *
 * <p>Writes are slowed only through the producer, as every transport's water marks are: a
 * protocol that registers none still has its bytes sent (within the connection's hard cap), and
 * each write is counted against the limit all the same.
 *
 * <p>A limit is a budget holding one second's worth of bytes: a burst up to one second's worth
 * passes at once, and a read that takes the budget below zero is paid back before the next. The
 * limits are set before connections are made ({@code 0}, the default, is no limit).
 *
 * <p>Time comes from the scheduler given (the reactor, or a {@code ManualClock} in tests).
 *
 * <p>Thread: loop only.
 */
public final class ThrottlingFactory extends WrappingFactory {

    private final Scheduler scheduler;
    private final List<ThrottledProtocol> connections = new ArrayList<>();
    private long connectionReadLimit;
    private long connectionWriteLimit;
    private ByteRateBudget readBudget;
    private ByteRateBudget writeBudget;

    /**
     * A factory that throttles the connections of {@code wrapped}, with no limit set yet.
     *
     * @param scheduler the loop whose timers pause and resume the connections
     * @param wrapped builds the protocols; its connections are the ones throttled
     */
    public ThrottlingFactory(Scheduler scheduler, Factory wrapped) {
        super(wrapped);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Bytes per second that all connections together may read; 0 for no limit. Returns this.
     *
     * @param bytesPerSecond the combined read rate
     * @return this factory, for chaining
     */
    public ThrottlingFactory setReadLimit(long bytesPerSecond) {
        readBudget = budget(bytesPerSecond, this::throttleAll);
        return this;
    }

    /**
     * Bytes per second that all connections together may write; 0 for no limit. Returns this.
     *
     * @param bytesPerSecond the combined write rate
     * @return this factory, for chaining
     */
    public ThrottlingFactory setWriteLimit(long bytesPerSecond) {
        writeBudget = budget(bytesPerSecond, this::throttleAll);
        return this;
    }

    /**
     * Bytes per second that each connection may read; 0 for no limit. For connections made from now
     * on. Returns this.
     *
     * @param bytesPerSecond the read rate of one connection
     * @return this factory, for chaining
     */
    public ThrottlingFactory setConnectionReadLimit(long bytesPerSecond) {
        connectionReadLimit = checkLimit(bytesPerSecond);
        return this;
    }

    /**
     * Bytes per second that each connection may write; 0 for no limit. For connections made from
     * now on. Returns this.
     *
     * @param bytesPerSecond the write rate of one connection
     * @return this factory, for chaining
     */
    public ThrottlingFactory setConnectionWriteLimit(long bytesPerSecond) {
        connectionWriteLimit = checkLimit(bytesPerSecond);
        return this;
    }

    @Override
    protected ProtocolWrapper wrapProtocol(Protocol inner) {
        return new ThrottledProtocol(this, inner);
    }

    // ------------------------------------------------------------------ for ThrottledProtocol

    ByteRateBudget connectionBudget(boolean read, Runnable update) {
        long limit = read ? connectionReadLimit : connectionWriteLimit;
        return limit == 0 ? null : new ByteRateBudget(scheduler, limit, update, update);
    }

    void opened(ThrottledProtocol connection) {
        connections.add(connection);
    }

    void closed(ThrottledProtocol connection) {
        connections.remove(connection);
    }

    /** Counts bytes read by any connection against the factory's limit. */
    void read(long bytes) {
        if (readBudget != null) {
            readBudget.spend(bytes);
        }
    }

    /** Counts bytes written by any connection against the factory's limit. */
    void written(long bytes) {
        if (writeBudget != null) {
            writeBudget.spend(bytes);
        }
    }

    boolean readsThrottled() {
        return readBudget != null && readBudget.isExhausted();
    }

    boolean writesThrottled() {
        return writeBudget != null && writeBudget.isExhausted();
    }

    private void throttleAll() {
        for (int i = 0; i < connections.size(); i++) {
            connections.get(i).updateThrottles();
        }
    }

    private ByteRateBudget budget(long bytesPerSecond, Runnable update) {
        return checkLimit(bytesPerSecond) == 0 ? null : new ByteRateBudget(scheduler, bytesPerSecond, update, update);
    }

    private static long checkLimit(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a rate limit is 0 (none) or a positive number of bytes per second, got "
                    + bytesPerSecond);
        }
        return bytesPerSecond;
    }
}
