package io.twine.samples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.samples.support.CapturedOutput;
import io.twine.samples.support.Console;
import io.twine.samples.support.StartedServer;
import io.twine.samples.tcp.TcpClient;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DemoTest {

    private final CapturedOutput out = new CapturedOutput();
    private final Console console = Console.of(InputStream.nullInputStream(), out.printStream(),
            new CapturedOutput().printStream());

    private void assertHasLine(String regex) {
        Pattern pattern = Pattern.compile(regex);
        assertTrue(out.lines().stream().anyMatch(line -> pattern.matcher(line).matches()),
                "no line /" + regex + "/ in:\n" + out.text());
    }

    @Test
    void everyConversationRunsAndBothSidesArePrinted() {
        assertEquals(0, Demo.run(Demo.conversations(), Duration.ZERO, console));
        String ctime = "\\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}\\]";
        assertHasLine("\\[1/3\\] echo-server \\+ tcp-client: .*");
        assertHasLine("  server \\| listening on 127\\.0\\.0\\.1:\\d+");
        assertHasLine("  client \\| > Hello");
        assertHasLine("  client \\| twine");
        assertHasLine("\\[2/3\\] tcp-server \\+ tcp-client: the seed's tsTserv\\.py and tsTclnt\\.py");
        assertHasLine("  server \\| \\.\\.\\.connected from: \\('127\\.0\\.0\\.1', \\d+\\)");
        assertHasLine("  client \\| " + ctime + " World");
        assertHasLine("\\[3/3\\] twisted-server \\+ twisted-client: .*");
        assertHasLine("  server \\| \\.\\.\\.connected from: 127\\.0\\.0\\.1");
        assertHasLine("  client \\| \\.\\.\\.sending b\\.\\.\\.");
        assertHasLine("  client \\| " + ctime + " b");
        assertHasLine("All 3 conversations ended cleanly\\..*");
    }

    @Test
    void aConversationThatFailsMakesTheDemoFail() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocketChannel channel = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            nobody = (InetSocketAddress) channel.getLocalAddress();
        }
        InetSocketAddress closed = nobody;
        Conversation refused = new Conversation("no-server", "tcp-client", "a server that is not there",
                (reactor, address, log, args) -> new StartedServer() {
                    @Override
                    public InetSocketAddress address() {
                        return closed;
                    }

                    @Override
                    public void stop() {
                    }
                }, TcpClient::start, List.of("Hello"));
        assertEquals(1, Demo.run(List.of(refused), Duration.ZERO, console));
        assertHasLine("  client \\| \\(cannot connect to 127\\.0\\.0\\.1:\\d+: Connection refused\\)");
        assertHasLine("1 of 1 conversations failed\\.");
    }
}
