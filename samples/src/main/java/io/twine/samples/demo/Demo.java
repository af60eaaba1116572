package io.twine.samples.demo;

import io.twine.reactor.DelayedCall;
import io.twine.reactor.Reactor;
import io.twine.samples.Sample;
import io.twine.samples.SampleCatalog;
import io.twine.samples.echo.EchoServer;
import io.twine.samples.line.LineClient;
import io.twine.samples.line.LineServer;
import io.twine.samples.line.ThreadedLineServer;
import io.twine.samples.support.Console;
import io.twine.samples.support.Ctime;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.OptionSpec;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.ScriptedLineSource;
import io.twine.samples.support.StartedServer;
import io.twine.samples.support.UsageException;
import io.twine.samples.tcp.TcpClient;
import io.twine.samples.tcp.TcpServer;
import io.twine.samples.twisted.TwistedClient;
import io.twine.samples.twisted.TwistedServer;
import io.twine.samples.udp.UdpClient;
import io.twine.samples.udp.UdpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code demo}: the first thing to run. Each of the seed's servers starts on a free port of
 * 127.0.0.1 inside this one process, its client talks to it through a short scripted
 * conversation, and both sides' output is printed, labelled, the way the seed's transcripts look.
 * Everything runs on one reactor, one conversation after the other. Exits 0 when every
 * conversation ended cleanly.
 *
 * <p>A new pair is one more entry in {@link #conversations()}.
 */
public final class Demo {

    /** {@code --pause MS}: how long the scripted client "types" before each line. */
    public static final OptionSpec PAUSE = new OptionSpec("pause", "MS",
            "pause before each scripted line, as if typed; 0 runs the demo at full speed", "250");

    /** How long one conversation may take before the demo gives up on it. */
    private static final Duration CONVERSATION_LIMIT = Duration.ofSeconds(30);
    /** Between two conversations: time for the server to log the end of the last one. */
    private static final Duration BETWEEN = Duration.ofMillis(100);

    private final List<Conversation> conversations;
    private final Duration pause;
    private final Transcript transcript;
    private final Reactor reactor = new Reactor();
    private final SampleCatalog catalog = SampleCatalog.standard();
    private int next;
    private int failures;
    private DelayedCall watchdog;
    private Path socketFolder;

    private Demo(List<Conversation> conversations, Duration pause, PrintStream out) {
        this.conversations = conversations;
        this.pause = pause;
        this.transcript = new Transcript(out);
    }

    /** The conversations, in the order they are shown. */
    public static List<Conversation> conversations() {
        return List.of(
                new Conversation("echo-server", "tcp-client", "an echo server that cannot be made to buffer without bound",
                        EchoServer::start, TcpClient::start, List.of("Hello", "twine", "")),
                new Conversation("tcp-server", "tcp-client", "the seed's tsTserv.py and tsTclnt.py",
                        TcpServer::start, TcpClient::start, List.of("Hello", "World", "")),
                new Conversation("udp-server", "udp-client", "the seed's tsUserv.py and tsUclnt.py, over UDP",
                        UdpServer::start, UdpClient::start, List.of("Hello", "World", "")),
                new Conversation("line-server", "line-client",
                        "the seed's tsTservSS.py and tsTclntSS.py, a connection per line",
                        LineServer::start, LineClient::start, List.of("a", "c", "")),
                new Conversation("threaded-line-server", "line-client",
                        "tsTservSS.py again, its handler blocking on a worker thread",
                        ThreadedLineServer::start, LineClient::start, List.of("a", "c", "")),
                new Conversation("twisted-server", "twisted-client", "the seed's tsTservTW.py and tsTclntTW.py",
                        TwistedServer::start, TwistedClient::start, List.of("a", "b", "")),
                new Conversation("twisted-server", "twisted-client",
                        "the same pair over a Unix domain socket (--unix PATH), the protocols unchanged",
                        TwistedServer::start, TwistedClient::start, List.of("local", ""), true));
    }

    /** Runs the demo; a {@link Sample.Runner}. Returns 0 when every conversation ended cleanly. */
    public static int run(SampleArgs args, Console console) {
        long pauseMillis;
        try {
            pauseMillis = args.number(PAUSE.name(), 0, 10_000);
        } catch (UsageException e) {
            console.err().println("demo: " + e.getMessage());
            return ExitStatus.USAGE;
        }
        return run(conversations(), Duration.ofMillis(pauseMillis), console);
    }

    /** Runs {@code conversations} on a new reactor on this thread, printing to the console. */
    public static int run(List<Conversation> conversations, Duration pause, Console console) {
        Demo demo = new Demo(conversations, pause, console.out());
        // The servers start on the loop, one after the other: what they would load on first use
        // (time-zone rules and locale names for ctime) is loaded here, before the loop runs.
        Ctime.local();
        if (conversations.stream().anyMatch(Conversation::overUnixSocket)) {
            demo.loadUnixSockets(console);
        }
        demo.reactor.callWhenRunning(demo::introduce);
        demo.reactor.installShutdownHook();
        console.reactorReady(demo.reactor);
        demo.reactor.run();
        return demo.failures == 0 && demo.next == conversations.size() ? ExitStatus.OK : ExitStatus.FAILED;
    }

    private void introduce() {
        transcript.say("twine demo: the seed's servers and clients, each pair talking over 127.0.0.1 (the last");
        transcript.say("over a Unix domain socket) inside this one process, on one reactor thread. \"server |\" lines are what the server");
        transcript.say("prints, \"client |\" lines what its client prints; \"> \" is the client's prompt,");
        transcript.say("followed by the line it was given.");
        startNext();
    }

    private void startNext() {
        if (next == conversations.size()) {
            finish();
            return;
        }
        Conversation conversation = conversations.get(next++);
        transcript.say("");
        transcript.say("[" + next + "/" + conversations.size() + "] " + conversation.serverName() + " + "
                + conversation.clientName() + ": " + conversation.origin());
        PrintStream serverOut = transcript.speaker("server");
        PrintStream clientOut = transcript.speaker("client");
        StartedServer server;
        CompletableFuture<ExitStatus> outcome;
        try {
            SocketAddress where = conversation.overUnixSocket()
                    ? UnixDomainSocketAddress.of(socketFolder().resolve(conversation.serverName() + ".sock"))
                    : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            server = conversation.server().start(reactor, where, serverOut, defaults(conversation.serverName()));
            outcome = conversation.client().start(reactor, server.address(),
                    new ScriptedLineSource(reactor, conversation.lines(), pause), clientOut,
                    defaults(conversation.clientName()));
        } catch (IOException | UsageException e) {
            transcript.say("  could not start: " + e.getMessage());
            failures++;
            reactor.callLater(BETWEEN, this::startNext);
            return;
        }
        watchdog = reactor.callLater(CONVERSATION_LIMIT, () -> {
            transcript.say("  no end after " + CONVERSATION_LIMIT.toSeconds() + " s: giving up");
            failures++;
            server.stop();
            finish();
        });
        outcome.thenAccept(status -> {
            watchdog.cancel();
            if (status.message() != null) {
                clientOut.println("(" + status.message() + ")");
            }
            if (status.code() != ExitStatus.OK) {
                failures++;
            }
            server.stop();
            reactor.callLater(BETWEEN, this::startNext);
        });
    }

    /**
     * Binds and closes a Unix socket in the demo's folder before the loop runs: the JDK's first
     * Unix socket loads and links its classes and native code, about 25 ms that would otherwise
     * stall the loop in the middle of the demo, when the Unix conversation starts.
     */
    private void loadUnixSockets(Console console) {
        try {
            Path probe = socketFolder().resolve("probe.sock");
            try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.bind(UnixDomainSocketAddress.of(probe));
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | UnsupportedOperationException e) {
            console.err().println("demo: no Unix socket before the loop (" + e.getMessage() + "); the conversation will say why");
        }
    }

    /** A private folder for the Unix-socket conversation, made on first use and removed at the end. */
    private Path socketFolder() throws IOException {
        if (socketFolder == null) {
            socketFolder = Files.createTempDirectory("twine-demo");
        }
        return socketFolder;
    }

    private void finish() {
        if (socketFolder != null) {
            try {
                Files.deleteIfExists(socketFolder);  // the servers removed their socket files when they stopped
            } catch (IOException e) {
                transcript.say("  (could not remove " + socketFolder + ": " + e.getMessage() + ")");
            }
        }
        transcript.say("");
        if (failures == 0) {
            transcript.say("All " + conversations.size() + " conversations ended cleanly. To run a pair yourself, start a server");
            transcript.say("in one terminal and its client in another, for example:");
            transcript.say("  java -jar samples/target/twine-samples.jar tcp-server");
            transcript.say("  java -jar samples/target/twine-samples.jar tcp-client");
            transcript.say("(--help lists every sample.)");
        } else {
            transcript.say(failures + " of " + conversations.size() + " conversations failed.");
        }
        reactor.stop();
    }

    private SampleArgs defaults(String sampleName) {
        Sample sample = catalog.find(sampleName);
        return SampleArgs.defaults(sample == null ? List.of() : sample.options());
    }
}
