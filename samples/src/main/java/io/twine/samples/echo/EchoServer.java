package io.twine.samples.echo;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.EventLoop;
import io.twine.reactor.Reactor;
import io.twine.reactor.ReactorGroup;
import io.twine.reactor.TcpOptions;
import io.twine.samples.support.Addresses;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.SampleTls;
import io.twine.samples.support.ServerStarter;
import io.twine.samples.support.StartedServer;
import io.twine.samples.support.StreamSockets;
import io.twine.samples.support.UsageException;
import io.twine.transport.tcp.TcpGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * {@code echo-server}: sends back every byte it receives, and cannot be made to buffer without
 * bound by a client that sends and never reads.
 *
 * <p>The whole protocol is two overrides. The one line that matters is in
 * {@link Echo#connectionMade()}: the transport registers itself as the streaming producer of its
 * own output, so when more than the high-water mark (64 KiB) of echoes is waiting to be sent, the
 * transport stops reading; when the client has read enough for the queue to fall to the
 * low-water mark (16 KiB), it reads again. Unread input then waits in the kernel's buffers and,
 * when they fill, in the client's.
 */
public final class EchoServer {

    private EchoServer() {}

    /** Listens on {@code address} and logs each connection to {@code log}. A {@link ServerStarter}. */
    public static StartedServer start(Reactor reactor, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException, UsageException {
        StartedServer server = StartedServer.of(StreamSockets.listen(reactor, address,
                SampleTls.server(reactor, args, factory(log))));
        ServerStarter.announce(log, server);
        return server;
    }

    /**
     * Listens on {@code address} from every loop of {@code group} ({@code --loops N}), with a
     * factory per loop. A {@link io.twine.samples.support.GroupServerStarter}.
     */
    public static StartedServer start(ReactorGroup group, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException, UsageException {
        return start(group, address, log, TcpGroup.Balancing.platformDefault(), SampleTls.serverLayer(args));
    }

    /** As {@link #start(ReactorGroup, SocketAddress, PrintStream, SampleArgs)}, plain TCP spread as {@code balancing} says. */
    public static StartedServer start(ReactorGroup group, SocketAddress address, PrintStream log,
            TcpGroup.Balancing balancing) throws IOException {
        return start(group, address, log, balancing, (loop, factory) -> factory);
    }

    /** Each loop's factory goes through {@code layer} (TLS, with {@code --tls-cert}) for its loop. */
    private static StartedServer start(ReactorGroup group, SocketAddress address, PrintStream log,
            TcpGroup.Balancing balancing, BiFunction<EventLoop, Factory, Factory> layer) throws IOException {
        AtomicInteger nextLoop = new AtomicInteger();  // TcpGroup asks for the factories in loop order
        StartedServer server = StartedServer.of(TcpGroup.listen(group, address,
                () -> layer.apply(group.get(nextLoop.getAndIncrement()), factory(log)), TcpOptions.defaults(), balancing));
        log.println("listening on " + Addresses.hostPort(server.address()) + " with " + group.size() + " loops");
        return server;
    }

    /** A factory of {@link Echo} protocols that log their connection to {@code log}. */
    public static Factory factory(PrintStream log) {
        Objects.requireNonNull(log, "log");
        return Factory.forProtocol(() -> new Echo(log));
    }

    /**
     * Echoes one connection. Not final, so that tests can watch its outbound buffer.
     *
     * <p>Thread: loop only.
     */
    public static class Echo extends Protocol {

        private final PrintStream log;

        /** @param log where the connection's start and end are logged */
        public Echo(PrintStream log) {
            this.log = Objects.requireNonNull(log, "log");
        }

        /** Logs the peer and ties reading to the outbound buffer (see the class comment). */
        @Override
        public void connectionMade() {
            log.println("...connected from: " + Addresses.pythonTuple(transport.getPeer()));
            transport.registerProducer(transport, true);
        }

        /** Queues the bytes to be sent back; {@code write} copies them, as it must. */
        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }

        /** Logs the end of the connection and why. */
        @Override
        public void connectionLost(Reason reason) {
            log.println("...disconnected: " + Addresses.pythonTuple(transport.getPeer()) + " (" + reason.message() + ")");
        }
    }
}
