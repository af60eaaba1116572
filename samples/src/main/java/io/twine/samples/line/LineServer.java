package io.twine.samples.line;

import io.twine.protocol.Factory;
import io.twine.protocol.basic.LineReceiver;
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
import java.util.Objects;

/**
 * {@code line-server}: the seed's {@code tsTservSS.py} ({@code socketserver}'s
 * {@code TCPServer} with a {@code StreamRequestHandler}) as a {@link LineReceiver} on the
 * reactor. Each connection sends one line; the server answers {@code [ctime] line} and closes.
 * {@code threaded-line-server} is the same server written the blocking way.
 *
 * <p>On the wire it is the Python server's conversation: the client sends {@code Hello\r\n} and
 * reads {@code [Mon Jun  4 15:34:12 2018] Hello\r\n}, then the end of the stream. Lines end at
 * {@code \n}, and the answer repeats the line's {@code \r} if it had one, as {@code readline()}
 * keeps the terminator it read. The seed's transcript shows {@code b'a\r\n'} inside the brackets
 * only because under Python 3 {@code '%s' % bytes} formats the bytes' repr: a slip of the seed,
 * not a format to copy. The line is decoded as UTF-8 and encoded again, so bytes that are not
 * UTF-8 come back as U+FFFD; {@code threaded-line-server} answers with the very bytes it read.
 *
 * <p>A line is at most {@link #MAX_LINE_LENGTH} bytes, its {@code \n} included (the Python peer
 * reads with {@code readline(65536)}); a longer one gets no answer, one line in the log, and a
 * closed connection. A connection that closes before its line ends gets no answer either, as with
 * Twisted's {@code LineReceiver}.
 */
public final class LineServer {

    /** The longest line answered, in bytes, its {@code \n} included. */
    public static final int MAX_LINE_LENGTH = 64 * 1024;

    private LineServer() {}

    /** Listens on {@code address} and logs to {@code log}, stamping with local time. A {@link ServerStarter}. */
    public static StartedServer start(EventLoop reactor, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException, UsageException {
        return listen(reactor, address, log, SampleTls.server(reactor, args, factory(log, Ctime.local())));
    }

    /** Listens on {@code address}, logs to {@code log} and stamps answers with {@code ctime}. Loop-only. */
    public static StartedServer start(EventLoop reactor, SocketAddress address, PrintStream log, Ctime ctime)
            throws IOException {
        return listen(reactor, address, log, factory(log, ctime));
    }

    private static Factory factory(PrintStream log, Ctime ctime) {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(ctime, "ctime");
        return Factory.forProtocol(() -> new OneLineTimestamper(log, ctime));
    }

    private static StartedServer listen(EventLoop reactor, SocketAddress address, PrintStream log, Factory factory)
            throws IOException {
        StartedServer server = StartedServer.of(StreamSockets.listen(reactor, address, factory));
        ServerStarter.announce(log, server);
        log.println("waiting for connection...");
        return server;
    }

    /**
     * The seed's {@code MyRequestHandler}, one per connection: log the client, read a line,
     * answer it, close.
     *
     * <p>Thread: loop only.
     */
    public static final class OneLineTimestamper extends LineReceiver {

        private final PrintStream log;
        private final Ctime ctime;

        /**
         * @param log where connections are logged
         * @param ctime the clock of the answer
         */
        public OneLineTimestamper(PrintStream log, Ctime ctime) {
            this.log = Objects.requireNonNull(log, "log");
            this.ctime = Objects.requireNonNull(ctime, "ctime");
            // readline() ends a line at \n; a \r before it stays in the line and goes back with it.
            setDelimiter(new byte[] {'\n'});
            setMaxLength(MAX_LINE_LENGTH - 1);
        }

        /** Logs the client, as the seed's {@code handle} does first. */
        @Override
        public void connectionMade() {
            log.println("...connected from: " + Addresses.pythonTuple(transport.getPeer()));
        }

        /** Answers the one line and closes; anything the client sent after it is ignored. */
        @Override
        public void lineReceived(String line) {
            sendLine("[" + ctime.now() + "] " + line);
            transport.loseConnection();
        }

        /** Logs the too-long line, then closes without an answer (the default). */
        @Override
        public void lineLengthExceeded(int length) {
            log.println("...line from " + Addresses.pythonTuple(transport.getPeer()) + " longer than "
                    + MAX_LINE_LENGTH + " bytes: closing without an answer");
            super.lineLengthExceeded(length);
        }
    }
}
