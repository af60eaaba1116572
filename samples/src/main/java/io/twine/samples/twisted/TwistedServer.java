package io.twine.samples.twisted;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.reactor.EventLoop;
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
 * {@code twisted-server}: the seed's {@code tsTservTW.py}, line for line. A {@link Protocol}
 * logs the peer's host on {@code connectionMade} and answers every chunk with
 * {@code [ctime] chunk} in {@code dataReceived}; a plain {@link Factory} builds one per
 * connection.
 *
 * <p>Python's {@code time.ctime()} layout and local time, as in {@code tcp-server}. The reply
 * carries the client's bytes unchanged: the seed's {@code [...] b'a'} is its Python 3 code
 * formatting a {@code bytes} object with {@code %s}, a slip, not the format.
 *
 * <p>Like the seed, it registers no producer: a client that never reads its replies makes the
 * queue grow until the transport's hard cap (64 MiB by default) closes the connection.
 * {@code echo-server} shows the flow-controlled way.
 */
public final class TwistedServer {

    private TwistedServer() {}

    /** Listens on {@code address} and logs to {@code log}. A {@link ServerStarter}. */
    public static StartedServer start(EventLoop reactor, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException, UsageException {
        Ctime ctime = Ctime.local();
        Factory factory = Factory.forProtocol(() -> new TimestampProtocol(log, ctime));
        StartedServer server = StartedServer.of(StreamSockets.listen(reactor, address, SampleTls.server(reactor, args, factory)));
        ServerStarter.announce(log, server);
        log.println("waiting for connection...");
        return server;
    }

    /**
     * The seed's {@code TSServProtocol}.
     *
     * <p>Thread: loop only.
     */
    public static final class TimestampProtocol extends Protocol {

        private final PrintStream log;
        private final Ctime ctime;

        /**
         * @param log where connections are logged
         * @param ctime the clock of the replies
         */
        public TimestampProtocol(PrintStream log, Ctime ctime) {
            this.log = Objects.requireNonNull(log, "log");
            this.ctime = Objects.requireNonNull(ctime, "ctime");
        }

        /** A client connected: log its host, as {@code transport.getPeer().host}. */
        @Override
        public void connectionMade() {
            log.println("...connected from: " + Addresses.host(transport.getPeer()));
        }

        /** Some bytes arrived: send them back after the time. */
        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(("[" + ctime.now() + "] ").getBytes(StandardCharsets.UTF_8));
            transport.write(data);
        }
    }
}
