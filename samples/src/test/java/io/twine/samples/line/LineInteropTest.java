package io.twine.samples.line;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.PythonPeer;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.SeedReplies;
import io.twine.samples.support.ServerStarter;
import io.twine.testing.ReactorThread;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code line-server} and {@code threaded-line-server} against the seed's tsTclntSS.py, and
 * {@code line-client} against its tsTservSS.py.
 */
@Timeout(60)
class LineInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CONNECTED = "\\.\\.\\.connected from: \\('127\\.0\\.0\\.1', \\d+\\)";

    @BeforeEach
    void needsPython() {
        PythonPeer.requirePython();
    }

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"line-server", "threaded-line-server"})
    void pythonClientGetsTheSeedsRepliesFromTheJavaServer(String serverName) throws Exception {
        ServerStarter starter = serverName.equals("line-server") ? LineServer::start : ThreadedLineServer::start;
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> starter.start(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log.printStream(), (SampleArgs) null)
                    .internetAddress());
            try (PythonPeer client = PythonPeer.start(PythonPeer.PYTHON, "tsTclntSS.py", "127.0.0.1",
                    String.valueOf(server.getPort()))) {
                client.input("a\nc\n\n");
                assertEquals(0, client.awaitExit(WAIT), client.err().text());
                // input('> ') prints its prompt without a newline, so each reply follows one.
                String[] parts = client.out().text().split("> ", -1);
                assertEquals(4, parts.length, client.out().text());
                assertEquals("", parts[0]);
                SeedReplies.assertReply("a", parts[1].substring(0, parts[1].length() - 1));
                SeedReplies.assertReply("c", parts[2].substring(0, parts[2].length() - 1));
                assertEquals("", parts[3]);
            }
            List<String> lines = log.lines();
            assertEquals(4, lines.size(), log.text());
            assertEquals(List.of("listening on 127.0.0.1:" + server.getPort(), "waiting for connection..."),
                    lines.subList(0, 2));
            // A connection per line, each from a port of its own.
            assertTrue(lines.get(2).matches(CONNECTED) && lines.get(3).matches(CONNECTED), log.text());
            assertNotEquals(lines.get(2), lines.get(3));
        }
    }

    @Test
    void javaClientGetsTheSeedsRepliesFromThePythonServer() throws Exception {
        try (PythonPeer server = PythonPeer.start(PythonPeer.PYTHON, "tsTservSS.py", "127.0.0.1", "0");
                ReactorThread rt = ReactorThread.start()) {
            Matcher listening = server.out().awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(listening.group(1)));
            CapturedOutput out = new CapturedOutput();
            ExitStatus status = LineClientTest.converse(rt, address, List.of("a", "c", ""), out);
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            List<String> lines = out.lines();
            assertEquals(List.of("> a", lines.get(1), "> c", lines.get(3), "> "), lines);
            SeedReplies.assertReply("a", lines.get(1));
            SeedReplies.assertReply("c", lines.get(3));
            // A connection per line.
            server.out().awaitLines(CONNECTED, 2, WAIT);
        }
    }
}
