package io.twine.samples.tcp;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.samples.support.Addresses;
import io.twine.samples.support.Ctime;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.SampleTls;
import io.twine.samples.support.ServerStarter;
import io.twine.samples.support.StartedServer;
import io.twine.samples.support.StreamSockets;
import io.twine.samples.support.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code tcp-server}: the seed's {@code tsTserv.py}, a timestamp server. Every chunk a client
 * sends comes back as {@code [ctime] chunk}, the time in Python's {@code time.ctime()} layout
 * ({@code [Mon Jun  4 11:20:46 2018] Hello}, local time).
 *
 * <p>The reply carries the bytes the client sent, unchanged. The seed's transcripts show
 * {@code [...] b'Hello'} because its Python 3 code formats the {@code bytes} object with
 * {@code %s}, which prints its repr: a slip of the port from Python 2, not a format to copy.
 *
 * <p>The seed's server is blocking and serves one client at a time; this one serves any number
 * at once on the loop thread. Its log repeats the seed's lines: {@code waiting for connection...}
 * when no client is connected, and {@code ...connected from: ('127.0.0.1', 35550)} for each
 * client, the address as Python prints the tuple. Like the blocking original, which does not read
 * while its {@code send} waits, it stops reading from a client that does not read its replies.
 */
public final class TcpServer {

    private TcpServer() {}

    /** Listens on {@code address} and logs to {@code log}, stamping with local time. A {@link ServerStarter}. */
    public static StartedServer start(Reactor reactor, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException, UsageException {
        StartedServer server = StartedServer.of(StreamSockets.listen(reactor, address,
                SampleTls.server(reactor, args, new TimestampFactory(log, Ctime.local()))));
        ServerStarter.announce(log, server);
        log.println("waiting for connection...");
        return server;
    }

    /**
     * Builds a {@link Timestamper} per client and counts them, to log
     * {@code waiting for connection...} when the last one has gone, as the seed does after each.
     *
     * <p>Thread: loop only.
     */
    public static final class TimestampFactory extends Factory {

        private final PrintStream log;
        private final Ctime ctime;
        private int connected;

        /**
         * @param log where connections are logged
         * @param ctime the clock of the replies
         */
        public TimestampFactory(PrintStream log, Ctime ctime) {
            this.log = Objects.requireNonNull(log, "log");
            this.ctime = Objects.requireNonNull(ctime, "ctime");
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            return new Timestamper(this);
        }
    }

    /** One client's connection: {@code [ctime] } before every chunk it sends, back to it. */
    static final class Timestamper extends Protocol {

        private final TimestampFactory factory;

        Timestamper(TimestampFactory factory) {
            this.factory = factory;
        }

        @Override
        public void connectionMade() {
            factory.connected++;
            factory.log.println("...connected from: " + Addresses.pythonTuple(transport.getPeer()));
            transport.registerProducer(transport, true);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(("[" + factory.ctime.now() + "] ").getBytes(StandardCharsets.UTF_8));
            transport.write(data);
        }

        @Override
        public void connectionLost(Reason reason) {
            if (--factory.connected == 0) {
                factory.log.println("waiting for connection...");
            }
        }
    }
}
