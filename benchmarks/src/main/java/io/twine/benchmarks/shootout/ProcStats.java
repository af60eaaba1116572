package io.twine.benchmarks.shootout;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** What Linux's /proc says about another process: resident memory, open descriptors and CPU time. */
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

    /**
     * CPU time used so far by every thread of the process, user and system, in nanoseconds; -1
     * where /proc does not say. The kernel counts it in ticks of 1/100 s (USER_HZ).
     */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Paths.get("/proc", String.valueOf(pid), "stat"));
            // The command name, in parentheses, may hold spaces: count fields after its end.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);  // utime, stime
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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
