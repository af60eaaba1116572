package io.twine.samples.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.samples.SampleCatalog;
import io.twine.samples.chat.ChatServer;
import io.twine.samples.echo.EchoServer;
import io.twine.samples.line.LineClient;
import io.twine.samples.line.LineServer;
import io.twine.samples.line.ThreadedLineServer;
import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.ClientStarter;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.PythonPeer;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.ScriptedLineSource;
import io.twine.samples.support.SeedReplies;
import io.twine.samples.support.ServerStarter;
import io.twine.samples.support.StartedServer;
import io.twine.samples.support.UsageException;
import io.twine.samples.tcp.TcpClient;
import io.twine.samples.tcp.TcpServer;
import io.twine.samples.twisted.TwistedClient;
import io.twine.samples.twisted.TwistedServer;
import io.twine.testing.ReactorThread;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stream samples over a Unix domain socket ({@code --unix PATH}): with each other, with
 * Python's {@code socket.AF_UNIX} (the seed's timestamp pair over a socket file) and with
 * {@code socat}, peers nobody here wrote.
 */
@Timeout(60)
class UnixSamplesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final Map<String, ServerStarter> STREAM_SERVERS = Map.of(
            "echo-server", EchoServer::start, "tcp-server", TcpServer::start, "line-server", LineServer::start,
            "threaded-line-server", ThreadedLineServer::start, "twisted-server", TwistedServer::start,
            "chat-server", ChatServer::start);

    @TempDir
    Path dir;

    @Test
    void everyStreamSampleTakesUnixAndTheUdpOnesDoNot() throws UsageException {
        SampleCatalog catalog = SampleCatalog.standard();
        for (String name : List.of("echo-server", "tcp-server", "line-server", "threaded-line-server",
                "twisted-server", "chat-server", "tcp-client", "line-client", "twisted-client")) {
            SampleArgs args = SampleArgs.parse(catalog.find(name).options(), List.of("--unix", "/run/x.sock"));
            assertEquals(UnixDomainSocketAddress.of("/run/x.sock"), args.streamAddress(), name);
        }
        for (String name : List.of("udp-server", "udp-client")) {
            assertTrue(catalog.find(name).options().stream().noneMatch(o -> o.name().equals("unix")), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo-server", "tcp-server", "line-server", "threaded-line-server", "twisted-server",
            "chat-server"})
    void everyStreamServerListensOnASocketFileAndRemovesItWhenStopped(String name) throws Exception {
        Path path = dir.resolve(name + ".sock");
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            StartedServer server = rt.call(() -> STREAM_SERVERS.get(name).start(rt.reactor(),
                    UnixDomainSocketAddress.of(path), log.printStream(),
                    SampleArgs.defaults(SampleCatalog.standard().find(name).options())));
            log.awaitLine("listening on " + java.util.regex.Pattern.quote(path.toString()), WAIT);
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                client.write(ByteBuffer.wrap("hi\n".getBytes(StandardCharsets.US_ASCII)));
                assertTrue(client.read(ByteBuffer.allocate(64)) > 0, name + " answered nothing");
            }
            rt.run(server::stop);
            assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void javaClientsTalkToJavaServersOverASocketFile() throws Exception {
        Path path = dir.resolve("pair.sock");
        try (ReactorThread rt = ReactorThread.start()) {
            CapturedOutput log = new CapturedOutput();
            rt.call(() -> TwistedServer.start(rt.reactor(), UnixDomainSocketAddress.of(path), log.printStream(), null));
            CapturedOutput out = new CapturedOutput();
            ExitStatus status = converse(rt, TwistedClient::start, path, List.of("a", ""), out);
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            SeedReplies.assertReply("a", out.lines().get(2));
            log.awaitLine("\\.\\.\\.connected from: unnamed", WAIT);

            Path linePath = dir.resolve("line.sock");
            rt.call(() -> LineServer.start(rt.reactor(), UnixDomainSocketAddress.of(linePath), new CapturedOutput().printStream(),
                    (SampleArgs) null));
            CapturedOutput lineOut = new CapturedOutput();
            ExitStatus lineStatus = converse(rt, LineClient::start, linePath, List.of("x", "y", ""), lineOut);
            assertEquals(ExitStatus.OK, lineStatus.code(), String.valueOf(lineStatus));
        }
    }

    @Test
    void pythonAfUnixClientGetsTheSeedsRepliesFromTheJavaServer() throws Exception {
        PythonPeer.requirePython();
        Path path = dir.resolve("ts.sock");
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            rt.call(() -> TcpServer.start(rt.reactor(), UnixDomainSocketAddress.of(path), log.printStream(), null));
            try (PythonPeer client = PythonPeer.start(PythonPeer.PYTHON, "tsUnixClnt.py", path.toString())) {
                client.input("Hello\nWorld\n\n");
                assertEquals(0, client.awaitExit(WAIT), client.err().text());
                String[] parts = client.out().text().split("> ", -1);
                assertEquals(4, parts.length, client.out().text());
                SeedReplies.assertReply("Hello", parts[1].substring(0, parts[1].length() - 1));
                SeedReplies.assertReply("World", parts[2].substring(0, parts[2].length() - 1));
            }
            // Python's accept() gives an unnamed peer as an empty string, and so does the port.
            log.awaitLine("\\.\\.\\.connected from: ", WAIT);
        }
    }

    @Test
    void javaClientGetsTheSeedsRepliesFromAPythonAfUnixServer() throws Exception {
        PythonPeer.requirePython();
        Path path = dir.resolve("py.sock");
        try (PythonPeer server = PythonPeer.start(PythonPeer.PYTHON, "tsUnixServ.py", path.toString());
                ReactorThread rt = ReactorThread.start()) {
            server.out().awaitLine("waiting for connection\\.\\.\\.", WAIT);
            CapturedOutput out = new CapturedOutput();
            ExitStatus status = converse(rt, TcpClient::start, path, List.of("Hello", ""), out);
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            SeedReplies.assertReply("Hello", out.lines().get(1));
            server.out().awaitLine("\\.\\.\\.connected from: ''", WAIT);
        }
    }

    @Test
    void socatConnectsToTheJavaEchoServer() throws Exception {
        requireSocat();
        Path path = dir.resolve("echo.sock");
        try (ReactorThread rt = ReactorThread.start()) {
            rt.call(() -> EchoServer.start(rt.reactor(), UnixDomainSocketAddress.of(path), new CapturedOutput().printStream(),
                    null));
            Process socat = new ProcessBuilder("socat", "-t", "5", "-", "UNIX-CONNECT:" + path)
                    .redirectErrorStream(true).start();
            try {
                socat.getOutputStream().write("ping over socat\n".getBytes(StandardCharsets.US_ASCII));
                socat.getOutputStream().close();
                String echoed = readLine(socat.getInputStream());
                assertEquals("ping over socat", echoed);
            } finally {
                socat.destroyForcibly();
                socat.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void javaClientTalksToASocatUnixListener() throws Exception {
        requireSocat();
        Path path = dir.resolve("socat.sock");
        // socat says "listening on" (with -d -d) once the socket is bound; it echoes with cat.
        Process socat = new ProcessBuilder("socat", "-d", "-d", "UNIX-LISTEN:" + path, "EXEC:cat")
                .redirectErrorStream(true).start();
        CapturedOutput socatLog = new CapturedOutput();
        Thread pump = new Thread(() -> {
            try (InputStream in = socat.getInputStream()) {
                in.transferTo(socatLog);
            } catch (IOException e) {
                // socat is gone; what it said is captured
            }
        });
        pump.setDaemon(true);
        pump.start();
        try (ReactorThread rt = ReactorThread.start()) {
            socatLog.awaitLine(".*listening on.*", WAIT);
            CapturedOutput out = new CapturedOutput();
            ExitStatus status = converse(rt, TcpClient::start, path, List.of("echo me", ""), out);
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            assertEquals(List.of("> echo me", "echo me", "> "), out.lines());
        } finally {
            socat.destroyForcibly();
            socat.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static ExitStatus converse(ReactorThread rt, ClientStarter client, Path path, List<String> lines,
            CapturedOutput out) {
        CompletableFuture<CompletableFuture<ExitStatus>> started = new CompletableFuture<>();
        rt.run(() -> started.complete(client.start(rt.reactor(), UnixDomainSocketAddress.of(path),
                new ScriptedLineSource(rt.reactor(), lines, Duration.ZERO), out.printStream(), null)));
        return ReactorThread.await(ReactorThread.await(started));
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    private static void requireSocat() {
        PythonPeer.requireCommand("socat", "-V");
    }
}
