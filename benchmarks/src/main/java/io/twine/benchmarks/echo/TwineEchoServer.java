package io.twine.benchmarks.echo;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.EventLoop;
import io.twine.reactor.ReactorGroup;
import io.twine.reactor.TcpOptions;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import io.twine.transport.tcp.TcpGroup;
import io.twine.transport.tls.Tls;
import io.twine.transport.tls.TlsOptions;
import io.twine.transport.unix.Unix;
import io.twine.transport.unix.UnixOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The twine echo server: one reactor on its own thread, or a {@link ReactorGroup} of several
 * listening on one address ({@link TcpGroup}, its default balancing), over TCP or a Unix
 * socket, in plaintext or behind {@link Tls#server}.
 */
public final class TwineEchoServer implements EchoServer {

    /**
     * Writes back what it reads. The transport is registered as its own streaming producer, so a
     * client that stops reading pauses this connection's reads instead of growing its queue.
     */
    public static final class Echo extends Protocol {
        @Override
        public void connectionMade() {
            transport.registerProducer(transport, true);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Runnable stop;
    private final SocketAddress address;

    private TwineEchoServer(Runnable stop, SocketAddress address) {
        this.stop = stop;
        this.address = address;
    }

    /** Listens as {@code setup} says. */
    public static TwineEchoServer start(EchoSetup setup) throws IOException {
        TlsOptions tls = setup.isTls()
                ? TlsOptions.serverFromPkcs12(setup.keyStore(), EchoSetup.KEY_STORE_PASSWORD.toCharArray()).build()
                : null;
        return setup.loops() == 1 ? startOneLoop(setup, tls) : startGroup(setup, tls);
    }

    /** One {@link ReactorThread}: the single-reactor server, unchanged by the group's existence. */
    private static TwineEchoServer startOneLoop(EchoSetup setup, TlsOptions tls) {
        ReactorThread loop = ReactorThread.start();
        try {
            ListeningPort listening = loop.call(() -> setup.isUnix()
                    ? Unix.listen(loop.reactor(), ((UnixDomainSocketAddress) setup.address()).getPath(),
                            factory(loop.reactor(), tls), UnixOptions.defaults().withBacklog(BACKLOG))
                    : Tcp.listen(loop.reactor(), setup.address(), factory(loop.reactor(), tls),
                            TcpOptions.defaults().withBacklog(BACKLOG)));
            return new TwineEchoServer(loop::close, listening.getHost());
        } catch (RuntimeException e) {
            loop.close();
            throw e;
        }
    }

    private static TwineEchoServer startGroup(EchoSetup setup, TlsOptions tls) throws IOException {
        ReactorGroup group = new ReactorGroup(setup.loops());
        AtomicInteger nextLoop = new AtomicInteger();
        // TcpGroup asks for the factories in loop order, one per loop: each gets its own loop's TLS state.
        // SO_REUSEPORT (the default on Linux) is a TCP option; on a Unix socket loop 0 accepts and hands out.
        ListeningPort listening = TcpGroup.listen(group, setup.address(),
                () -> factory(group.get(nextLoop.getAndIncrement()), tls), TcpOptions.defaults().withBacklog(BACKLOG),
                setup.isUnix() ? TcpGroup.Balancing.FEWEST_CONNECTIONS : TcpGroup.Balancing.platformDefault());
        group.start();
        SocketAddress address = listening.getHost();
        return new TwineEchoServer(() -> {
            group.stop();
            try {
                group.awaitTermination(STOP_TIMEOUT);
                if (address instanceof UnixDomainSocketAddress) {
                    Files.deleteIfExists(((UnixDomainSocketAddress) address).getPath());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // the socket file lives in the shootout's temporary folder, which is removed anyway
            }
        }, address);
    }

    private static Factory factory(EventLoop loop, TlsOptions tls) {
        Factory echo = Factory.forProtocol(Echo::new);
        return tls == null ? echo : Tls.server(loop, tls, echo);
    }

    @Override
    public SocketAddress address() {
        return address;
    }

    @Override
    public int port() {
        return ((InetSocketAddress) address).getPort();
    }

    @Override
    public void close() {
        stop.run();
    }
}
