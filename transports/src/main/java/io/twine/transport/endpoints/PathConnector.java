package io.twine.transport.endpoints;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.EventLoop;
import io.twine.transport.unix.Unix;
import io.twine.transport.unix.UnixOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The connection attempt of a {@code unix:} {@link ClientEndpoint}: one path, so one attempt, and
 * its outcome in the endpoint's future (the protocol once its {@code connectionMade} has run, or
 * why it failed).
 *
 * <p>Thread: loop only, from {@link #start()} on.
 */
final class PathConnector extends ClientFactory {

    private final EventLoop reactor;
    private final Path path;
    private final Duration timeout;
    private final Factory factory;
    private final CompletableFuture<Protocol> result = new CompletableFuture<>();

    PathConnector(EventLoop reactor, Path path, Duration timeout, Factory factory) {
        this.reactor = reactor;
        this.path = path;
        this.timeout = timeout;
        this.factory = factory;
    }

    CompletableFuture<Protocol> result() {
        return result;
    }

    void start() {
        Unix.connect(reactor, path, this, UnixOptions.defaults().withConnectTimeout(timeout));
    }

    @Override
    public Protocol buildProtocol(SocketAddress peer) {
        Protocol protocol = factory.buildProtocol(peer);
        if (protocol == null) {
            result.completeExceptionally(new ConnectException("connected to " + path
                    + " but the factory refused the connection (buildProtocol returned null)"));
            return null;
        }
        // The connection calls connectionMade right after this returns; complete after it.
        reactor.callLater(Duration.ZERO, () -> result.complete(protocol));
        return protocol;
    }

    @Override
    public void clientConnectionFailed(Connector connector, Reason reason) {
        Throwable error = reason.kind() == Reason.Kind.TIMED_OUT
                ? new TimeoutException("connecting to " + path + " timed out after " + timeout.toMillis() + " ms")
                : new ConnectException("could not connect to " + path + ": " + reason.message());
        if (reason.cause() instanceof IOException && error.getCause() == null) {
            error.initCause(reason.cause());
        }
        result.completeExceptionally(error);
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
