package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.Reactor;
import io.twine.reactor.observe.TracePage;
import io.twine.testing.ManualClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "stepping the loop" example, compiled and run: two real connections to an echo
 * server whose idle timeout runs on a manual clock, the loop driven one turn at a time by the
 * test's thread. The lines between the {@code README example} markers are the README's example,
 * character for character ({@link #theReadmeShowsTheExampleAsItIsHere} checks it), so the
 * example cannot rot: change it here, then copy it there.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)  // a socket read ignores interrupts
class SteppingTheLoopTest {

    private static final Path SOURCE = Path.of("src/test/java/io/twine/transport/tcp/SteppingTheLoopTest.java");
    private static final Path README = Path.of("../README.md");
    private static final String BEGIN = "// README example begins\n";
    private static final String END = "// README example ends\n";

    /** Echoes, and hangs up on a peer that says nothing for ten seconds. */
    static final class IdleEcho extends Protocol {
        private final Reactor reactor;
        private DelayedCall idle;

        IdleEcho(Reactor reactor) {
            this.reactor = reactor;
        }

        @Override
        public void connectionMade() {
            idle = reactor.callLater(Duration.ofSeconds(10), transport::loseConnection);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            idle.reset(Duration.ofSeconds(10));
            transport.write(data);
        }
    }

    @Test
    void twoConnectionsStepByStepWithTimeMovedByHand(@TempDir Path dir) throws Exception {
        Path tracePage = dir.resolve("stepping.html");
        // README example begins
        ManualClock clock = new ManualClock();
        Reactor reactor = new Reactor(clock);
        reactor.startTracing(64);                          // each turn becomes a row of the trace page
        ListeningPort port = Tcp.listen(reactor, new InetSocketAddress("127.0.0.1", 0),
                Factory.forProtocol(() -> new IdleEcho(reactor)));  // echoes; callLater(10 s) hangs up
        try (Socket a = new Socket("127.0.0.1", port.getPort());
                Socket b = new Socket("127.0.0.1", port.getPort())) {
            a.getOutputStream().write('a');
            b.getOutputStream().write('b');
            while (reactor.metrics().bytesOut() < 2) {     // accept both, read both, flush both replies
                reactor.iterate(Duration.ofSeconds(1));    // one turn: waits for I/O a second at most
            }
            assertEquals('a', a.getInputStream().read());
            assertEquals('b', b.getInputStream().read());

            clock.advance(Duration.ofSeconds(5));
            b.getOutputStream().write('!');                // b speaks: its idle timer restarts
            while (reactor.metrics().bytesOut() < 3) {
                reactor.iterate(Duration.ofSeconds(1));
            }
            assertEquals('!', b.getInputStream().read());

            clock.advance(Duration.ofSeconds(5));          // a has been silent for ten seconds
            while (reactor.metrics().connectionsOpen() > 1) {
                reactor.iterate(Duration.ofSeconds(1));    // a's timer fires: a is closed, b stays
            }
            assertEquals(-1, a.getInputStream().read());
            assertTrue(reactor.trace().iterations().size() >= 4);  // a row per turn stepped
            TracePage.write(reactor.trace(), "two connections, stepped", tracePage);  // open it in a browser
        } finally {
            reactor.stop();
            reactor.run();                                 // shuts down at once and returns
        }
        // README example ends
        assertTrue(Files.readString(tracePage).contains("two connections, stepped"));
    }

    @Test
    void theReadmeShowsTheExampleAsItIsHere() throws IOException {
        String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
        int begin = source.indexOf(BEGIN);
        int end = source.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "the markers are in " + SOURCE);
        String region = source.substring(source.lastIndexOf('\n', begin) + 1, source.lastIndexOf('\n', end) + 1);
        String example = region.substring(region.indexOf('\n') + 1).lines()
                .map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .reduce("", (text, line) -> text + line + "\n");
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        assertTrue(readme.contains("```java\n" + example + "```\n"),
                "README.md's 'Stepping the loop' example is not the code of " + SOURCE.getFileName()
                        + " between the markers; put this in the README:\n" + example);
    }
}
