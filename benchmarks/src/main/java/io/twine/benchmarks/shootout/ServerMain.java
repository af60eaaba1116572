package io.twine.benchmarks.shootout;

import io.twine.benchmarks.echo.EchoKind;
import io.twine.benchmarks.echo.EchoServer;
import io.twine.benchmarks.echo.EchoSetup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * Runs one Java echo server in a JVM of its own, for the shootout:
 * <pre>
 * ServerMain twine|netty-nio|netty-epoll|netty-openssl|blocking [port] [--unix PATH] [--loops N] [--tls PKCS12]
 * </pre>
 * {@code --unix} listens on a Unix socket at PATH instead of 127.0.0.1, {@code --loops} runs N
 * event loops (default 1), {@code --tls} serves TLS with the key in that PKCS#12 file (password
 * {@link EchoSetup#KEY_STORE_PASSWORD}).
 *
 * <p>Prints {@code LISTENING port} (or {@code LISTENING path}) once it accepts connections. Reads commands on stdin:
 * {@code stats} collects garbage and prints {@code STATS heap=bytesUsed}; {@code exit}, or the
 * end of stdin (the shootout went away), stops the server and the JVM.
 */
public final class ServerMain {

    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ServerMain twine|netty-nio|netty-epoll|netty-openssl|blocking [port]"
                    + " [--unix PATH] [--loops N] [--tls PKCS12]");
            System.exit(2);
        }
        EchoKind kind = EchoKind.of(args[0]);
        boolean portGiven = args.length > 1 && !args[1].startsWith("--");
        Args options = new Args(Arrays.copyOfRange(args, portGiven ? 2 : 1, args.length));
        String unix = options.value("--unix", null);
        EchoSetup setup = unix != null ? EchoSetup.unix(Paths.get(unix))
                : EchoSetup.tcp(portGiven ? Integer.parseInt(args[1]) : 0);
        setup = setup.withLoops(options.intValue("--loops", 1));
        String keyStore = options.value("--tls", null);
        if (keyStore != null) {
            setup = setup.withTls(Paths.get(keyStore));
        }
        try (EchoServer server = EchoServer.start(kind, setup)) {
            System.out.println("LISTENING " + (setup.isUnix() ? unix : String.valueOf(server.port())));
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
