package io.twine.benchmarks.shootout;

import java.util.Locale;

/** The five workloads of the shootout, each run against every server. */
public enum Scenario {
    /** Many connections, small messages, deep pipelines: the loop's per-message cost. */
    A(64, 64, 16, false, "64 conns x 64 B, 16 in flight"),
    /** Few connections, large messages: copying and syscall size. */
    B(8, 16 * 1024, 4, false, "8 conns x 16 KiB, 4 in flight"),
    /** One connection, one message at a time: latency. */
    C(1, 64, 1, false, "1 conn ping-pong 64 B"),
    /** Many connections, one message each in flight: readiness dispatch across many keys. */
    D(1000, 64, 1, false, "1,000 conns x 64 B, 1 in flight"),
    /** Connections that say nothing: memory per connection. */
    E(10_000, 0, 0, true, "10,000 idle conns: heap and RSS");

    private final int connections;
    private final int messageSize;
    private final int inFlight;
    private final boolean idle;
    private final String description;

    Scenario(int connections, int messageSize, int inFlight, boolean idle, String description) {
        this.connections = connections;
        this.messageSize = messageSize;
        this.inFlight = inFlight;
        this.idle = idle;
        this.description = description;
    }

    public int connections() {
        return connections;
    }

    /** Bytes per message; 0 for the idle scenario. */
    public int messageSize() {
        return messageSize;
    }

    /** Messages each connection keeps outstanding; 0 for the idle scenario. */
    public int inFlight() {
        return inFlight;
    }

    /** True for the scenario that only opens connections and measures memory. */
    public boolean idle() {
        return idle;
    }

    public String description() {
        return description;
    }

    /** The scenario named by a letter, either case. */
    public static Scenario of(String letter) {
        try {
            return valueOf(letter.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scenario '" + letter + "'; expected one of A, B, C, D, E", e);
        }
    }
}
