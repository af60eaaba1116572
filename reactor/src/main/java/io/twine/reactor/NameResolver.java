package io.twine.reactor;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a host name into addresses without blocking the loop (Twisted's
 * {@code IHostnameResolver}, installed per reactor as with {@code IReactorPluggableResolver}:
 * {@link Reactor#installNameResolver}). Connects by host name ask the reactor's resolver.
 *
 * <p>The default looks names up with {@link InetAddress#getAllByName} on the reactor's worker
 * threads ({@link Reactor#deferToThread}). A test installs {@code io.twine.testing.StaticResolver}
 * to give names the addresses it wants, or to hold a lookup until it says.
 */
@FunctionalInterface
public interface NameResolver {

    /**
     * Starts looking {@code host} up and returns at once. The future completes, on any thread,
     * with the addresses in the order the connect should prefer them (not empty), or fails
     * with an {@link java.net.UnknownHostException}. Called on the loop thread.
     *
     * @param host a host name or an address literal
     * @return completes, on any thread, with at least one address, or fails
     */
    CompletableFuture<List<InetAddress>> resolve(String host);

    /**
     * The default: {@link InetAddress#getAllByName} on {@code reactor}'s worker threads.
     *
     * @param reactor whose worker threads block in the lookup, keeping the loop free
     * @return the resolver every reactor starts with
     */
    static NameResolver system(Reactor reactor) {
        return host -> reactor.deferToThread(() -> List.of(InetAddress.getAllByName(host)));
    }
}
