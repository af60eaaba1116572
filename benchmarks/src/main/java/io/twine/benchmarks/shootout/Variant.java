package io.twine.benchmarks.shootout;

import io.twine.benchmarks.echo.EchoKind;

/**
 * How a server is reached and run in one shootout run: over TCP on 127.0.0.1 or a Unix socket,
 * with how many event loops, in plaintext or over TLS. The default (TCP, one loop, plaintext)
 * is the shootout as it was before variants existed.
 *
 * @param unix  a Unix domain socket instead of TCP loopback
 * @param loops event-loop threads of the server (1 for servers that have no loops)
 * @param tls   every connection speaks TLS
 */
record Variant(boolean unix, int loops, boolean tls) {

    Variant {
        if (loops < 1) {
            throw new IllegalArgumentException("--loops must be at least 1, got " + loops);
        }
    }

    /** tcp, unix, tcp+tls or unix+tls: the transport column of the results. */
    String transport() {
        return (unix ? "unix" : "tcp") + (tls ? "+tls" : "");
    }

    /** The same variant over TCP: the baseline of the unix-vs-tcp ratio. */
    Variant overTcp() {
        return new Variant(false, loops, tls);
    }

    /** The same variant with one loop: the baseline of the scaling ratio. */
    Variant oneLoop() {
        return new Variant(unix, 1, tls);
    }

    /** A server in this variant, as the tables and file names show it: {@code twine}, {@code twine unix x2}. */
    String label(EchoKind server) {
        return server.label() + (unix ? " unix" : "") + (loops > 1 ? " x" + loops : "");
    }
}
