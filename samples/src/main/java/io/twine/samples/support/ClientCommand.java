package io.twine.samples.support;

import io.twine.reactor.Reactor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a client sample from the command line: lines come from the console's input on a reader
 * thread, replies go to its output, and the reactor stops when the conversation ends (an empty
 * line, the end of input, the server going away, or a refused connection).
 *
 * <p>Thread: runs the reactor on the calling thread.
 */
public final class ClientCommand {

    private ClientCommand() {}

    /**
     * Runs {@code starter} until its conversation ends.
     *
     * @return the conversation's exit code; its message, if any, goes to standard error as
     *     {@code NAME: message}
     */
    public static int run(String name, ClientStarter starter, SampleArgs args, Console console) {
        Reactor reactor = new Reactor();
        LineSource input = new StdinLineSource(console.in(), reactor, console.isTerminal());
        CompletableFuture<ExitStatus> outcome;
        try {
            SocketAddress server = args.streamAddress();
            if (server instanceof InetSocketAddress && ((InetSocketAddress) server).getPort() == 0) {
                throw new UsageException("--port must be between 1 and 65535 for a client, got 0");
            }
            outcome = starter.start(reactor, server, input, console.out(), args);
        } catch (UsageException e) {
            console.err().println(name + ": " + e.getMessage());
            return ExitStatus.USAGE;
        }
        outcome.whenComplete((status, error) -> reactor.stop());
        reactor.installShutdownHook();
        console.reactorReady(reactor);
        try {
            reactor.run();
        } finally {
            input.close();
        }
        ExitStatus status = outcome.isDone() && !outcome.isCompletedExceptionally()
                ? outcome.join()
                : ExitStatus.failed("stopped before the conversation ended");
        console.out().flush();
        if (status.message() != null) {
            console.err().println(name + ": " + status.message());
        }
        return status.code();
    }
}
