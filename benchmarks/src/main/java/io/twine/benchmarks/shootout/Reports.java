package io.twine.benchmarks.shootout;

import io.twine.benchmarks.echo.EchoKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The shootout's results as a console table, CSV and JSON. */
final class Reports {

    private static final String[] COLUMNS = {"scenario", "server", "transport", "loops", "status", "msgs_per_s", "mb_per_s",
        "p50_us", "p99_us", "p999_us", "max_us", "server_cpu_pct", "server_cpu_ns_per_msg",
        "heap_bytes_per_conn", "rss_bytes_per_conn", "ratio_vs_netty_nio", "ratio_vs_c_epoll", "ratio_vs_tcp",
        "ratio_vs_one_loop", "note"};

    private Reports() {}

    /**
     * This result divided by the same scenario's result of {@code reference} in the same variant
     * (the C server, which has no loops, in the same transport): messages per second for A to D
     * and F (above 1 is faster), memory per connection for E (below 1 is smaller; heap against a
     * JVM, RSS against the C server). NaN when either is missing or the reference is 0.
     */
    static double ratio(RunResult result, EchoKind reference, List<RunResult> all) {
        Variant variant = reference == EchoKind.C_EPOLL ? result.variant.oneLoop() : result.variant;
        return ratio(result, reference, variant, all);
    }

    /** This server over a Unix socket against itself over TCP, same loops; NaN for a TCP result. */
    static double ratioToTcp(RunResult result, List<RunResult> all) {
        return result.variant.unix() ? ratio(result, result.server, result.variant.overTcp(), all) : Double.NaN;
    }

    /** This server with several loops against itself with one, same transport; NaN with one loop. */
    static double ratioToOneLoop(RunResult result, List<RunResult> all) {
        return result.variant.loops() > 1 ? ratio(result, result.server, result.variant.oneLoop(), all) : Double.NaN;
    }

    private static double ratio(RunResult result, EchoKind reference, Variant variant, List<RunResult> all) {
        for (RunResult other : all) {
            if (other.server == reference && other.variant.equals(variant) && other.scenario == result.scenario
                    && other.ok() && result.ok()) {
                double ratio;
                if (!result.scenario.idle()) {
                    ratio = result.messagesPerSecond / other.messagesPerSecond;
                } else if (reference == EchoKind.C_EPOLL) {
                    ratio = result.rssBytesPerConnection / other.rssBytesPerConnection;
                } else {
                    ratio = result.heapBytesPerConnection / other.heapBytesPerConnection;
                }
                // Against a server that keeps nothing per connection there is no meaningful ratio.
                return Double.isInfinite(ratio) ? Double.NaN : ratio;
            }
        }
        return Double.NaN;
    }

    /** One line about one run, for the progress log. */
    static String summary(RunResult r) {
        if (!r.ok()) {
            return r.status.name().toLowerCase(Locale.ROOT) + ": " + r.note;
        }
        if (r.scenario.idle()) {
            String heap = Double.isNaN(r.heapBytesPerConnection) ? "no heap"
                    : "heap " + num(r.heapBytesPerConnection, 0) + " B/conn";
            return heap + ", RSS " + num(r.rssBytesPerConnection, 0) + " B/conn";
        }
        return String.format(Locale.ROOT, "%s msg/s, %s MB/s, p50 %s us, p99 %s us, p99.9 %s us, server CPU %s%%, %s ns/msg",
                si(r.messagesPerSecond), num(r.megabytesPerSecond, 1), num(r.p50Micros, 1), num(r.p99Micros, 1),
                num(r.p999Micros, 1), num(r.serverCpuPercent, 0), num(r.serverCpuNanosPerMessage, 0));
    }

    static void printTable(List<RunResult> results, PrintStream out) {
        String format = "%-2s %-26s %10s %8s %9s %9s %9s %7s %8s %10s %10s %8s %6s %6s %8s  %s%n";
        out.println();
        out.printf(Locale.ROOT, format, "", "server", "msgs/s", "MB/s", "p50 us", "p99 us", "p99.9 us",
                "CPU %", "ns/msg", "heap B/c", "RSS B/c", "x netty", "x C", "x tcp", "x 1 loop", "");
        for (RunResult r : results) {
            out.printf(Locale.ROOT, format, r.scenario.name(), r.label() + (r.variant.tls() ? " tls" : ""),
                    r.ok() && !r.scenario.idle() ? si(r.messagesPerSecond) : "",
                    num(r.megabytesPerSecond, 1), num(r.p50Micros, 1), num(r.p99Micros, 1), num(r.p999Micros, 1),
                    num(r.serverCpuPercent, 0), num(r.serverCpuNanosPerMessage, 0), num(r.heapBytesPerConnection, 0), num(r.rssBytesPerConnection, 0),
                    num(ratio(r, EchoKind.NETTY_NIO, results), 2), num(ratio(r, EchoKind.C_EPOLL, results), 2),
                    num(ratioToTcp(r, results), 2), num(ratioToOneLoop(r, results), 2),
                    r.ok() ? "" : r.status.name().toLowerCase(Locale.ROOT) + ": " + r.note);
        }
        out.println("x netty / x C: messages per second over Netty NIO's / the C server's, same transport and loops"
                + " (A-D, F: higher is faster); for E, memory per connection over theirs (lower is smaller)."
                + " x tcp: the same server over a Unix socket against TCP; x 1 loop: N loops against one."
                + " CPU %: the server's CPU time over the measured window (100 = one CPU); ns/msg: that time per"
                + " message echoed (F: per connection).");
        for (Scenario scenario : Scenario.values()) {
            for (boolean unix : new boolean[] {false, true}) {
                String check = loadGeneratorCheck(scenario, unix, results);
                if (check != null) {
                    out.println(check);
                }
            }
        }
    }

