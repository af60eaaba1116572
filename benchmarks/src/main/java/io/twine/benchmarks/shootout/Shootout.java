package io.twine.benchmarks.shootout;

import io.twine.benchmarks.echo.EchoKind;
import io.twine.benchmarks.echo.EchoServer;
import io.twine.benchmarks.echo.EchoSetup;
import io.twine.benchmarks.echo.SelfSignedKeyStore;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The end-to-end shootout: every echo server in a JVM (or process) of its own, driven over
 * 127.0.0.1 by a load generator in another process, one server and one scenario at a time. The
 * load generator is {@code load_epoll.c}, compiled with gcc at start-up; {@code --load java}
 * (or a missing gcc) uses the {@link LoadGenerator} JVM instead, which is slower per message than
 * the servers it drives and so measures itself more than them (see the benchmarks README).
 *
 * <p>The options are in {@link #USAGE}, which {@code --help} prints.
 *
 * <p>Each run: start the server with the same JVM flags for every Java server, wait for its
 * {@code LISTENING} line, start the load generator, relay its progress, read its result, then
 * stop both by PID. With {@code taskset} and at least two CPUs, the server gets the first half of
 * the CPUs and the load generator the rest, unless {@code --server-cpus} or {@code --client-cpus}
 * say otherwise. The server's CPU time (all its threads, from /proc)
 * is read when the generator opens and closes the measured window, for CPU per message.
 */
public final class Shootout {

    /** One server in one variant: what the rounds go round. */
    private record Contestant(EchoKind server, Variant variant) {
        String label() {
            return variant.label(server);
        }
    }

    /** What {@code --help} prints: every option, with its default. */
    static final String USAGE = """
            java -cp benchmarks/target/benchmarks.jar io.twine.benchmarks.shootout.Shootout [options]
              --servers twine,netty-nio,netty-epoll,netty-openssl,blocking,c-epoll
                                       which servers (default: all but netty-openssl; with --tls, all but c-epoll)
              --scenarios ABCDE        which scenarios (default: A to E; F, connection set-up, on request)
              --transport tcp          tcp (127.0.0.1), unix (a socket file in a temporary folder), or tcp,unix
                                       to run both, interleaved, with the unix / tcp ratio
              --loops 1                event loops of twine and the Netty servers; a list (1,2) runs each count
                                       with the ratio to one loop
              --tls                    every connection over TLS 1.3 (a self-signed EC P-256 key made with
                                       keytool at start); the C load generator is then built with OpenSSL
              --warmup 3               seconds of load before measuring
              --handshake-warmup 45    seconds of load before measuring F over TLS: the JIT needs tens of
                                       thousands of handshakes before it has compiled the JDK's TLS code,
                                       and with less F measures the compiler more than the server
              --duration 5             seconds measured
              --rounds 1               runs of each server per scenario, interleaved; the median is reported
              --time-limit 900         seconds for the whole shootout; runs that would not fit are skipped
              --out shootout-results   where results.csv, results.json and results.svg go
              --load c                 the load generator: c (load_epoll.c, one thread) or java
              --load-threads N         Java load generator threads (default: the CPUs it is given)
              --no-taskset             do not pin server and load generator to separate CPUs
              --server-cpus LIST       taskset -c LIST for the server (instead of the first half of the CPUs)
              --client-cpus LIST       taskset -c LIST for the load generator (instead of the second half)
              --jfr                    record each Java server with JDK Flight Recorder (profile settings)
                                       into OUT/SERVER-SCENARIO.jfr
              --classpath CP           the class path of the server JVMs (default: this JVM's)
              --help                   print this text and run nothing
            """;

    /** JVM flags of every Java server, so that they differ only in their code. */
    static final List<String> SERVER_JVM_FLAGS = List.of(
            "-Xms512m", "-Xmx512m", "-XX:+UseParallelGC", "-Dio.netty.leakDetection.level=disabled");
    static final List<String> LOAD_JVM_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseParallelGC");
    private static final long START_TIMEOUT_MILLIS = 30_000;
    /**
     * Descriptors the server may open or close on its own while E connects (a jar, a JFR file,
     * an epoll helper), so that counting them is exact only to within this many.
     */
    private static final int DESCRIPTOR_SLACK = 16;

    private final List<EchoKind> servers = new ArrayList<>();
    private final List<Contestant> contestants = new ArrayList<>();
    private final List<Scenario> scenarios = new ArrayList<>();
    private final double warmupSeconds;
    private final double handshakeWarmupSeconds;
    private final double durationSeconds;
    private final long deadline;
    private final long timeLimitNanos;
    private final Path out;
    private final String classpath;
    private final String java;
    private final List<String> serverPin = new ArrayList<>();
    private final List<String> loadPin = new ArrayList<>();
    private final int loadThreads;
    private final String pinning;
    private final boolean flightRecorder;
    private final int rounds;
    private final boolean javaLoadWanted;
    private final boolean tls;
    private final String variantsDescription;
    /** A temporary folder for socket files and the TLS key store; removed at the end. */
    private Path work;
    private Path keyStore;
    private int runNumber;
    private Path cServer;
    private String cServerProblem;
    /** The compiled C load generator, or null when the Java one drives the servers. */
    private Path cLoad;
    private String loadDescription;
    /** Why the last {@link #compile} returned null. */
    private String compileProblem;

    private Shootout(Args args) {
        tls = args.flag("--tls");
        String defaultServers = tls ? "twine,netty-nio,netty-epoll,netty-openssl,blocking" : "twine,netty-nio,netty-epoll,blocking,c-epoll";
        for (String name : args.value("--servers", defaultServers).split(",")) {
            servers.add(EchoKind.of(name.trim()));
        }
        List<Boolean> unix = new ArrayList<>();
        for (String transport : args.value("--transport", "tcp").split(",")) {
            switch (transport.trim()) {
                case "tcp":
                    unix.add(false);
                    break;
                case "unix":
                    unix.add(true);
                    break;
                default:
                    throw new IllegalArgumentException("--transport takes tcp, unix or tcp,unix, got '" + transport + "'");
            }
        }
        List<Integer> loopCounts = new ArrayList<>();
        for (String count : args.value("--loops", "1").split(",")) {
            try {
                loopCounts.add(Integer.parseInt(count.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--loops takes whole numbers, got '" + count + "'", e);
            }
        }
        for (EchoKind server : servers) {
            for (boolean overUnix : unix) {
                // The C and blocking servers have no loops to multiply: each runs once per transport.
                for (int loops : hasLoops(server) ? loopCounts : List.of(1)) {
                    Contestant contestant = new Contestant(server, new Variant(overUnix, loops, tls));
                    if (!contestants.contains(contestant)) {
                        contestants.add(contestant);
                    }
                }
            }
        }
        variantsDescription = "transport " + args.value("--transport", "tcp") + (tls ? " over TLS" : "")
                + ", loops " + args.value("--loops", "1");
        for (char letter : args.value("--scenarios", "ABCDE").toCharArray()) {
            if (letter != ',' && letter != ' ') {
                scenarios.add(Scenario.of(String.valueOf(letter)));
            }
        }
        warmupSeconds = args.doubleValue("--warmup", 3);
        handshakeWarmupSeconds = args.doubleValue("--handshake-warmup", 45);
        durationSeconds = args.doubleValue("--duration", 5);
        timeLimitNanos = (long) (args.doubleValue("--time-limit", 900) * 1e9);
        deadline = System.nanoTime() + timeLimitNanos;
        out = Paths.get(args.value("--out", "shootout-results"));
        classpath = args.value("--classpath", System.getProperty("java.class.path"));
        java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        int cpus = Runtime.getRuntime().availableProcessors();
        String serverCpus = args.value("--server-cpus", null);
        String clientCpus = args.value("--client-cpus", null);
        boolean chosenCpus = serverCpus != null || clientCpus != null;
        if (chosenCpus && args.flag("--no-taskset")) {
            throw new IllegalArgumentException("--no-taskset and --server-cpus/--client-cpus contradict each other");
        }
        if (chosenCpus && !onPath("taskset")) {
            throw new IllegalArgumentException("--server-cpus/--client-cpus need taskset, which is not on the PATH");
        }
        boolean taskset = !args.flag("--no-taskset") && (chosenCpus || cpus >= 2 && onPath("taskset"));
        int loadCpus = cpus - cpus / 2;
        if (chosenCpus) {
            if (serverCpus != null) {
                serverPin.addAll(List.of("taskset", "-c", serverCpus));
            }
            if (clientCpus != null) {
                loadPin.addAll(List.of("taskset", "-c", clientCpus));
                loadCpus = cpuCount(clientCpus);
            }
            pinning = "server on CPU " + (serverCpus != null ? serverCpus : "any") + ", load generator on CPU "
                    + (clientCpus != null ? clientCpus : "any");
        } else if (taskset) {
            int half = cpus / 2;
            serverPin.addAll(List.of("taskset", "-c", range(0, half - 1)));
            loadPin.addAll(List.of("taskset", "-c", range(half, cpus - 1)));
            pinning = "server on CPU " + range(0, half - 1) + ", load generator on CPU " + range(half, cpus - 1);
        } else {
            pinning = args.flag("--no-taskset") ? "no pinning (--no-taskset)"
                    : cpus < 2 ? "no pinning (one CPU)" : "no pinning (taskset not found)";
        }
        flightRecorder = args.flag("--jfr");
        rounds = args.intValue("--rounds", 1);
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        loadThreads = args.intValue("--load-threads", taskset ? loadCpus : Math.max(1, cpus / 2));
        String load = args.value("--load", "c");
        if (!load.equals("c") && !load.equals("java")) {
            throw new IllegalArgumentException("--load must be c or java, got '" + load + "'");
        }
        javaLoadWanted = load.equals("java");
    }

    /** Runs the shootout; exits 0 when every run that was not skipped succeeded. */
    public static void main(String[] argv) throws Exception {
        if (List.of(argv).contains("--help") || List.of(argv).contains("-h")) {
            System.out.print(USAGE);
            return;
        }
        List<RunResult> results = run(argv);
        boolean failed = results.stream().anyMatch(r -> r.status == RunResult.Status.FAILED);
        System.exit(failed ? 1 : 0);
    }

    /** Runs the shootout with these options and returns one result per server and scenario. */
    public static List<RunResult> run(String[] argv) throws Exception {
        Shootout shootout = new Shootout(new Args(argv, Args.optionsIn(USAGE)));
        try {
            return shootout.runAll();
        } finally {
            ChildProcess.stopAll();
            shootout.removeWorkFolder();
        }
    }

    private List<RunResult> runAll() throws Exception {
        Files.createDirectories(out);
        work = Files.createTempDirectory("twine-shootout");
        if (tls) {
            keyStore = SelfSignedKeyStore.create(work.resolve("server.p12"), out.resolve("keytool.log"));
        }
        chooseLoadGenerator();
        System.out.printf(Locale.ROOT, "shootout: %d servers x %d scenarios x %d round(s), %s, warm-up %s, measured %.1f s, "
                        + "time limit %d s; %s; %s; results in %s, temporary files in %s%n",
                contestants.size(), scenarios.size(), rounds, variantsDescription, describeWarmup(), durationSeconds,
                TimeUnit.NANOSECONDS.toSeconds(timeLimitNanos), pinning, loadDescription, out.toAbsolutePath(), work);
        if (servers.contains(EchoKind.C_EPOLL) && !tls) {
            cServer = compile("echo_epoll");
            if (cServer == null) {
                cServerProblem = compileProblem;
            }
        }
        List<RunResult> results = new ArrayList<>();
        int total = contestants.size() * scenarios.size() * rounds;
        int index = 0;
        for (Scenario scenario : scenarios) {
            // Rounds go round the servers, so that a noisy neighbour hurts every server alike.
            List<List<RunResult>> runs = new ArrayList<>();
            for (int s = 0; s < contestants.size(); s++) {
                runs.add(new ArrayList<>());
            }
            for (int round = 1; round <= rounds; round++) {
                for (int s = 0; s < contestants.size(); s++) {
                    Contestant contestant = contestants.get(s);
                    index++;
                    String header = String.format(Locale.ROOT, "[%2d/%d] %-17s %s (%s)%s", index, total, contestant.label(),
                            scenario.name(), scenario.description(), rounds > 1 ? " round " + round : "");
                    RunResult result;
                    String unsupported = unsupported(contestant, scenario);
                    if (unsupported != null) {
                        result = RunResult.skipped(contestant.server(), contestant.variant(), scenario, unsupported);
                    } else if (secondsLeft() < expectedSeconds(scenario)) {
                        result = RunResult.skipped(contestant.server(), contestant.variant(), scenario,
                                "the time limit would be exceeded");
                    } else {
                        System.out.println(header + " ... " + timeLeft());
                        result = runOne(contestant, scenario);
                    }
                    System.out.println(header + " -> " + Reports.summary(result));
                    runs.get(s).add(result);
                }
            }
            for (List<RunResult> serverRuns : runs) {
                results.add(median(serverRuns));
            }
        }
        Reports.printTable(results, System.out);
        Reports.writeCsv(results, out.resolve("results.csv"));
        Reports.writeJson(results, out.resolve("results.json"), describeSetup());
        SvgChart.write(results, out.resolve("results.svg"), describeSetup());
        System.out.println("wrote " + out.resolve("results.csv") + ", " + out.resolve("results.json") + ", "
                + out.resolve("results.svg"));
        return results;
    }

    private String describeSetup() {
        return String.format(Locale.ROOT, "%s %s, %d CPUs, %s; %s; %s; warm-up %s, measured %.0f s",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), pinning, variantsDescription, loadDescription,
                describeWarmup(), durationSeconds);
    }

    private String describeWarmup() {
        String warmup = String.format(Locale.ROOT, "%.1f s", warmupSeconds);
        return tls && scenarios.contains(Scenario.F)
                ? warmup + String.format(Locale.ROOT, " (F: %.1f s)", handshakeWarmupSeconds) : warmup;
    }

    /** Seconds of load before {@code scenario} is measured. */
    private double warmupSeconds(Scenario scenario) {
        return scenario.churn() && tls ? handshakeWarmupSeconds : warmupSeconds;
    }

    /** Why {@code contestant} cannot run {@code scenario} here, or null when it can. */
    private String unsupported(Contestant contestant, Scenario scenario) {
        EchoKind server = contestant.server();
        Variant variant = contestant.variant();
        if (server == EchoKind.C_EPOLL) {
            if (variant.tls()) {
                return "the C server speaks no TLS";
            }
            if (cServer == null) {
                return cServerProblem;
            }
        } else {
            EchoSetup setup = (variant.unix() ? EchoSetup.unix(work.resolve("check.sock")) : EchoSetup.tcp(0))
                    .withLoops(variant.loops());
            String why = EchoServer.supports(server, variant.tls() ? setup.withTls(work.resolve("check.p12")) : setup);
            if (why != null) {
                return why;
            }
        }
        if (cLoad == null && variant.tls()) {
            return "TLS needs the C load generator built with OpenSSL: " + loadDescription;
        }
        if (cLoad == null && scenario.churn()) {
            return "F needs the C load generator: " + loadDescription;
        }
        return null;
    }

    private static boolean hasLoops(EchoKind server) {
        return server != EchoKind.C_EPOLL && server != EchoKind.BLOCKING;
    }

    /**
     * The run with the median headline number among those that succeeded (the lower middle one
     * for an even count); its latencies come with it. The first failure or skip when none
     * succeeded.
     */
    static RunResult median(List<RunResult> runs) {
        List<RunResult> ok = new ArrayList<>();
        for (RunResult run : runs) {
            if (run.ok()) {
                ok.add(run);
            }
        }
        if (ok.isEmpty()) {
            return runs.get(0);
        }
        ok.sort((a, b) -> Double.compare(a.headline(), b.headline()));
        RunResult chosen = ok.get((ok.size() - 1) / 2);
        if (ok.size() > 1) {
            // keeps what the run said of itself (over TLS: the negotiated version and cipher)
            chosen.note = "median of " + ok.size() + " runs" + (chosen.note.isEmpty() ? "" : "; " + chosen.note);
        }
        return chosen;
    }

    // ------------------------------------------------------------------ one run

    private RunResult runOne(Contestant contestant, Scenario scenario) throws InterruptedException {
        EchoKind kind = contestant.server();
        Variant variant = contestant.variant();
        String fileName = contestant.label().replace(' ', '-') + "-" + scenario.name();
        Path log = out.resolve("stderr-" + fileName + ".log");
        // A fresh socket file per run: a server that did not remove its own cannot disturb the next.
        Path socket = variant.unix() ? work.resolve("echo-" + (++runNumber) + ".sock") : null;
        ChildProcess server = null;
        ChildProcess load = null;
        try {
            server = ChildProcess.start(kind.label(), serverCommand(kind, variant, socket, fileName), log);
            String listening = server.awaitLine("LISTENING ", START_TIMEOUT_MILLIS);
            if (listening == null) {
                return RunResult.failed(kind, variant, scenario, "the server did not start listening; see " + log);
            }
            List<String> target = socket != null ? List.of("--unix", socket.toString())
                    : List.of("--port", listening.substring("LISTENING ".length()).trim());
            if (scenario.idle()) {
                return idleRun(kind, variant, scenario, server, target, log);
            }
            load = ChildProcess.start("load", loadCommand(scenario, variant, target), log);
            return loadRun(kind, variant, scenario, server, load, log);
        } catch (IOException e) {
            return RunResult.failed(kind, variant, scenario, "could not start a process: " + e.getMessage());
        } finally {
            if (load != null) {
                load.stop();
            }
            if (server != null) {
                server.stop();
            }
            if (socket != null) {
                try {
                    Files.deleteIfExists(socket);
                } catch (IOException ignored) {
                    // the whole folder goes at the end
                }
            }
        }
    }

    private RunResult loadRun(EchoKind kind, Variant variant, Scenario scenario, ChildProcess server, ChildProcess load,
            Path log) throws InterruptedException {
        // load_epoll.c keeps the window open for up to ten durations while no message has completed.
        long limitMillis = (long) ((warmupSeconds(scenario) + 10 * durationSeconds) * 1000) + 60_000;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(limitMillis, (long) (secondsLeft() * 1000) + 30_000));
        String failure = null;
        long[] cpuAtStart = null;
        long[] cpuAtEnd = null;
        while (System.nanoTime() - until < 0) {
            String line = load.nextLine(TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()));
            if (line == null) {
                break;
            }
            if (line.equals("MEASURING")) {
                cpuAtStart = new long[] {ProcStats.cpuNanos(server.pid()), System.nanoTime()};
            } else if (line.equals("MEASURED")) {
                cpuAtEnd = new long[] {ProcStats.cpuNanos(server.pid()), System.nanoTime()};
            } else if (line.startsWith("PROGRESS ")) {
                printProgress(variant.label(kind) + " " + scenario.name(), warmupSeconds(scenario), line);
            } else if (line.startsWith("FAILED ")) {
                failure = line.substring("FAILED ".length());
            } else if (line.startsWith("RESULT ")) {
                System.out.print("\r");
                RunResult result = parseResult(kind, variant, scenario, line);
                if (cpuAtStart != null && cpuAtEnd != null && cpuAtStart[0] >= 0 && cpuAtEnd[0] >= 0) {
                    long cpu = cpuAtEnd[0] - cpuAtStart[0];
                    result.serverCpuPercent = 100.0 * cpu / (cpuAtEnd[1] - cpuAtStart[1]);
                    result.serverCpuNanosPerMessage = result.messages > 0 ? (double) cpu / result.messages : Double.NaN;
                }
                if (failure != null) {
                    result.status = RunResult.Status.FAILED;
                    result.note = failure;
                }
                return result;
            }
        }
        System.out.print("\r");
        return RunResult.failed(kind, variant, scenario, failure != null ? failure
                : "the load generator gave no result in time; see " + log);
    }

    private void printProgress(String label, double warmup, String line) {
        String[] parts = line.split(" ");
        double elapsed = Long.parseLong(parts[1]) / 1000.0;
        long messages = Long.parseLong(parts[2]);
        String phase;
        if (elapsed < warmup) {
            phase = String.format(Locale.ROOT, "warm-up %.0f/%.0f s", elapsed, warmup);
        } else {
            double measured = Math.min(elapsed - warmup, durationSeconds);
            phase = String.format(Locale.ROOT, "measuring %.0f/%.0f s, %s msg/s", measured, durationSeconds,
                    Reports.si(measured > 0 ? messages / measured : 0));
        }
        System.out.printf(Locale.ROOT, "\r  %s  %s  %s      ", label, phase, timeLeft());
        System.out.flush();
    }

    private RunResult parseResult(EchoKind kind, Variant variant, Scenario scenario, String line) {
        RunResult result = new RunResult(kind, variant, scenario);
        for (String pair : line.substring("RESULT ".length()).trim().split(" ")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals("tls")) {
                result.note = "TLS: " + kv[1].replace(',', ' ');  // what the generator negotiated
                continue;
            }
            long value = Long.parseLong(kv[1]);
            switch (kv[0]) {
                case "messages":
                    result.messages = value;
                    break;
                case "nanos":
                    result.seconds = value / 1e9;
                    break;
                case "p50":
                    result.p50Micros = value / 1e3;
                    break;
                case "p99":
                    result.p99Micros = value / 1e3;
                    break;
                case "p999":
                    result.p999Micros = value / 1e3;
                    break;
                case "max":
                    result.maxMicros = value / 1e3;
                    break;
                default:
                    break;
            }
        }
        result.messagesPerSecond = result.messages / result.seconds;
        // Payload echoed back per second, the way every echo benchmark counts it.
        result.megabytesPerSecond = result.messagesPerSecond * scenario.messageSize() / 1e6;
        if (result.messages == 0) {
            result.status = RunResult.Status.FAILED;
            result.note = "no message completed while measuring";
        }
        return result;
    }

    /**
     * Scenario E: measure the server's heap (after GC) and RSS, open the connections, wait until
     * the server holds a descriptor for each, measure again; report the difference per connection.
     */
    private RunResult idleRun(EchoKind kind, Variant variant, Scenario scenario, ChildProcess server, List<String> target,
            Path log) throws IOException, InterruptedException {
        long heapBefore = heap(server);
        long rssBefore = ProcStats.rssBytes(server.pid());
        int fdsBefore = ProcStats.openDescriptors(server.pid());
        try (ChildProcess load = ChildProcess.start("load", loadCommand(scenario, variant, target), log)) {
            String connected = load.awaitLine("CONNECTED ", 120_000);
            if (connected == null) {
                return RunResult.failed(kind, variant, scenario, "the load generator could not open "
                        + scenario.connections() + " connections; see " + log);
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int accepted = 0;
            while (System.nanoTime() - waitUntil < 0) {
                accepted = ProcStats.openDescriptors(server.pid()) - fdsBefore;
                System.out.printf(Locale.ROOT, "\r  %s E  accepted %d of %d  %s      ", kind.label(), accepted,
                        scenario.connections(), timeLeft());
                if (accepted >= scenario.connections() - DESCRIPTOR_SLACK) {
                    break;
                }
                Thread.sleep(200);  // polling another process's descriptor table: nothing to wait on
            }
            System.out.print("\r");
            if (accepted < scenario.connections() - DESCRIPTOR_SLACK) {
                return RunResult.failed(kind, variant, scenario, "the server accepted only " + accepted + " of "
                        + scenario.connections() + " connections within 60 s");
            }
            long heapAfter = heap(server);
            long rssAfter = ProcStats.rssBytes(server.pid());
            RunResult result = new RunResult(kind, variant, scenario);
            if (heapBefore >= 0 && heapAfter >= 0) {
                result.heapBytesPerConnection = (heapAfter - heapBefore) / (double) scenario.connections();
            }
            result.rssBytesPerConnection = (rssAfter - rssBefore) / (double) scenario.connections();
            load.send("close");
            return result;
        }
    }

    /** The server's heap in use after GC, or -1 for a server without one (C) or no answer. */
    private static long heap(ChildProcess server) throws InterruptedException {
        server.send("stats");
        String stats = server.awaitLine("STATS ", 30_000);
        if (stats == null) {
            return -1;
        }
        return Long.parseLong(stats.substring(stats.indexOf("heap=") + 5).trim());
    }

    // ------------------------------------------------------------------ commands

    /**
     * The server's command line. The default variant adds no option, so that {@code --classpath}
     * can still run servers built before variants existed.
     */
    private List<String> serverCommand(EchoKind kind, Variant variant, Path socket, String fileName) {
        List<String> command = new ArrayList<>(serverPin);
        if (kind == EchoKind.C_EPOLL) {
            command.add(cServer.toString());
            if (socket != null) {
                command.addAll(List.of("--unix", socket.toString()));
            }
            return command;
        }
        command.add(java);
        command.addAll(SERVER_JVM_FLAGS);
        if (flightRecorder) {
            Path recording = out.resolve(fileName + ".jfr").toAbsolutePath();
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording);
        }
        command.addAll(List.of("-cp", classpath, ServerMain.class.getName(), kind.label()));
        if (socket != null) {
            command.addAll(List.of("--unix", socket.toString()));
        }
        if (variant.loops() > 1) {
            command.addAll(List.of("--loops", String.valueOf(variant.loops())));
        }
        if (variant.tls()) {
            command.addAll(List.of("--tls", keyStore.toString()));
        }
        return command;
    }

    private List<String> loadCommand(Scenario scenario, Variant variant, List<String> target) {
        List<String> command = new ArrayList<>(loadPin);
        if (cLoad != null) {
            command.add(cLoad.toString());
        } else {
            command.add(java);
            command.addAll(LOAD_JVM_FLAGS);
            command.addAll(List.of("-cp", classpath, LoadGenerator.class.getName(),
                    "--threads", String.valueOf(loadThreads)));
        }
        command.addAll(target);
        command.addAll(List.of("--connections", String.valueOf(scenario.connections())));
        if (variant.tls()) {
            command.add("--tls");
        }
        if (scenario.churn()) {
            command.add("--churn");
        }
        if (scenario.idle()) {
            command.add("--idle");
        } else {
            command.addAll(List.of("--size", String.valueOf(scenario.messageSize()),
                    "--in-flight", String.valueOf(scenario.inFlight()),
                    "--warmup-ms", String.valueOf((long) (warmupSeconds(scenario) * 1000)),
                    "--duration-ms", String.valueOf((long) (durationSeconds * 1000))));
        }
        return command;
    }

    /** The C load generator unless the Java one was asked for or gcc cannot build it. */
    private void chooseLoadGenerator() throws IOException, InterruptedException {
        if (!javaLoadWanted) {
            // With TLS, the generator links OpenSSL (libssl-dev); its handshakes are done before the measured window.
            cLoad = tls ? compile("load_epoll", "-DWITH_OPENSSL", "-lssl", "-lcrypto") : compile("load_epoll");
        }
        if (cLoad != null) {
            loadDescription = "load generator load_epoll.c (one thread" + (tls ? ", OpenSSL " + openSslVersion() : "") + ")";
        } else {
            loadDescription = "Java load generator, " + loadThreads + " thread(s)"
                    + (javaLoadWanted ? "" : " (the C one could not be built: " + compileProblem + ")");
        }
    }

    /**
     * Compiles {@code name}.c from this jar into the output folder with gcc -O2; returns the
     * program, or null with the reason in {@link #compileProblem}.
     */
    private Path compile(String name, String... extra) throws IOException, InterruptedException {
        compileProblem = null;
        if (!onPath("gcc")) {
            compileProblem = "gcc not found on PATH";
        } else {
            Path source = out.resolve(name + ".c");
            try (InputStream in = Shootout.class.getResourceAsStream(name + ".c")) {
                if (in == null) {
                    compileProblem = name + ".c is missing from the class path";
                    System.out.println(name + ": " + compileProblem);
                    return null;
                }
                Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
            }
            Path binary = out.resolve(name);
            Path log = out.resolve("gcc-" + name + ".log");
            List<String> command = new ArrayList<>(List.of("gcc", "-O2", "-o", binary.toString()));
            for (String flag : extra) {
                if (flag.startsWith("-D")) {
                    command.add(flag);
                }
            }
            command.add(source.toString());
            for (String flag : extra) {
                if (flag.startsWith("-l")) {
                    command.add(flag);  // libraries after the source, or the linker drops them
                }
            }
            Process gcc = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!gcc.waitFor(120, TimeUnit.SECONDS)) {
                gcc.destroyForcibly();
                compileProblem = "gcc took more than 120 s";
            } else if (gcc.exitValue() != 0) {
                compileProblem = "gcc failed; see " + log;
            } else {
                System.out.println(name + ": built " + binary.toAbsolutePath() + " with " + String.join(" ", command.subList(0, 2))
                        + (extra.length > 0 ? " " + String.join(" ", extra) : ""));
                return binary.toAbsolutePath();
            }
        }
        System.out.println(name + ": " + compileProblem);
        return null;
    }

    /** The OpenSSL version the C generator is linked with, as the openssl command reports it, or "". */
    private static String openSslVersion() {
        if (!onPath("openssl")) {
            return "";
        }
        try {
            Process version = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            version.waitFor(10, TimeUnit.SECONDS);
            return text;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void removeWorkFolder() {
        if (work == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; nothing else depends on it
        }
    }

    // ------------------------------------------------------------------ helpers

    /** How many CPUs a taskset list such as {@code 0-3,6} names. */
    static int cpuCount(String list) {
        int count = 0;
        for (String part : list.split(",")) {
            String[] range = part.trim().split("-", 2);
            try {
                int first = Integer.parseInt(range[0].trim());
                int last = range.length == 1 ? first : Integer.parseInt(range[1].trim());
                if (first < 0 || last < first) {
                    throw new NumberFormatException("empty or negative range " + part);
                }
                count += last - first + 1;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CPU list for taskset -c: '" + list + "'", e);
            }
        }
        return count;
    }

    private double expectedSeconds(Scenario scenario) {
        // JVM start-up and shutdown of two processes, plus the load itself.
        return scenario.idle() ? 20 : warmupSeconds(scenario) + durationSeconds + 4;
    }

    private double secondsLeft() {
        return (deadline - System.nanoTime()) / 1e9;
    }

    private String timeLeft() {
        long left = Math.max(0, (long) secondsLeft());
        return String.format(Locale.ROOT, "(%d:%02d left of the time limit)", left / 60, left % 60);
    }

    private static String range(int from, int to) {
        return from == to ? String.valueOf(from) : from + "-" + to;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
