package io.twine.transport.endpoints;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.Reactor;
import io.twine.transport.tcp.Tcp;
import io.twine.transport.tcp.TcpOptions;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * One connection attempt of a {@link ClientEndpoint}: resolve the host off the loop, then try
 * its addresses one at a time (each with what is left of the timeout) until one connects, all
 * have failed, or the deadline passes.
 *
 * <p>Thread: loop only, from {@link #start()} on.
 */
final class HostConnector {

    /** Looks a host name up; blocking, so it runs on a worker thread. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Reactor reactor;
    private final ClientEndpoint endpoint;
    private final Factory factory;
    private final Resolver resolver;
    private final CompletableFuture<Protocol> result = new CompletableFuture<>();
    private final StringBuilder failures = new StringBuilder();
    private final Attempts attempts = new Attempts();
    private InetAddress[] addresses;
    private int next;
    private long deadline;
    private DelayedCall deadlineTimer;
    private Connector current;
    private Protocol built;
    private boolean finished;

    HostConnector(Reactor reactor, ClientEndpoint endpoint, Factory factory, Resolver resolver) {
        this.reactor = reactor;
        this.endpoint = endpoint;
        this.factory = factory;
        this.resolver = resolver;
    }

    CompletableFuture<Protocol> result() {
        return result;
    }

    void start() {
        deadline = reactor.now() + endpoint.timeout().toNanos();
        deadlineTimer = reactor.callLater(endpoint.timeout(), this::timedOut);
        InetAddress literal = IpLiterals.parse(endpoint.host());
        if (literal != null) {
            resolved(new InetAddress[] {literal});
            return;
        }
        String host = endpoint.host();
        // Completed through callFromThread, so the continuation below runs on the loop.
        reactor.deferToThread(() -> resolver.resolve(host)).whenComplete((found, error) -> {
            if (finished) {
                return;
            }
            if (error != null) {
                fail(error instanceof UnknownHostException ? error
                        : new UnknownHostException("cannot resolve '" + host + "': " + error));
            } else if (found == null || found.length == 0) {
                fail(new UnknownHostException("'" + host + "' resolved to no address"));
            } else {
                resolved(found);
            }
        });
    }

    private void resolved(InetAddress[] found) {
        addresses = found;
        tryNext();
    }

    private void tryNext() {
        if (finished) {
            return;
        }
        long remaining = deadline - reactor.now();
        if (remaining <= 0) {
            timedOut();
            return;
        }
        if (next == addresses.length) {
            fail(new ConnectException("could not connect to " + endpoint + ": " + failures));
            return;
        }
        InetSocketAddress address = new InetSocketAddress(addresses[next++], endpoint.port());
        // A hair past the deadline, so that the deadline's own timer ends a hanging attempt and
        // the failure is always the endpoint's TimeoutException.
        TcpOptions options = TcpOptions.defaults().withConnectTimeout(Duration.ofNanos(remaining).plusMillis(1));
        current = Tcp.connect(reactor, address, attempts, options);
    }

    private void timedOut() {
        if (finished) {
            return;
        }
        if (built != null) {
            return;  // connected just now; the success is already on its way
        }
        finished = true;
        if (current != null) {
            try {
                current.stopConnecting();
            } catch (IllegalStateException alreadyOver) {
                // the attempt ended in this same pass; nothing to stop
            }
        }
        result.completeExceptionally(new TimeoutException("connecting to " + endpoint + " timed out after "
                + endpoint.timeout().toMillis() + " ms" + (failures.length() > 0 ? "; " + failures : "")));
    }

    void fail(Throwable error) {
        if (finished) {
            return;
        }
        finished = true;
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
        }
        result.completeExceptionally(error);
    }

    private void connected(Protocol protocol) {
        if (finished) {
            return;
        }
        finished = true;
        deadlineTimer.cancel();
        result.complete(protocol);
    }

    /** Sees each attempt through: the factory the TCP connector talks to. */
    private final class Attempts extends ClientFactory {

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            Protocol protocol;
            try {
                protocol = factory.buildProtocol(peer);
            } catch (RuntimeException | Error e) {
                fail(e);  // a broken factory would fail on every address alike: stop here
                throw e;
            }
            if (protocol == null) {
                fail(new ConnectException("connected to " + peer + " but the factory refused the connection "
                        + "(buildProtocol returned null)"));
                return null;
            }
            built = protocol;
            // The connection calls connectionMade right after this returns; complete after it.
            reactor.callLater(Duration.ZERO, () -> connected(protocol));
            return protocol;
        }

        @Override
        public void clientConnectionFailed(Connector connector, Reason reason) {
            if (failures.length() > 0) {
                failures.append("; ");
            }
            failures.append(connector.getDestination()).append(": ").append(reason.message());
            tryNext();
        }

        @Override
        public void startFactory() {
            factory.doStart();
        }

        @Override
        public void stopFactory() {
            factory.doStop();
        }

        @Override
        public long getMaxWriteBufferSize() {
            return factory.getMaxWriteBufferSize();
        }
    }
}
