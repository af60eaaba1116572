package io.twine.samples.support;

import io.twine.reactor.Reactor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a server sample from the command line: listen, say where, serve until Ctrl-C (or, in a
 * test, until the reactor is stopped), then stop in Twisted's order so open connections get to
 * flush.
 *
 * <p>Thread: runs the reactor on the calling thread.
 */
public final class ServerCommand {

    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

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
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // Ctrl-C: stop in order (listeners, then connections flush) before the JVM exits.
            reactor.stop();
            try {
                finished.await(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            console.reactorReady(reactor);
            reactor.run();
        } finally {
            finished.countDown();
            removeHook(hook);
        }
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

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is what stopped us.
        }
    }
}
