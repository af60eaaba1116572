package io.twine.samples.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.PythonPeer;
import io.twine.samples.support.ScriptedLineSource;
import io.twine.samples.support.SeedReplies;
import io.twine.testing.ReactorThread;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tcp-server} / {@code tcp-client} against the seed's tsTclnt.py / tsTserv.py. */
@Timeout(60)
class TcpInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeEach
    void needsPython() {
        PythonPeer.requirePython();
    }

    @Test
    void pythonClientGetsTheSeedsRepliesFromTheJavaServer() throws Exception {
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> TcpServer.start(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log.printStream(), null).internetAddress());
            try (PythonPeer client = PythonPeer.start(PythonPeer.PYTHON, "tsTclnt.py", "127.0.0.1",
                    String.valueOf(server.getPort()))) {
                client.input("Hello\nWorld\n\n");
                assertEquals(0, client.awaitExit(WAIT), client.err().text());
                // input('> ') prints its prompt without a newline, so each reply follows one.
                String[] parts = client.out().text().split("> ", -1);
                assertEquals(4, parts.length, client.out().text());
                assertEquals("", parts[0]);
                SeedReplies.assertReply("Hello", parts[1].substring(0, parts[1].length() - 1));
                SeedReplies.assertReply("World", parts[2].substring(0, parts[2].length() - 1));
                assertEquals("", parts[3]);
            }
            log.awaitLine("\\.\\.\\.connected from: \\('127\\.0\\.0\\.1', \\d+\\)", WAIT);
            log.awaitLine("waiting for connection\\.\\.\\.", WAIT);
        }
    }

    @Test
    void javaClientGetsTheSeedsRepliesFromThePythonServer() throws Exception {
        try (PythonPeer server = PythonPeer.start(PythonPeer.PYTHON, "tsTserv.py", "127.0.0.1", "0");
                ReactorThread rt = ReactorThread.start()) {
            Matcher listening = server.out().awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(listening.group(1)));
            CapturedOutput out = new CapturedOutput();
            CompletableFuture<CompletableFuture<ExitStatus>> started = new CompletableFuture<>();
            rt.run(() -> started.complete(TcpClient.start(rt.reactor(), address,
                    new ScriptedLineSource(rt.reactor(), List.of("Hello", "World", ""), Duration.ZERO),
                    out.printStream(), null)));
            ExitStatus status = ReactorThread.await(ReactorThread.await(started));
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            List<String> lines = out.lines();
            assertEquals(List.of("> Hello", lines.get(1), "> World", lines.get(3), "> "), lines);
            SeedReplies.assertReply("Hello", lines.get(1));
            SeedReplies.assertReply("World", lines.get(3));
            server.out().awaitLine("\\.\\.\\.connected from: \\('127\\.0\\.0\\.1', \\d+\\)", WAIT);
        }
    }
}
