package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of file descriptors: a server in a child JVM with {@code ulimit -n} lowered (both
 * limits, since the JVM raises a soft limit to the hard one by itself) is sent more connections
 * than it can hold. Its port stays open, its loop does not spin on the accept that keeps
 * failing, each back-off is reported once, and it accepts again once descriptors free up.
 */
@Timeout(120)
class DescriptorExhaustionTest {

    private static final int LIMIT = 96;
    private static final int CONNECTIONS = 160;

    private Process server;
    private Path serverErrors;
    private BufferedReader out;
    private PrintWriter in;

    @Test
    void acceptBacksOffWithoutSpinningAndResumesWhenDescriptorsFreeUp(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -n " + LIMIT + " && exec '" + java + "' -Xmx64m -cp '"
                + System.getProperty("java.class.path") + "' " + EmfileServer.class.getName();
        serverErrors = dir.resolve("server-stderr.txt");
        server = new ProcessBuilder("bash", "-c", command)
                .redirectError(serverErrors.toFile()).start();
        List<Socket> clients = new ArrayList<>();
        try {
            out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintWriter(server.getOutputStream(), true, StandardCharsets.UTF_8);
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("listening "), "server said: " + first + serverState());
            int port = Integer.parseInt(first.substring("listening ".length()));

            // The kernel completes every handshake from its backlog; the server runs out of
            // descriptors while accepting them.
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(new Socket("127.0.0.1", port));
            }
            Map<String, Long> stats = stats("stats");
            for (int polls = 0; stats.get("failures") == 0 && polls < 10_000; polls++) {
                stats = stats("stats");
            }
            assertTrue(stats.get("failures") > 0, "the server never ran out of descriptors: " + stats + serverState());

            // One second of the server's own clock in the middle of the episode.
            Map<String, Long> after = stats("stats-after 1000");
            long iterations = after.get("iterations") - stats.get("iterations");
            long reports = after.get("reports") - stats.get("reports");
            long failures = after.get("failures") - stats.get("failures");
            assertTrue(iterations <= 100, "the loop turned " + iterations + " times in one second: it spins");
            assertTrue(failures <= 100, "accept failed " + failures + " times in one second: it does not back off");
            assertTrue(reports <= 100, reports + " reports in one second");
            assertEquals(after.get("failures"), after.get("reports"), "one report per back-off");
            assertEquals(1L, after.get("listening"), "the listening port stays open");
            assertTrue(server.isAlive(), "the server died while out of descriptors" + serverState());

            // Free descriptors: all but ten clients leave; the queued ten and a new one are served.
            for (Socket client : clients.subList(0, CONNECTIONS - 10)) {
                client.close();
            }
            try (Socket fresh = new Socket("127.0.0.1", port)) {
                fresh.setSoTimeout(30_000);
                fresh.getOutputStream().write("still serving".getBytes(StandardCharsets.US_ASCII));
                String echoed;
                try {
                    echoed = new String(fresh.getInputStream().readNBytes(13), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new AssertionError("no echo after descriptors freed up: " + e + serverState(), e);
                }
                assertEquals("still serving", echoed, "the echo after descriptors freed up" + serverState());
            }
            assertEquals(1L, stats("stats").get("listening"), "the listening port stays open");
            in.println("quit");
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not stop" + serverState());
            assertEquals(0, server.exitValue(), "the server's exit status" + serverState());
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            server.destroyForcibly();
        }
    }

    private Map<String, Long> stats(String request) throws Exception {
        in.println(request);
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("stats "), "server said: " + line + serverState());
        Map<String, Long> values = new HashMap<>();
        for (String pair : line.substring(6).split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], kv[1].equals("true") ? 1L : kv[1].equals("false") ? 0L : Long.parseLong(kv[1]));
        }
        return values;
    }

    /**
     * For failure messages: whether the child still runs, and what it wrote to standard error
     * (where it reports every error other than the expected accept failures).
     */
    private String serverState() {
        String state = server.isAlive() ? "; the server is alive" : "; the server has exited with status " + server.exitValue();
        try {
            String errors = Files.readString(serverErrors, StandardCharsets.UTF_8);
            return state + (errors.isEmpty() ? ", nothing on its standard error" : "; its standard error:\n" + errors);
        } catch (IOException e) {
            return state + "; its standard error is unreadable: " + e;
        }
    }
}
