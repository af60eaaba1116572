package io.twine.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.Reactor;
import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.Console;
import io.twine.samples.support.OptionSpec;
import io.twine.samples.support.SeedReplies;
import io.twine.samples.support.ServerCommand;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The launcher, driven in-process as {@code java -jar twine-samples.jar ...} would be. */
@Timeout(60)
class LauncherTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final CapturedOutput out = new CapturedOutput();
    private final CapturedOutput err = new CapturedOutput();

    private Console console(String input) {
        InputStream in = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        return Console.of(in, out.printStream(), err.printStream());
    }

    private int launch(String input, String... args) {
        return Launcher.run(SampleCatalog.standard(), args, console(input));
    }

    /** A server sample run by the launcher on a thread of its own, stopped at the end. */
    private final class RunningServer implements AutoCloseable {
        final CompletableFuture<Reactor> reactor = new CompletableFuture<>();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final CapturedOutput log = new CapturedOutput();
        final int port;

        RunningServer(String... args) {
            Console console = Console.of(InputStream.nullInputStream(), log.printStream(), err.printStream())
                    .onReactor(reactor::complete);
            Thread thread = new Thread(() -> exit.complete(Launcher.run(SampleCatalog.standard(), args, console)));
            thread.setDaemon(true);
            thread.start();
            Matcher listening = log.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
            port = Integer.parseInt(listening.group(1));
        }

        @Override
        public void close() {
            io.twine.testing.ReactorThread.await(reactor).stop();
            assertEquals(0, io.twine.testing.ReactorThread.await(exit));
        }
    }

    @Test
    void helpListsEverySampleWithEachOfItsOptions() {
        assertEquals(0, launch("", "--help"));
        String help = out.text();
        for (Sample sample : SampleCatalog.standard().all()) {
            assertTrue(help.contains("  " + sample.name() + " "), "help lacks " + sample.name());
            for (OptionSpec option : sample.options()) {
                assertTrue(help.contains(option.usage()), sample.name() + " lacks " + option.usage());
            }
        }
        for (String name : List.of("demo", "echo-server", "tcp-server", "tcp-client", "udp-server", "udp-client",
                "line-server", "threaded-line-server", "line-client", "twisted-server", "twisted-client",
                "chat-server", "mini-redis")) {
            assertTrue(SampleCatalog.standard().find(name) != null, name);
        }
    }

    @Test
    void sampleHelpShowsItsOptionsAndDefaults() {
        assertEquals(0, launch("", "tcp-server", "--help"));
        assertTrue(out.text().contains("--port P"));
        assertTrue(out.text().contains("(default 21567)"));
        assertTrue(out.text().contains("(default 127.0.0.1)"));
    }

    @Test
    void miniRedisListensOnRedisPortByDefault() {
        assertEquals(0, launch("", "mini-redis", "--help"));
        assertTrue(out.text().contains("--port P"));
        assertTrue(out.text().contains("(default 6379)"), out.text());
        assertTrue(out.text().contains("(default 127.0.0.1)"));
    }

    @Test
    void badOptionsGiveOneLineAndExitCodeTwo() {
        assertEquals(2, launch("", "tcp-server", "--prot", "1"));
        assertEquals(2, launch("", "tcp-client", "--port", "99999"));
        assertEquals(2, launch("", "no-such-sample"));
        assertEquals(2, launch(""));
        assertEquals(2, launch("", "tcp-client", "--port", "0"));
        assertEquals(2, launch("", "demo", "--pause", "-1"));
        List<String> lines = err.lines();
        assertEquals(6, lines.size(), err.text());
        assertEquals("twine-samples tcp-server: unknown option --prot (tcp-server --help lists its options)", lines.get(0));
        assertEquals("twine-samples: no sample named 'no-such-sample'; --help lists them", lines.get(2));
        assertEquals("", out.text());
    }

    @Test
    void serverSaysWhereItListensAndAClientTalksToItThroughTheLauncher() {
        try (RunningServer server = new RunningServer("tcp-server", "--port", "0")) {
            server.log.awaitLine("waiting for connection\\.\\.\\.", WAIT);
            assertEquals(List.of("listening on 127.0.0.1:" + server.port, "waiting for connection..."),
                    server.log.lines().subList(0, 2));
            assertEquals(0, launch("Hello\nWorld\n\n", "tcp-client", "--port", String.valueOf(server.port)));
            List<String> lines = out.lines();
            assertEquals("> Hello", lines.get(0));
            SeedReplies.assertReply("Hello", lines.get(1));
            assertEquals("> World", lines.get(2));
            SeedReplies.assertReply("World", lines.get(3));
            assertEquals("> ", lines.get(4));
            assertEquals("", err.text());
            server.log.awaitLine("\\.\\.\\.connected from: \\('127\\.0\\.0\\.1', \\d+\\)", WAIT);
        }
    }

    @Test
    void twistedClientEndsAtTheEndOfInput() {
        try (RunningServer server = new RunningServer("twisted-server", "--port", "0")) {
            assertEquals(0, launch("a\n", "twisted-client", "--port", String.valueOf(server.port)));
            assertEquals(List.of("> a", "...sending a..."), out.lines().subList(0, 2));
            assertEquals("> ", out.lines().get(out.lines().size() - 1));
        }
    }

    @Test
    void udpClientTalksToTheUdpServerThroughTheLauncher() {
        try (RunningServer server = new RunningServer("udp-server", "--port", "0")) {
            assertEquals(0, launch("Hello\n\n", "udp-client", "--port", String.valueOf(server.port), "--timeout", "20000"));
            List<String> lines = out.lines();
            assertEquals(List.of("> Hello", lines.get(1), "> "), lines);
            SeedReplies.assertReply("Hello", lines.get(1));
            assertEquals("", err.text());
            server.log.awaitLine("\\.\\.\\.received from and returned to: \\('127\\.0\\.0\\.1', \\d+\\)", WAIT);
        }
    }

    @Test
    void udpClientWithoutAServerExitsOneWithAOneLineReason() throws Exception {
        int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertEquals(1, launch("Hello\n", "udp-client", "--port", String.valueOf(port)));
        assertEquals(List.of("udp-client: no UDP server at 127.0.0.1:" + port + " (port unreachable)"), err.lines());
        assertEquals(2, launch("", "udp-client", "--timeout", "0"));
        assertTrue(err.text().contains("--timeout must be between 1 and 600000, got 0"), err.text());
    }

    @Test
    void lineClientTalksToEitherLineServerThroughTheLauncher() {
        for (String serverName : List.of("line-server", "threaded-line-server")) {
            try (RunningServer server = new RunningServer(serverName, "--port", "0")) {
                server.log.awaitLine("waiting for connection\\.\\.\\.", WAIT);
                CapturedOutput clientOut = new CapturedOutput();
                Console console = Console.of(new ByteArrayInputStream("a\nc\n".getBytes(StandardCharsets.UTF_8)),
                        clientOut.printStream(), err.printStream());
                assertEquals(0, Launcher.run(SampleCatalog.standard(),
                        new String[] {"line-client", "--port", String.valueOf(server.port)}, console));
                List<String> lines = clientOut.lines();
                assertEquals(List.of("> a", lines.get(1), "> c", lines.get(3), "> "), lines, serverName);
                SeedReplies.assertReply("a", lines.get(1));
                SeedReplies.assertReply("c", lines.get(3));
                server.log.awaitLines("\\.\\.\\.connected from: \\('127\\.0\\.0\\.1', \\d+\\)", 2, WAIT);
            }
        }
        assertEquals("", err.text());
    }

    @Test
    void refusedClientExitsOneWithAOneLineReason() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertEquals(1, launch("Hello\n", "tcp-client", "--port", String.valueOf(port)));
        assertEquals(List.of("tcp-client: cannot connect to 127.0.0.1:" + port + ": Connection refused"), err.lines());
    }

    @Test
    void serverThatCannotListenExitsOneWithAOneLineReason() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            assertEquals(1, launch("", "echo-server", "--port", String.valueOf(port)));
            assertEquals(1, err.lines().size(), err.text());
            assertTrue(err.lines().get(0).startsWith("echo-server: cannot listen on 127.0.0.1:" + port + ": "),
                    err.text());
        }
    }

    @Test
    void onlyAServerBeyondLoopbackGetsTheExposureNote() throws Exception {
        assertNull(ServerCommand.exposureNote(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 21567)));
        assertNull(ServerCommand.exposureNote(new InetSocketAddress(InetAddress.getByName("::1"), 21567)));
        assertEquals("note: listening on 0.0.0.0:21567, not loopback: other machines can connect (the default is 127.0.0.1)",
                ServerCommand.exposureNote(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 21567)));
    }

    @Test
    void chatServerRunsFromTheLauncherWithItsOption() {
        try (RunningServer server = new RunningServer("chat-server", "--port", "0", "--max-queued", "100000")) {
            assertTrue(server.port > 0);
        }
        assertEquals(2, launch("", "chat-server", "--max-queued", "10"));
        assertTrue(err.text().contains("--max-queued must be between"), err.text());
    }
}
