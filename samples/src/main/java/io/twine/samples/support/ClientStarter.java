package io.twine.samples.support;

import io.twine.reactor.Reactor;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Starts one client sample on a reactor: the part of a client that the launcher, the demo and
 * tests share. The client connects, sends the lines {@code input} gives, prints what comes back
 * to {@code out}, and completes the returned future, on the loop thread, when the conversation is
 * over. It never stops the reactor itself: whoever runs the loop decides (the launcher stops it,
 * the demo goes on to the next conversation).
 */
@FunctionalInterface
public interface ClientStarter {

    /**
     * Starts talking to {@code server}: an {@link java.net.InetSocketAddress}, or for a stream
     * client given {@code --unix}, a {@link java.net.UnixDomainSocketAddress}. Loop-only (or
     * before {@code run()}).
     *
     * @return completes with how the conversation ended; a refused or lost connection completes
     *     it with a failed status, never exceptionally
     * @throws UsageException if a sample-specific option is invalid
     */
    CompletableFuture<ExitStatus> start(Reactor reactor, SocketAddress server, LineSource input,
            PrintStream out, SampleArgs args) throws UsageException;
}
