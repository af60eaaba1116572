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

    /** The lines of conversation {@code number}: from its heading to the blank line after it. */
    private List<String> section(int number) {
        List<String> lines = out.lines();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("[" + number + "/")) {
                start = i;
            }
        }
        assertTrue(start >= 0, "no conversation " + number + " in:\n" + out.text());
        int end = start;
        while (end < lines.size() && !lines.get(end).isEmpty()) {
            end++;
        }
        return lines.subList(start, end);
    }

    private static void assertLines(List<String> section, String... regexes) {
        int at = 0;
        for (String regex : regexes) {
            Pattern pattern = Pattern.compile(regex);
            while (at < section.size() && !pattern.matcher(section.get(at)).matches()) {
                at++;
            }
            assertTrue(at < section.size(), "no line /" + regex + "/ in order in:\n" + String.join("\n", section));
            at++;
        }
    }

    @Test
    void eachLinePairConnectsOncePerLineAndEachUdpDatagramIsLogged() {
        assertEquals(0, Demo.run(Demo.conversations(), Duration.ZERO, console));
        String ctime = "\\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}\\]";
        String connected = "  server \\| \\.\\.\\.connected from: \\('127\\.0\\.0\\.1', \\d+\\)";
        assertLines(section(3), "\\[3/7\\] udp-server \\+ udp-client: .*",
                "  server \\| waiting for message\\.\\.\\.",
                "  client \\| > Hello",
                "  server \\| \\.\\.\\.received from and returned to: \\('127\\.0\\.0\\.1', \\d+\\)",
                "  client \\| " + ctime + " Hello",
                "  client \\| > World",
                "  server \\| \\.\\.\\.received from and returned to: \\('127\\.0\\.0\\.1', \\d+\\)",
                "  client \\| " + ctime + " World",
                "  client \\| > ");
        for (int number : new int[] {4, 5}) {
            List<String> section = section(number);
            assertLines(section, "\\[" + number + "/7\\] .*line-server \\+ line-client: .*",
                    "  server \\| waiting for connection\\.\\.\\.",
                    "  client \\| > a", connected, "  client \\| " + ctime + " a",
                    "  client \\| > c", connected, "  client \\| " + ctime + " c",
                    "  client \\| > ");
        }
    }

    @Test
    void everyConversationRunsAndBothSidesArePrinted() {
        assertEquals(0, Demo.run(Demo.conversations(), Duration.ZERO, console));
        String ctime = "\\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\\d \\d{2}:\\d{2}:\\d{2} \\d{4}\\]";
        assertHasLine("\\[1/7\\] echo-server \\+ tcp-client: .*");
        assertHasLine("  server \\| listening on 127\\.0\\.0\\.1:\\d+");
        assertHasLine("  client \\| > Hello");
        assertHasLine("  client \\| twine");
        assertHasLine("\\[2/7\\] tcp-server \\+ tcp-client: the seed's tsTserv\\.py and tsTclnt\\.py");
        assertHasLine("  server \\| \\.\\.\\.connected from: \\('127\\.0\\.0\\.1', \\d+\\)");
        assertHasLine("  client \\| " + ctime + " World");
        assertHasLine("\\[3/7\\] udp-server \\+ udp-client: the seed's tsUserv\\.py and tsUclnt\\.py, over UDP");
        assertHasLine("  server \\| waiting for message\\.\\.\\.");
        assertHasLine("  server \\| \\.\\.\\.received from and returned to: \\('127\\.0\\.0\\.1', \\d+\\)");
        assertHasLine("\\[4/7\\] line-server \\+ line-client: .*tsTservSS\\.py and tsTclntSS\\.py.*");
        assertHasLine("\\[5/7\\] threaded-line-server \\+ line-client: .*");
        assertHasLine("  client \\| " + ctime + " c");
        assertHasLine("\\[6/7\\] twisted-server \\+ twisted-client: .*");
        assertHasLine("  server \\| \\.\\.\\.connected from: 127\\.0\\.0\\.1");
        assertHasLine("  client \\| \\.\\.\\.sending b\\.\\.\\.");
        assertHasLine("  client \\| " + ctime + " b");
        assertHasLine("\\[7/7\\] twisted-server \\+ twisted-client: the same pair over a Unix domain socket.*");
        assertHasLine("  server \\| listening on /.*/twisted-server\\.sock");
        assertHasLine("  server \\| \\.\\.\\.connected from: unnamed");
        assertHasLine("  client \\| " + ctime + " local");
        assertHasLine("All 7 conversations ended cleanly\\..*");
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
