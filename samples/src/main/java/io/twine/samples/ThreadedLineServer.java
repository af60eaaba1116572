package io.twine.samples;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.twine.protocol.ListeningPort;
import io.twine.protocol.blocking.BlockingConnection;
import io.twine.protocol.blocking.BlockingHandler;
import io.twine.protocol.blocking.BlockingHandlerFactory;
import io.twine.reactor.Reactor;
import io.twine.transport.tcp.Tcp;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code threaded-line-server}: the seed's {@code tsTservSS.py} written the way its
 * {@code socketserver.StreamRequestHandler} is, with a blocking {@link #handle} that reads one line
 * from an input stream, answers {@code [ctime] line} and returns, after which the connection is
 * closed. {@link BlockingHandlerFactory} runs each {@code handle} on a worker thread (Python's
 * {@code ThreadingMixIn}) while the socket stays non-blocking on the reactor.
 *
 * <p>On the wire it is the Python server's conversation: the client sends {@code Hello\r\n} and
 * reads {@code [Mon Jun  4 11:20:46 2018] Hello\r\n}, then the end of the stream. The answer
 * carries the line's own bytes, terminator included, as {@code readline()} returns them. The
 * seed's transcript shows {@code b'Hello\r\n'} inside the brackets only because under Python 3
 * {@code '%s' % bytes} formats the bytes' repr: a slip of the seed, not a format to copy.
 *
 * <p>Unlike Python's unbounded {@code readline()}, a line is at most {@link #MAX_LINE_LENGTH}
 * bytes: a longer one gets no answer and its connection is closed, with one line in the log.
 *
 * <p>Entry points: {@link #run(String, int, PrintStream)} blocks serving (what a launcher calls),
 * {@link #listen(Reactor, String, int, PrintStream)} starts serving on a reactor the caller runs
 * (what a demo or a test calls), and {@link #main} takes {@code [host [port]]}.
 *
 * <p>Thread: {@link #handle} runs on worker threads, several at once; the rest on the thread that
 * runs, or will run, the reactor. The log goes to a {@link PrintStream}, which is thread-safe.
 */
public final class ThreadedLineServer implements BlockingHandler {

    /** The seed's port. */
    public static final int DEFAULT_PORT = 21567;
    /** The longest line answered, terminator included. */
    public static final int MAX_LINE_LENGTH = 64 * 1024;

    /** Python's {@code time.ctime()} layout: the day of the month padded with a space. */
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    private final PrintStream log;
    private final Clock clock;

    /** A handler that logs to {@code log} and stamps answers with the local time. */
    public ThreadedLineServer(PrintStream log) {
        this(log, Clock.systemDefaultZone());
    }

    /** A handler that logs to {@code log} and stamps answers with {@code clock}'s time and zone. */
    public ThreadedLineServer(PrintStream log, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Listens on {@code host:port} (port 0 picks a free one) with this server's handler, and logs
     * the seed's {@code waiting for connection...} with the address. Call it on the reactor's
     * thread, or before the reactor runs.
     *
     * @throws IOException if the address cannot be bound
     */
    public static ListeningPort listen(Reactor reactor, String host, int port, PrintStream log) throws IOException {
        return listen(reactor, host, port, new ThreadedLineServer(log));
    }

    /** Like {@link #listen(Reactor, String, int, PrintStream)}, with a handler of the caller's. */
    public static ListeningPort listen(Reactor reactor, String host, int port, ThreadedLineServer server)
            throws IOException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
        ListeningPort listening = Tcp.listen(reactor, address, new BlockingHandlerFactory(reactor, server));
        InetSocketAddress bound = (InetSocketAddress) listening.getHost();
        if (!bound.getAddress().isLoopbackAddress()) {
            server.log.println("note: " + hostAndPort(bound) + " is reachable from other machines");
        }
        server.log.println("waiting for connection on " + hostAndPort(bound) + "...");
        return listening;
    }

    /**
     * Serves on {@code host:port} until the reactor is stopped (from another thread, or by the
     * JVM ending): blocks the calling thread.
     *
     * @throws IOException if the address cannot be bound
     */
    public static void run(String host, int port, PrintStream log) throws IOException {
        Reactor reactor = new Reactor();
        listen(reactor, host, port, log);
        reactor.run();
    }

    /** {@code ThreadedLineServer [host [port]]}: 127.0.0.1 and {@value #DEFAULT_PORT} by default. */
    public static void main(String[] args) throws IOException {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_PORT;
        run(host, port, System.out);
    }

    /**
     * The seed's {@code MyRequestHandler.handle}: logs the client, reads one line, answers
     * {@code [ctime] line} in one write, and returns (which closes the connection). Worker thread.
     */
    @Override
    public void handle(BlockingConnection connection) throws IOException {
        InetSocketAddress peer = (InetSocketAddress) connection.getPeer();
        log.println("...connected from: ('" + peer.getAddress().getHostAddress() + "', " + peer.getPort() + ")");
        byte[] line = readLine(connection.input());
        if (line == null) {
            log.println("...line from " + hostAndPort(peer) + " longer than " + MAX_LINE_LENGTH
                    + " bytes: closing without an answer");
            return;
        }
        byte[] stamp = ("[" + ctime(ZonedDateTime.now(clock)) + "] ").getBytes(US_ASCII);
        // One write, so that a client doing a single recv(), as the seed's does, gets it all.
        byte[] answer = Arrays.copyOf(stamp, stamp.length + line.length);
        System.arraycopy(line, 0, answer, stamp.length, line.length);
        connection.output().write(answer);
    }

    /** {@code time} in Python's {@code time.ctime()} layout, e.g. {@code Mon Jun  4 11:20:46 2018}. */
    public static String ctime(ZonedDateTime time) {
        return CTIME.format(time);
    }

    /**
     * Reads up to and including {@code \n}, or to the end of the stream (Python's
     * {@code readline()}); null if no {@code \n} came within {@link #MAX_LINE_LENGTH} bytes.
     */
    private static byte[] readLine(InputStream in) throws IOException {
        byte[] line = new byte[128];
        int length = 0;
        while (length < MAX_LINE_LENGTH) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_LINE_LENGTH));
            }
            line[length++] = (byte) b;
            if (b == '\n') {
                return Arrays.copyOf(line, length);
            }
        }
        return length == MAX_LINE_LENGTH ? null : Arrays.copyOf(line, length);
    }

    private static String hostAndPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return "ThreadedLineServer";
    }
}
