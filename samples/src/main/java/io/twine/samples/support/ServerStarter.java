package io.twine.samples.support;

import io.twine.reactor.Reactor;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketAddress;

/**
 * Starts one server sample on a reactor: the part of a server that the launcher, the demo and
 * tests share. A starter listens, prints {@code listening on HOST:PORT} (see
 * {@link #announce}) and then whatever the seed's server prints, and returns; the caller runs
 * the loop.
 */
@FunctionalInterface
public interface ServerStarter {

    /**
     * Listens on {@code address}: an {@link java.net.InetSocketAddress} (port 0 picks a free
     * port) or, for a stream server given {@code --unix}, a {@link java.net.UnixDomainSocketAddress}.
     *
     * @param log where the server's log lines go
     * @param args the sample's options (all at their defaults in the demo)
     * @throws IOException if the address cannot be bound
     * @throws UsageException if a sample-specific option is invalid
     */
    StartedServer start(Reactor reactor, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException, UsageException;

    /** The one line every server prints once it listens. */
    static void announce(PrintStream log, StartedServer server) {
        log.println("listening on " + Addresses.hostPort(server.address()));
    }
}
