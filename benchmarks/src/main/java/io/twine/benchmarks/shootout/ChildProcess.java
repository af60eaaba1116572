package io.twine.benchmarks.shootout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process the shootout started: its stdout as a queue of lines, its stdin for commands, its
 * stderr in a log file. Every child is registered until stopped, and a shutdown hook stops any
 * left over, so an interrupted shootout leaves no server running.
 *
 * <p>Thread: one owner thread; a daemon thread per child reads its stdout.
 */
final class ChildProcess implements AutoCloseable {

    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final String END_OF_OUTPUT = "\u0000end";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::stopAll, "shootout-cleanup"));
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readStdout, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command}, with its stderr appended to {@code errorLog}. */
    static ChildProcess start(String name, List<String> command, Path errorLog) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(errorLog.toFile()))
                .start();
        ChildProcess child = new ChildProcess(name, process);
        LIVE.add(child);
        return child;
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process ended or was killed; the end marker tells the owner
        } finally {
            lines.add(END_OF_OUTPUT);
        }
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The next line of output, waiting at most {@code timeoutMillis}; null when none came in time
     * or the process has ended.
     */
    String nextLine(long timeoutMillis) throws InterruptedException {
        String line = lines.poll(Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
        if (END_OF_OUTPUT.equals(line)) {
            lines.add(END_OF_OUTPUT);  // keep the marker for the next caller
            return null;
        }
        return line;
    }

    /** Waits for a line starting with {@code prefix}, skipping others; null on timeout or exit. */
    String awaitLine(String prefix, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            String line = nextLine(left);
            if (line == null) {
                if (!process.isAlive()) {
                    return null;
                }
                continue;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Sends one command line on stdin; ignored if the process has gone. */
    void send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException gone) {
            // the process has ended; stop() deals with it
        }
    }

    /**
     * Stops the process by its PID: closes its stdin (our servers and load generator exit on
     * that), then SIGTERM, then SIGKILL, waiting up to two seconds between steps.
     */
    void stop() {
        try {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already gone
            }
            ProcessHandle handle = ProcessHandle.of(process.pid()).orElse(null);
            if (handle != null && !waitFor(2)) {
                handle.destroy();
                if (!waitFor(2)) {
                    handle.destroyForcibly();
                    waitFor(5);
                }
            }
        } finally {
            LIVE.remove(this);
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Stops every child still registered. */
    static void stopAll() {
        for (ChildProcess child : LIVE.toArray(new ChildProcess[0])) {
            child.stop();
        }
    }

    /** How many children are registered and not yet stopped. */
    static int liveCount() {
        return LIVE.size();
    }
}
