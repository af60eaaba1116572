package io.twine.benchmarks.shootout;

import io.twine.benchmarks.echo.EchoKind;
import io.twine.benchmarks.echo.EchoServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Runs one Java echo server in a JVM of its own, for the shootout:
 * {@code ServerMain twine|netty-nio|netty-epoll|blocking [port]}.
 *
 * <p>Prints {@code LISTENING port} once it accepts connections. Reads commands on stdin:
 * {@code stats} collects garbage and prints {@code STATS heap=bytesUsed}; {@code exit}, or the
 * end of stdin (the shootout went away), stops the server and the JVM.
 */
public final class ServerMain {

    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ServerMain twine|netty-nio|netty-epoll|blocking [port]");
            System.exit(2);
        }
        EchoKind kind = EchoKind.of(args[0]);
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        try (EchoServer server = EchoServer.start(kind, port)) {
            System.out.println("LISTENING " + server.port());
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null) {
                String command = line.trim();
                if (command.equals("exit")) {
                    break;
                }
                if (command.equals("stats")) {
                    System.out.println("STATS heap=" + usedHeapAfterGc());
                    System.out.flush();
                }
            }
        }
        System.exit(0);
    }

    /** Heap in use after two full collections: what live objects really hold. */
    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