    /**
     * Whether the load generator drove the C server faster than every Java server in {@code
     * scenario} over one transport: if it did, the generator was not what limited the Java
     * servers. Null when the scenario or the C server was not run.
     */
    static String loadGeneratorCheck(Scenario scenario, boolean unix, List<RunResult> results) {
        if (scenario.idle()) {
            return null;
        }
        RunResult c = null;
        RunResult fastestJava = null;
        for (RunResult r : results) {
            if (r.scenario != scenario || r.variant.unix() != unix || !r.ok()) {
                continue;
            }
            if (r.server == EchoKind.C_EPOLL) {
                c = r;
            } else if (fastestJava == null || r.messagesPerSecond > fastestJava.messagesPerSecond) {
                fastestJava = r;
            }
        }
        if (c == null || fastestJava == null) {
            return null;
        }
        boolean ok = c.messagesPerSecond > fastestJava.messagesPerSecond;
        return String.format(Locale.ROOT, "load generator check %s %s: C server %s msg/s vs fastest Java server (%s) %s msg/s: %s",
                scenario.name(), unix ? "unix" : "tcp", si(c.messagesPerSecond), fastestJava.label(),
                si(fastestJava.messagesPerSecond),
                ok ? "the generator drove C faster than every Java server"
                        : "NOT shown: the generator (or the machine) may be the limit");
    }

    static void writeCsv(List<RunResult> results, Path file) throws IOException {
        StringBuilder csv = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (RunResult r : results) {
            Object[] row = row(r, results);
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    csv.append(',');
                }
                csv.append(csvCell(row[i]));
            }
            csv.append('\n');
        }
        Files.write(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    static void writeJson(List<RunResult> results, Path file, String setup) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"setup\": ").append(jsonString(setup)).append(",\n  \"results\": [\n");
        for (int r = 0; r < results.size(); r++) {
            Object[] row = row(results.get(r), results);
            json.append("    {");
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    json.append(", ");
                }
                json.append(jsonString(COLUMNS[i])).append(": ").append(jsonValue(row[i]));
            }
            json.append(r + 1 < results.size() ? "},\n" : "}\n");
        }
        json.append("  ]\n}\n");
        Files.write(file, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Object[] row(RunResult r, List<RunResult> all) {
        return new Object[] {r.scenario.name(), r.server.label(), r.variant.transport(), r.variant.loops(),
            r.status.name().toLowerCase(Locale.ROOT),
            r.messagesPerSecond, r.megabytesPerSecond, r.p50Micros, r.p99Micros, r.p999Micros, r.maxMicros,
            r.serverCpuPercent, r.serverCpuNanosPerMessage, r.heapBytesPerConnection, r.rssBytesPerConnection, ratio(r, EchoKind.NETTY_NIO, all),
            ratio(r, EchoKind.C_EPOLL, all), ratioToTcp(r, all), ratioToOneLoop(r, all), r.note};
    }

    private static String csvCell(Object value) {
        if (value instanceof Double) {
            double d = (Double) value;
            return Double.isNaN(d) || Double.isInfinite(d) ? "" : String.format(Locale.ROOT, "%.3f", d);
        }
        String text = String.valueOf(value);
        return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    private static String jsonValue(Object value) {
        if (value instanceof Integer) {
            return value.toString();
        }
        if (value instanceof Double) {
            double d = (Double) value;
            return Double.isNaN(d) || Double.isInfinite(d) ? "null" : String.format(Locale.ROOT, "%.3f", d);
        }
        return jsonString(String.valueOf(value));
    }

    private static String jsonString(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /** A number with {@code decimals} decimals, or empty when it does not apply. */
    static String num(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** 1234567 as "1.23M": short enough for a table cell. */
    static String si(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", value / 1e6);
        }
        if (value >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }
}
