package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listen backlog: the system's largest by default, settable, read with a fallback. */
class TcpOptionsBacklogTest {

    private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

    @Test
    void theDefaultBacklogIsTheSystemsLargest() throws Exception {
        int expected = Files.isReadable(SOMAXCONN)
                ? Integer.parseInt(Files.readAllLines(SOMAXCONN).get(0).trim())
                : ListenBacklog.FALLBACK;
        assertEquals(expected, TcpOptions.defaults().backlog());
    }

    @Test
    void aProcFileWhoseSizeIsZeroIsReadWhole() throws Exception {
        // /proc reports every file's size as 0; a reader that trusts the size gets one byte.
        Path procFile = Path.of("/proc/self/stat");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(SOMAXCONN) && Files.size(procFile) == 0,
                "needs Linux's /proc");
        assertEquals(Integer.parseInt(Files.readAllLines(SOMAXCONN).get(0).trim()), ListenBacklog.read(SOMAXCONN));
    }

    @Test
    void zeroMeansTheSystemsLargestAndAnyPositiveValueIsKept() {
        assertEquals(TcpOptions.defaults().backlog(), TcpOptions.defaults().withBacklog(7).withBacklog(0).backlog());
        assertEquals(7, TcpOptions.defaults().withBacklog(7).backlog());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> TcpOptions.defaults().withBacklog(-1));
        assertEquals("backlog must be zero (the system's largest) or positive, got -1", error.getMessage());
    }

    @Test
    void theSystemValueIsReadFromTheFileWithAFallbackForAnythingElse(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("somaxconn");
        Files.writeString(file, "511\n");
        assertEquals(511, ListenBacklog.read(file));
        Files.writeString(file, "not a number");
        assertEquals(ListenBacklog.FALLBACK, ListenBacklog.read(file));
        Files.writeString(file, "0");
        assertEquals(ListenBacklog.FALLBACK, ListenBacklog.read(file));
        assertEquals(ListenBacklog.FALLBACK, ListenBacklog.read(dir.resolve("missing")));
    }
}
