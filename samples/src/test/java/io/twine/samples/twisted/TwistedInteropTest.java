package io.twine.samples.twisted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.PythonPeer;
import io.twine.samples.support.SeedReplies;
import io.twine.testing.ReactorThread;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code twisted-server} / {@code twisted-client} against the seed's programs on real Twisted. */
@Timeout(90)
class TwistedInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void needsTwisted() {
        PythonPeer.requireTwisted();
    }

    @Test
    void twistedClientGetsTheSeedsRepliesFromTheJavaServer() throws Exception {
        CapturedOutput log = new CapturedOutput();
        try (ReactorThread rt = ReactorThread.start()) {
            InetSocketAddress server = rt.call(() -> TwistedServer.start(rt.reactor(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), log.printStream(), null).internetAddress());
            try (PythonPeer client = PythonPeer.start(PythonPeer.SYSTEM_PYTHON, "tsTclntTW.py", "127.0.0.1",
                    String.valueOf(server.getPort()))) {
                client.input("a\nb\n\n");
                assertEquals(0, client.awaitExit(WAIT), client.err().text());
                // Each input('> ') prompt is followed, on its line, by what comes next.
                List<String> lines = client.out().lines();
                assertEquals(List.of("> ...sending a...", lines.get(1), "> ...sending b...", lines.get(3)), lines,
                        client.out().text());
                SeedReplies.assertReply("a", lines.get(1));
                SeedReplies.assertReply("b", lines.get(3));
                assertEquals("> ", client.out().text().substring(client.out().text().lastIndexOf('\n') + 1));
            }
            log.awaitLine("\\.\\.\\.connected from: 127\\.0\\.0\\.1", WAIT);
        }
    }

    @Test
    void javaClientGetsTheSeedsRepliesFromTheTwistedServer() throws Exception {
        try (PythonPeer server = PythonPeer.start(PythonPeer.SYSTEM_PYTHON, "tsTservTW.py", "127.0.0.1", "0");
                ReactorThread rt = ReactorThread.start()) {
            Matcher listening = server.out().awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    Integer.parseInt(listening.group(1)));
            CapturedOutput out = new CapturedOutput();
            ExitStatus status = TwistedSamplesTest.converse(rt, address, List.of("a", "b", ""), out);
            assertEquals(ExitStatus.OK, status.code(), String.valueOf(status));
            List<String> lines = out.lines();
            assertEquals(List.of("> a", "...sending a...", lines.get(2), "> b", "...sending b...", lines.get(5), "> "), lines);
            SeedReplies.assertReply("a", lines.get(2));
            SeedReplies.assertReply("b", lines.get(5));
            server.out().awaitLine("\\.\\.\\.connected from: 127\\.0\\.0\\.1", WAIT);
        }
    }
}
