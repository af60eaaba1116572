package io.twine.reactor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The largest listen backlog the system grants, the default of {@link TcpOptions#backlog()}.
 *
 * <p>Java's own default is 50 (a backlog below 1 also becomes 50), which a burst of connects
 * overflows: the kernel then drops SYNs and the clients wait a second or more to retry. Linux
 * caps any backlog at {@code net.core.somaxconn}, so that is the value to ask for; it is read
 * from {@code /proc/sys/net/core/somaxconn}. Where that file does not exist (macOS, Windows) or
 * cannot be read, 4096 is used (Linux's default since 5.4); those kernels cap it to their own
 * limit too.
 */
final class ListenBacklog {

    static final int FALLBACK = 4096;
    private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

    private ListenBacklog() {}

    /** Read once, when {@link TcpOptions} is first used. */
    static int systemMaximum() {
        return read(SOMAXCONN);
    }

    /** The positive integer in {@code file}, or {@link #FALLBACK}. */
    static int read(Path file) {
        // Not Files.readString: /proc files report a size of 0, and on Java 17 readString then
        // returned only the first byte ("4" for 4096), a backlog of 4 that dropped connects.
        try (InputStream in = Files.newInputStream(file)) {
            int value = Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
            return value > 0 ? value : FALLBACK;
        } catch (IOException | NumberFormatException | SecurityException e) {
            return FALLBACK;
        }
    }
}
