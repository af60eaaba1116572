package io.twine.samples.redis;

import io.twine.samples.support.PythonPeer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: the Redis programs nobody here wrote (Debian's {@code redis-server},
 * {@code redis-tools}, {@code python3-redis}). Each {@code require...} skips the calling test
 * with the reason when the program is missing, and fails it where {@code CI=true} (the rule of
 * {@link PythonPeer}); {@code .ci/run} installs them.
 */
final class RedisPeers {

    private static final String INSTALL = " (apt-get update && apt-get install -y redis-server redis-tools python3-redis)";

    private static Boolean toolsAvailable;
    private static Boolean redisPyAvailable;

    private RedisPeers() {}

    static void requireRedisServer() {
        PythonPeer.requireCommand("redis-server", "--version");
    }

    static synchronized void requireRedisTools() {
        if (toolsAvailable == null) {
            toolsAvailable = PythonPeer.runs("redis-cli", "--version") && PythonPeer.runs("redis-benchmark", "--version");
        }
        PythonPeer.requirePeer(toolsAvailable, "redis-cli and redis-benchmark are not installed (Debian package redis-tools)"
                + INSTALL);
    }

    static synchronized void requireRedisPy() {
        if (redisPyAvailable == null) {
            redisPyAvailable = PythonPeer.runs(PythonPeer.SYSTEM_PYTHON, "-c", "import redis");
        }
        PythonPeer.requirePeer(redisPyAvailable, "redis-py is not installed for " + PythonPeer.SYSTEM_PYTHON
                + " (Debian package python3-redis)" + INSTALL);
    }

    /** A {@code redis-server} on a free port of 127.0.0.1, persistence off; {@link #close()} kills it. */
    static final class RedisServer implements AutoCloseable {
        private final Process process;
        private final Path directory;
        final int port;

        private RedisServer(Process process, Path directory, int port) {
            this.process = process;
            this.directory = directory;
            this.port = port;
        }

        /** Starts one and waits until it accepts connections (a few tries if its port was taken meanwhile). */
        static RedisServer start() throws IOException, InterruptedException {
            IOException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port;
                try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    port = probe.getLocalPort();
                }
                Path directory = Files.createTempDirectory("redis-server");
                Process process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port),
                        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
                        "--dir", directory.toString(), "--loglevel", "notice"))
                        .redirectErrorStream(true).start();
                RedisServer server = new RedisServer(process, directory, port);
                try {
                    server.awaitReady();
                    return server;
                } catch (IOException e) {
                    server.close();
                    last = e;
                }
            }
            throw last;
        }

        private void awaitReady() throws IOException, InterruptedException {
            BufferedReader log = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                StringBuilder seen = new StringBuilder();
                try {
                    for (String line = log.readLine(); line != null; line = log.readLine()) {
                        seen.append(line).append('\n');
                        if (line.contains("Ready to accept connections")) {
                            return null;
                        }
                    }
                } catch (IOException e) {
                    seen.append(e);
                }
                return seen.toString();
            });
            try {
                String failure = ready.get(30, TimeUnit.SECONDS);
                if (failure != null) {
                    throw new IOException("redis-server did not start:\n" + failure);
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("redis-server did not say it was ready within 30 s", e);
            }
            // Keep draining its log, so it never blocks on a full pipe.
            Thread drain = new Thread(() -> {
                try {
                    log.transferTo(java.io.Writer.nullWriter());
                } catch (IOException e) {
                    // It exited.
                }
            }, "redis-server-log");
            drain.setDaemon(true);
            drain.start();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.list(directory)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(directory);
            } catch (IOException e) {
                // A temporary directory left behind is harmless.
            }
        }
    }
}
