package io.twine.samples.support;

import io.twine.reactor.ReactorGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketAddress;

/**
 * Starts a server sample on every loop of a {@link ReactorGroup} ({@code --loops N}): like a
 * {@link ServerStarter}, with a factory per loop. Called before the group starts.
 */
@FunctionalInterface
public interface GroupServerStarter {

    /**
     * Listens on {@code address} from every loop of {@code group}.
     *
     * @throws IOException if the address cannot be bound
     * @throws UsageException if a sample-specific option is invalid
     */
    StartedServer start(ReactorGroup group, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException, UsageException;
}
