package io.twine.transport.endpoints;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.EventLoop;
import io.twine.reactor.TcpOptions;
import io.twine.reactor.spi.Failures;
import io.twine.transport.tcp.Tcp;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * One connect of a {@link ClientEndpoint} to a host, by Happy Eyeballs (RFC 8305): resolve the
 * name with the reactor's {@link io.twine.reactor.NameResolver}, interleave the addresses by
 * family, and start an attempt on the next address {@value #ATTEMPT_DELAY_MILLIS} ms after the
 * previous one started, or as soon as it fails. The first attempt to connect wins; the others
 * are stopped, and one that connects anyway is refused and closed. One deadline (the
 * endpoint's timeout) bounds it all.
 *
 * <p>Cancelling the future stops every attempt; a connection that completes after the cancel
 * is closed, so nothing is left without an owner.
 *
 * <p>Thread: loop only, from {@link #start()} on.
 */
final class HostConnector {

    /** RFC 8305's recommended Connection Attempt Delay. */
    static final long ATTEMPT_DELAY_MILLIS = 250;

    private final EventLoop reactor;
    private final ClientEndpoint endpoint;
    private final Factory factory;
    private final CompletableFuture<Protocol> result = new CompletableFuture<>();
    private final StringBuilder failures = new StringBuilder();
    private final List<Attempt> running = new ArrayList<>();
    private final Runnable attemptDelayOver = () -> {
        nextAttemptTimer = null;  // it has run: cancelling it now would throw
        startNextAttempt();
    };
    private List<InetAddress> addresses;
    private int next;
    private long deadline;
    private DelayedCall deadlineTimer;
    private DelayedCall nextAttemptTimer;
    private Protocol built;
    private boolean finished;

    HostConnector(EventLoop reactor, ClientEndpoint endpoint, Factory factory) {
        this.reactor = reactor;
        this.endpoint = endpoint;
        this.factory = factory;
        // A cancel may come from any thread; what it stops lives on the loop.
        result.whenComplete((protocol, error) -> {
            if (error instanceof CancellationException) {
                OnLoop.call(reactor, () -> {
                    cancelled();
                    return null;
                });
            }
        });
    }

    CompletableFuture<Protocol> result() {
        return result;
    }

    void start() {
        deadline = reactor.now() + endpoint.timeout().toNanos();
        deadlineTimer = reactor.callLater(endpoint.timeout(), this::timedOut);
        InetAddress literal = IpLiterals.parse(endpoint.host());
        if (literal != null) {
            resolved(List.of(literal));
            return;
        }
        String host = endpoint.host();
        reactor.nameResolver().resolve(host).whenComplete((found, error) -> OnLoop.call(reactor, () -> {
            if (finished) {
                return null;
            }
            if (error != null) {
                fail(error instanceof UnknownHostException ? error
                        : new UnknownHostException("cannot resolve '" + host + "': " + error));
            } else if (found == null || found.isEmpty()) {
                fail(new UnknownHostException("'" + host + "' resolved to no address"));
            } else {
                resolved(found);
            }
            return null;
        }));
    }

    /**
     * RFC 8305 section 4: the first address's family first, then alternate families, each
     * family in the resolver's order.
     */
    static List<InetAddress> interleaveByFamily(List<InetAddress> found) {
        List<InetAddress> first = new ArrayList<>();
        List<InetAddress> other = new ArrayList<>();
        boolean firstIsV6 = found.get(0) instanceof Inet6Address;
        for (InetAddress address : found) {
            ((address instanceof Inet6Address) == firstIsV6 ? first : other).add(address);
        }
        List<InetAddress> order = new ArrayList<>(found.size());
        for (int i = 0; i < Math.max(first.size(), other.size()); i++) {
            if (i < first.size()) {
                order.add(first.get(i));
            }
            if (i < other.size()) {
                order.add(other.get(i));
            }
        }
        return order;
    }

    private void resolved(List<InetAddress> found) {
        addresses = interleaveByFamily(found);
        startNextAttempt();
    }

    private void startNextAttempt() {
        if (nextAttemptTimer != null) {
            nextAttemptTimer.cancel();
            nextAttemptTimer = null;
        }
        if (finished || next == addresses.size()) {
            return;
        }
        long remaining = deadline - reactor.now();
        if (remaining <= 0) {
            timedOut();
            return;
        }
        InetSocketAddress address = new InetSocketAddress(addresses.get(next++), endpoint.port());
        // A hair past the deadline, so that the deadline's own timer ends a hanging attempt and
        // the failure is always the endpoint's TimeoutException.
        TcpOptions options = TcpOptions.defaults().withConnectTimeout(Duration.ofNanos(remaining).plusMillis(1))
                .withBindAddress(endpoint.bindAddress() == null ? null : new InetSocketAddress(endpoint.bindAddress(), 0));
        Attempt attempt = new Attempt();
        running.add(attempt);
        attempt.connector = Tcp.connect(reactor, address, attempt, options);
        if (!finished && next < addresses.size() && running.contains(attempt)) {
            nextAttemptTimer = reactor.callLater(Duration.ofMillis(ATTEMPT_DELAY_MILLIS), attemptDelayOver);
        }
    }

    private void attemptFailed(Attempt attempt, Reason reason) {
        if (!running.remove(attempt) || finished) {
            return;
        }
        if (failures.length() > 0) {
            failures.append("; ");
        }
        failures.append(attempt.connector.getDestination()).append(": ").append(reason.message());
        if (next < addresses.size()) {
            startNextAttempt();  // failed before its delay was up: the next one starts now
        } else if (running.isEmpty()) {
            fail(new ConnectException("could not connect to " + endpoint + ": " + failures));
        }
    }

    /** Stops every attempt still connecting, and the timers. */
    private void stopAttempts() {
        if (nextAttemptTimer != null) {
            nextAttemptTimer.cancel();
            nextAttemptTimer = null;
        }
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
            deadlineTimer = null;
        }
        List<Attempt> stopping = new ArrayList<>(running);
        running.clear();
        for (Attempt attempt : stopping) {
            try {
                attempt.connector.stopConnecting();
            } catch (IllegalStateException alreadyOver) {
                // it connected or failed in this same pass; the refusal in buildProtocol handles it
            }
        }
    }

    private void timedOut() {
        deadlineTimer = null;
        if (finished || built != null) {
            return;  // connected just now; the success is already on its way
        }
        finished = true;
        stopAttempts();
        result.completeExceptionally(new TimeoutException("connecting to " + endpoint + " timed out after "
                + endpoint.timeout().toMillis() + " ms" + (failures.length() > 0 ? "; " + failures : "")));
    }

    void fail(Throwable error) {
        if (finished) {
            return;
        }
        finished = true;
        stopAttempts();
        result.completeExceptionally(error);
    }

    private void cancelled() {
        finished = true;
        stopAttempts();
        if (built != null && built.transport() != null) {
            built.transport().abortConnection(Reason.aborted("the connect to " + endpoint + " was cancelled"));
        }
    }

    private void connected(Protocol protocol) {
        if (result.isCancelled()) {
            return;  // cancelled() has closed it, or will on its way to the loop
        }
        finished = true;
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
            deadlineTimer = null;
        }
        result.complete(protocol);
    }

    /** One address's attempt: the factory its TCP connector talks to. */
    private final class Attempt extends ClientFactory {
        Connector connector;

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            if (finished || built != null) {
                return null;  // another attempt won, or the connect was cancelled: refuse and close
            }
            running.remove(this);
            Protocol protocol;
            try {
                protocol = factory.buildProtocol(peer);
            } catch (RuntimeException | Error e) {
                Failures.rethrowIfFatal(e);
                fail(e);  // a broken factory would fail on every address alike: stop here
                throw e;
            }
            if (protocol == null) {
                fail(new ConnectException("connected to " + peer + " but the factory refused the connection "
                        + "(buildProtocol returned null)"));
                return null;
            }
            built = protocol;
            stopAttempts();  // the first to connect wins
            // The connection calls connectionMade right after this returns; complete after it.
            reactor.callLater(Duration.ZERO, () -> connected(protocol));
            return protocol;
        }

        @Override
        public void clientConnectionFailed(Connector failed, Reason reason) {
            attemptFailed(this, reason);
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
