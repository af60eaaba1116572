package io.twine.benchmarks.shootout;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** What Linux's /proc says about another process: resident memory and open descriptors. */
final class ProcStats {

    private ProcStats() {}

    /** Resident set size in bytes (VmRSS), or -1 where /proc does not say. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Open file descriptors, or -1 where /proc does not say. */
    static int openDescriptors(long pid) {
        int count = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc", String.valueOf(pid), "fd"))) {
            for (Path ignored : fds) {
                count++;
            }
        } catch (IOException e) {
            return -1;
        }
        return count;
    }
}
