package io.twine.transport.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A server in a child JVM that gets SIGTERM removes its socket file on the way out. */
@Timeout(120)
class UnixSigtermTest {

    @TempDir
    Path dir;

    @Test
    void sigtermRemovesTheSocketFile() throws Exception {
        Path path = dir.resolve("sigterm.sock");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                UnixSigtermServer.class.getName(), path.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("listening", out.readLine());
            assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
            assertTrue(server.toHandle().destroy(), "could not signal the server");  // SIGTERM
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server did not exit");
            int status = server.exitValue();
            assertTrue(status == 143 || status == 0, "exit status " + status);
            assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the socket file is still there");
        } finally {
            server.destroyForcibly();
        }
    }
}
