package io.twine.samples.support;

import io.twine.reactor.ReactorGroup;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * Runs a server sample that takes {@code --loops N}: with one loop exactly as
 * {@link ServerCommand} does (nothing gets slower), with more on a {@link ReactorGroup} whose
 * loops share the port, until Ctrl-C stops them all.
 *
 * <p>Thread: waits on the calling thread while the loops run on their own.
 */
public final class GroupServerCommand {

    /** {@code --loops N}: how many loops (threads) serve; each connection stays on one. */
    public static final OptionSpec LOOPS = new OptionSpec("loops", "N",
            "serve on N loops, one thread each, sharing the port (SO_REUSEPORT on Linux)", "1");
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private GroupServerCommand() {}

    /** Runs {@code single} for one loop, {@code group} for more. */
    public static int run(String name, ServerStarter single, GroupServerStarter group, SampleArgs args,
            Console console) {
        int loops;
        try {
            loops = (int) args.number(LOOPS.name(), 1, 1024);
        } catch (UsageException e) {
            console.err().println(name + ": " + e.getMessage());
            return ExitStatus.USAGE;
        }
        if (loops == 1) {
            return ServerCommand.run(name, single, args, console);
        }
        ReactorGroup reactors = new ReactorGroup(loops);
        try {
            SocketAddress address = args.address();
            group.start(reactors, address, console.out(), args);
        } catch (UsageException e) {
            console.err().println(name + ": " + e.getMessage());
            return ExitStatus.USAGE;
        } catch (IOException e) {
            console.err().println(name + ": cannot listen: " + e.getMessage());
            return ExitStatus.FAILED;
        }
        Thread hook = new Thread(() -> {
            reactors.stop();  // Ctrl-C: every loop flushes its connections before the JVM exits
            try {
                reactors.awaitTermination(SHUTDOWN_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        console.groupReady(reactors);
        reactors.start();
        try {
            while (!reactors.awaitTermination(Duration.ofHours(1))) {
                // serve until stopped
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reactors.stop();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is what stopped us
        }
        console.out().flush();
        return ExitStatus.OK;
    }
}
