package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link io.twine.reactor.Reactor#installShutdownHook()} in a real process: a server in a child
 * JVM has 32 MiB queued for a client that is not reading when it gets SIGTERM. The client starts
 * reading only after the server's "before" trigger has run, and must get every byte, in order;
 * the "after" trigger runs; the process exits within the grace period, with 143 (the JVM's
 * status for a SIGTERM it handled) or 0.
 */
@Timeout(120)
class SigtermTest {

    @Test
    void sigtermDeliversEveryQueuedByteRunsTheTriggersAndExits() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                SigtermServer.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("listening "), "server said: " + first);
            int port = Integer.parseInt(first.substring("listening ".length()));
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(30_000);
                assertEquals("queued", out.readLine());

                // SIGTERM; Process.destroy() would also close our end of its output.
                assertTrue(server.toHandle().destroy(), "could not signal the server");
                String before = out.readLine();
                assertTrue(before != null && before.startsWith("before queued="), "server said: " + before);
                long queuedAtSignal = Long.parseLong(before.substring("before queued=".length()));
                assertTrue(queuedAtSignal > 0, "nothing was queued when the signal came: " + before);

                long received = readAndCheckPayload(client.getInputStream());
                assertEquals(SigtermServer.PAYLOAD, received, "bytes received after SIGTERM");
            }
            List<String> rest = new ArrayList<>();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                rest.add(line);
            }
            assertEquals(List.of("after"), rest, "what the server printed after the signal");
            assertTrue(server.waitFor(SigtermServer.GRACE.toSeconds(), TimeUnit.SECONDS),
                    "the server did not exit within its grace period");
            int status = server.exitValue();
            assertTrue(status == 143 || status == 0, "exit status " + status);
        } finally {
            server.destroyForcibly();
        }
    }

    /** Reads to the end of the stream, checking each byte against the pattern; returns the count. */
    private static long readAndCheckPayload(InputStream in) throws Exception {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] != SigtermServer.payloadByte(total + i)) {
                    throw new AssertionError("byte " + (total + i) + " differs from what was sent");
                }
            }
            total += n;
        }
        return total;
    }
}
