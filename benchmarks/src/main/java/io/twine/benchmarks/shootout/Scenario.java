package io.twine.benchmarks.shootout;

import java.util.Locale;

/**
 * The workloads of the shootout, each run against every server. A to E run by default; F (connection
 * set-up, with the TLS handshake under {@code --tls}) when asked for.
 */
public enum Scenario {
    /** Many connections, small messages, deep pipelines: the loop's per-message cost. */
    A(64, 64, 16, false, false, "64 conns x 64 B, 16 in flight"),
    /** Few connections, large messages: copying and syscall size. */
    B(8, 16 * 1024, 4, false, false, "8 conns x 16 KiB, 4 in flight"),
    /** One connection, one message at a time: latency. */
    C(1, 64, 1, false, false, "1 conn ping-pong 64 B"),
    /** Many connections, one message each in flight: readiness dispatch across many keys. */
    D(1000, 64, 1, false, false, "1,000 conns x 64 B, 1 in flight"),
    /** Connections that say nothing: memory per connection. */
    E(10_000, 0, 0, true, false, "10,000 idle conns: heap and RSS"),
    /**
     * Connections that live for one message: connect (and, over TLS, a full handshake), echo 64 B,
     * close, 16 at a time. One "message" is one whole connection: messages per second are
     * connections (handshakes) per second, the latency is from connect to the echo's return.
     */
    F(16, 64, 1, false, true, "connect + 64 B echo + close, 16 at a time");

    private final int connections;
    private final int messageSize;
    private final int inFlight;
    private final boolean idle;
    private final boolean churn;
    private final String description;

    Scenario(int connections, int messageSize, int inFlight, boolean idle, boolean churn, String description) {
        this.connections = connections;
        this.messageSize = messageSize;
        this.inFlight = inFlight;
        this.idle = idle;
        this.churn = churn;
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

    /** True for the scenario whose connections each carry one message and close (F). */
    public boolean churn() {
        return churn;
    }

    public String description() {
        return description;
    }

    /** The scenario named by a letter, either case. */
    public static Scenario of(String letter) {
        try {
            return valueOf(letter.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scenario '" + letter + "'; expected one of A, B, C, D, E, F", e);
        }
    }
}
