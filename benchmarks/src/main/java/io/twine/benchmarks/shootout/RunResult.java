package io.twine.benchmarks.shootout;

import io.twine.benchmarks.echo.EchoKind;

/**
 * What one server did in one scenario. Throughput and latency are set for A to D; heap and RSS
 * per connection for E. Numbers that do not apply are {@code NaN}.
 */
final class RunResult {

    enum Status { OK, FAILED, SKIPPED }

    final EchoKind server;
    final Variant variant;
    final Scenario scenario;
    Status status = Status.OK;
    String note = "";
    long messages;
    double seconds = Double.NaN;
    double messagesPerSecond = Double.NaN;
    double megabytesPerSecond = Double.NaN;
    double p50Micros = Double.NaN;
    double p99Micros = Double.NaN;
    double p999Micros = Double.NaN;
    double maxMicros = Double.NaN;
    double heapBytesPerConnection = Double.NaN;
    double rssBytesPerConnection = Double.NaN;
    /** The server's CPU time over the measured window, as a share of one CPU (100 = one CPU busy). */
    double serverCpuPercent = Double.NaN;
    /** The server's CPU time over the measured window divided by the messages echoed in it. */
    double serverCpuNanosPerMessage = Double.NaN;

    RunResult(EchoKind server, Variant variant, Scenario scenario) {
        this.server = server;
        this.variant = variant;
        this.scenario = scenario;
    }

    static RunResult skipped(EchoKind server, Variant variant, Scenario scenario, String why) {
        RunResult result = new RunResult(server, variant, scenario);
        result.status = Status.SKIPPED;
        result.note = why;
        return result;
    }

    static RunResult failed(EchoKind server, Variant variant, Scenario scenario, String why) {
        RunResult result = new RunResult(server, variant, scenario);
        result.status = Status.FAILED;
        result.note = why;
        return result;
    }

    /** The server and its variant, as tables show it. */
    String label() {
        return variant.label(server);
    }

    boolean ok() {
        return status == Status.OK;
    }

    /**
     * The number that picks the median of several runs: p99 latency for C (the latency
     * scenario), heap per connection for E, messages per second for the rest.
     */
    double headline() {
        if (scenario == Scenario.C) {
            return p99Micros;
        }
        return scenario.idle() ? heapOrRss() : messagesPerSecond;
    }

    /** Heap per connection where the server has a heap (the JVMs), RSS for the C server. */
    double heapOrRss() {
        return Double.isNaN(heapBytesPerConnection) ? rssBytesPerConnection : heapBytesPerConnection;
    }
}
