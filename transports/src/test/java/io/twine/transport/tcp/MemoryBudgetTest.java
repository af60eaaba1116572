package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reactor's outbound memory budget in a real process: a server started with {@code -Xmx64m}
 * (so 64 MiB of direct memory) that ignores flow control is flooded by 50 clients that ask for
 * 64 MiB of replies each and never read. It stays up and answers a well-behaved client all along;
 * the flooding connections are closed, each logged once with its peer and the figures.
 */
@Timeout(180)
class MemoryBudgetTest {

    private static final int FLOODERS = 50;
    /** Requests per flooder: one byte each, 16 KiB of reply each, 64 MiB in all. */
    private static final int REQUESTS = 4096;
    private static final int ROUNDS = 20;

    @Test
    void floodedServerStaysUpAnswersAWellBehavedClientAndLogsEachCutOnce() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                FloodServer.class.getName()).start();
        CompletableFuture<List<String>> log = CompletableFuture.supplyAsync(() -> lines(server.getErrorStream()));
        List<Socket> flooders = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("listening "), "server said: " + first);
            int port = Integer.parseInt(first.split(" ")[1]);
            long budget = Long.parseLong(first.split(" ")[3]);
            assertTrue(budget <= 32L << 20, "the default budget " + budget + " is not below the direct memory of 64 MiB");

            try (Socket good = new Socket("127.0.0.1", port)) {
                good.setSoTimeout(60_000);
                askAndCheck(good, (byte) 'a');
                byte[] flood = new byte[REQUESTS];
                Arrays.fill(flood, (byte) 'f');
                for (int i = 0; i < FLOODERS; i++) {
                    Socket flooder = new Socket("127.0.0.1", port);
                    flooders.add(flooder);
                    flooder.getOutputStream().write(flood);
                    if (i % 5 == 0) {
                        askAndCheck(good, (byte) ('a' + i % 26));
                    }
                }
                for (int round = 0; round < ROUNDS; round++) {
                    askAndCheck(good, (byte) ('A' + round));
                }
            }
            assertTrue(server.isAlive(), "the server died");
            // Every flooder that was cut sees the end of its stream once it reads.
            int cut = 0;
            for (Socket flooder : flooders) {
                flooder.setSoTimeout(60_000);
                if (drainsToEnd(flooder)) {
                    cut++;
                }
            }
            // Each flooder alone asks for more than the budget, so each is cut.
            assertEquals(FLOODERS, cut, "flooding connections closed by the server");
            try (Socket fresh = new Socket("127.0.0.1", port)) {
                fresh.setSoTimeout(60_000);
                askAndCheck(fresh, (byte) 'z');
            }
            assertTrue(server.isAlive(), "the server died");

            server.toHandle().destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not stop");
            Map<String, Integer> cutsByPeer = new HashMap<>();
            for (String line : log.get(30, TimeUnit.SECONDS)) {
                if (line.contains("closed the connection with")) {
                    assertTrue(line.contains("budget of " + budget + " bytes") || line.contains("no direct memory"),
                            "a cut names its figures: " + line);
                    String rest = line.substring(line.indexOf("closed the connection with ") + "closed the connection with ".length());
                    String peer = rest.substring(0, rest.indexOf(": "));
                    cutsByPeer.merge(peer, 1, Integer::sum);
                }
                assertTrue(!line.contains("OutOfMemoryError"), "the server hit: " + line);
            }
            assertEquals(cut, cutsByPeer.size(), "one log line per cut connection: " + cutsByPeer);
            cutsByPeer.forEach((peer, count) -> assertEquals(1, count, peer + " logged more than once"));
        } finally {
            for (Socket flooder : flooders) {
                flooder.close();
            }
            server.destroyForcibly();
        }
    }

    /** Sends one request byte and checks the 16 KiB reply, all of that byte. */
    private static void askAndCheck(Socket socket, byte request) throws IOException {
        socket.getOutputStream().write(request);
        byte[] reply = socket.getInputStream().readNBytes(FloodServer.REPLY);
        assertEquals(FloodServer.REPLY, reply.length, "the reply was cut short");
        for (byte b : reply) {
            if (b != request) {
                throw new AssertionError("reply to '" + (char) request + "' holds '" + (char) b + "'");
            }
        }
    }

    /** Reads what the server sent until the end of the stream; true if the server closed it. */
    private static boolean drainsToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
                if (total >= (long) REQUESTS * FloodServer.REPLY) {
                    return false;  // every reply arrived: this one was never cut
                }
            }
            return true;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static List<String> lines(InputStream in) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("reading the log failed: " + e);
        }
        return lines;
    }
}
