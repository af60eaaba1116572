package io.twine.testing;

import io.twine.reactor.NameResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link NameResolver} for tests: names resolve to the addresses the test gave them, in that
 * order, and any other name fails with {@link UnknownHostException}. {@link #hold()} keeps
 * lookups pending until {@link #release()}, so a test can act while a name is being resolved.
 * It records every name asked for.
 *
 * <p>Thread-safe (its methods are synchronized): a test sets it up on its own thread while the
 * loop asks it.
 */
public final class StaticResolver implements NameResolver {

    private final Map<String, List<InetAddress>> names = new HashMap<>();
    private final List<String> lookups = new ArrayList<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;

    /**
     * Makes {@code host} resolve to {@code addresses}, in this order. Returns this.
     *
     * @param host the name
     * @param addresses what it resolves to; empty makes it unknown
     * @return this resolver, for chaining
     */
    public synchronized StaticResolver add(String host, InetAddress... addresses) {
        names.put(host, List.of(addresses));
        return this;
    }

    /** From now on, lookups stay pending until {@link #release()}. */
    public synchronized void hold() {
        holding = true;
    }

    /** Completes the lookups held so far, and stops holding. */
    public void release() {
        List<Runnable> pending;
        synchronized (this) {
            holding = false;
            pending = new ArrayList<>(held);
            held.clear();
        }
        pending.forEach(Runnable::run);
    }

    /**
     * The names asked for so far, in order.
     *
     * @return a copy of the names, in the order they were asked for
     */
    public synchronized List<String> lookups() {
        return new ArrayList<>(lookups);
    }

    @Override
    public synchronized CompletableFuture<List<InetAddress>> resolve(String host) {
        lookups.add(host);
        CompletableFuture<List<InetAddress>> result = new CompletableFuture<>();
        List<InetAddress> found = names.get(host);
        Runnable answer = () -> {
            if (found == null) {
                result.completeExceptionally(new UnknownHostException(host + ": not known to the test's resolver"));
            } else {
                result.complete(found);
            }
        };
        if (holding) {
            held.add(answer);
        } else {
            answer.run();
        }
        return result;
    }
}
