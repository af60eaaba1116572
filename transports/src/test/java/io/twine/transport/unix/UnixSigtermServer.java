package io.twine.transport.unix;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.reactor.Reactor;
import java.nio.file.Path;

/**
 * A Unix-socket server for {@link UnixSigtermTest}, run in a child JVM: it listens on the path
 * given, relies on {@link Reactor#installShutdownHook()} alone for a graceful stop, and says when
 * it listens.
 */
public final class UnixSigtermServer {

    private UnixSigtermServer() {}

    public static void main(String[] args) throws Exception {
        Reactor reactor = new Reactor();
        Unix.listen(reactor, Path.of(args[0]), Factory.forProtocol(() -> new Protocol() { }));
        reactor.installShutdownHook();
        System.out.println("listening");
        System.out.flush();
        reactor.run();
    }
}
