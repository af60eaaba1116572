package io.twine.samples.support;

import io.twine.reactor.Reactor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Runs a server sample from the command line: listen, say where, serve until Ctrl-C (or, in a
 * test, until the reactor is stopped), then stop in Twisted's order so open connections get to
 * flush.
 *
 * <p>Thread: runs the reactor on the calling thread.
 */
public final class ServerCommand {

    private ServerCommand() {}

    /**
     * Runs {@code starter} with {@code args} until the reactor stops.
     *
     * @return {@link ExitStatus#OK} after a stop, {@link ExitStatus#FAILED} if it cannot listen,
     *     {@link ExitStatus#USAGE} for a bad option
     */
    public static int run(String name, ServerStarter starter, SampleArgs args, Console console) {
        Reactor reactor = new Reactor();
        SocketAddress address;
        StartedServer server;
        try {
            address = args.streamAddress();
            String note = exposureNote(address);
            if (note != null) {
                console.out().println(note);
            }
            server = starter.start(reactor, address, console.out(), args);
        } catch (UsageException e) {
            console.err().println(name + ": " + e.getMessage());
            return ExitStatus.USAGE;
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            console.err().println(name + ": cannot listen on " + where(args) + ": " + cause.getMessage());
            return ExitStatus.FAILED;
        }
        // Ctrl-C: stop in order (listeners, then connections flush) before the JVM exits.
        reactor.installShutdownHook();
        console.reactorReady(reactor);
        reactor.run();
        console.out().flush();
        return ExitStatus.OK;
    }

    /**
     * The one line said before listening beyond loopback, or null for a loopback address: the
     * seed binds every interface, but exposing a server is the user's explicit choice.
     */
    public static String exposureNote(SocketAddress address) {
        if (!(address instanceof InetSocketAddress) || ((InetSocketAddress) address).getAddress().isLoopbackAddress()) {
            return null;
        }
        return "note: listening on " + Addresses.hostPort(address)
                + ", not loopback: other machines can connect (the default is 127.0.0.1)";
    }

    /** Where the options said to listen, as the user wrote it. */
    private static String where(SampleArgs args) {
        try {
            if (args.streamAddress() instanceof java.net.UnixDomainSocketAddress) {
                return args.string("unix");
            }
        } catch (UsageException e) {
            // reported already by the caller's first call
        }
        return args.string("host") + ":" + args.string("port");
    }
}
