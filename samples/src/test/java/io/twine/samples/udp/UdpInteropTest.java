package io.twine.samples.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** {@code udp-server} / {@code udp-client} against the seed's tsUclnt.py / tsUserv.py. */
@Timeout(60)
class UdpInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String RECEIVED_FROM = "\\.\\.\\.received from and returned to: \\('127\\.0\\.0\\.1', (\\d+)\\)";

    @BeforeEach
    void needsPython() {
        PythonPeer.requirePython();
    }

    @Test
    void pythonClientGetsTheSeedsRepliesFromTheJavaServer() throws Exception {
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> UdpServer.start(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log.printStream(), null).internetAddress());
            try (PythonPeer client = PythonPeer.start(PythonPeer.PYTHON, "tsUclnt.py", "127.0.0.1",
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
            rt.run(() -> { });
            List<String> lines = log.lines();
            assertEquals(List.of("listening on 127.0.0.1:" + server.getPort(), "waiting for message...",
                    lines.get(2), "waiting for message...", lines.get(4), "waiting for message..."), lines);
            // Both datagrams came from the one socket of the Python client.
            assertEquals(lines.get(2), lines.get(4));
            assertTrue(lines.get(2).matches(RECEIVED_FROM), lines.get(2));
        }
    }

    @Test
    void javaClientGetsTheSeedsRepliesFromThePythonServer() throws Exception {
        try (PythonPeer server = PythonPeer.start(PythonPeer.PYTHON, "tsUserv.py", "127.0.0.1", "0");
                ReactorThread rt = ReactorThread.start()) {
            Matcher listening = server.out().awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(listening.group(1)));
            CapturedOutput out = new CapturedOutput();
            CompletableFuture<ExitStatus> outcome = rt.call(() -> UdpClient.start(rt.reactor(), rt.reactor(), address,
                    new ScriptedLineSource(rt.reactor(), List.of("Hello", "World", ""), Duration.ZERO),
                    out.printStream(), WAIT));
            ExitStatus status = ReactorThread.await(outcome);
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            List<String> lines = out.lines();
            assertEquals(List.of("> Hello", lines.get(1), "> World", lines.get(3), "> "), lines);
            SeedReplies.assertReply("Hello", lines.get(1));
            SeedReplies.assertReply("World", lines.get(3));
            // Both datagrams, from the client's one port.
            List<Matcher> received = server.out().awaitLines(RECEIVED_FROM, 2, WAIT);
            assertEquals(received.get(0).group(1), received.get(1).group(1));
        }
    }
}
