package io.twine.samples.line;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.twine.protocol.blocking.BlockingConnection;
import io.twine.protocol.blocking.BlockingHandler;
import io.twine.protocol.blocking.BlockingHandlerFactory;
import io.twine.reactor.Reactor;
import io.twine.samples.support.Addresses;
import io.twine.samples.support.Ctime;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.ServerStarter;
import io.twine.samples.support.StartedServer;
import io.twine.samples.support.StreamSockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code threaded-line-server}: the seed's {@code tsTservSS.py} written the way its
 * {@code socketserver.StreamRequestHandler} is, with a blocking {@link #handle} that reads one line
 * from an input stream, answers {@code [ctime] line} and returns, after which the connection is
 * closed. {@link BlockingHandlerFactory} runs each {@code handle} on a worker thread (Python's
 * {@code ThreadingMixIn}) while the socket stays non-blocking on the reactor. {@code line-server}
 * is the same server as an event-driven {@code LineReceiver}.
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
 * <p>Thread: {@link #handle} runs on worker threads, several at once; {@link #start} on the
 * loop thread. The log is a {@link PrintStream}, which is thread-safe, and {@link Ctime} is
 * immutable.
 */
public final class ThreadedLineServer implements BlockingHandler {

    /** The longest line answered, terminator included: the same as {@code line-server}'s. */
    public static final int MAX_LINE_LENGTH = LineServer.MAX_LINE_LENGTH;

    private final PrintStream log;
    private final Ctime ctime;

    /** A handler that logs to {@code log} and stamps answers with {@code ctime}. */
    public ThreadedLineServer(PrintStream log, Ctime ctime) {
        this.log = Objects.requireNonNull(log, "log");
        this.ctime = Objects.requireNonNull(ctime, "ctime");
    }

    /** Listens on {@code address} and logs to {@code log}, stamping with local time. A {@link ServerStarter}. */
    public static StartedServer start(Reactor reactor, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException {
        return start(reactor, address, new ThreadedLineServer(log, Ctime.local()));
    }

    /**
     * Listens on {@code address} (port 0 picks a free one) with {@code handler}, and logs where,
     * then the seed's {@code waiting for connection...}. Loop-only (or before the reactor runs).
     *
     * @throws IOException if the address cannot be bound
     */
    public static StartedServer start(Reactor reactor, SocketAddress address, ThreadedLineServer handler)
            throws IOException {
        StartedServer server = StartedServer.of(StreamSockets.listen(reactor, address, new BlockingHandlerFactory(reactor, handler)));
        ServerStarter.announce(handler.log, server);
        handler.log.println("waiting for connection...");
        return server;
    }

    /**
     * The seed's {@code MyRequestHandler.handle}: logs the client, reads one line, answers
     * {@code [ctime] line} in one write, and returns (which closes the connection). Worker thread.
     */
    @Override
    public void handle(BlockingConnection connection) throws IOException {
        String peer = Addresses.pythonTuple(connection.getPeer());
        log.println("...connected from: " + peer);
        byte[] line = readLine(connection.input());
        if (line == null) {
            log.println("...line from " + peer + " longer than " + MAX_LINE_LENGTH + " bytes: closing without an answer");
            return;
        }
        byte[] stamp = ("[" + ctime.now() + "] ").getBytes(US_ASCII);
        // One write, so that a client doing a single recv(), as the seed's does, gets it all.
        byte[] answer = Arrays.copyOf(stamp, stamp.length + line.length);
        System.arraycopy(line, 0, answer, stamp.length, line.length);
        connection.output().write(answer);
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

    @Override
    public String toString() {
        return "ThreadedLineServer";
    }
}
