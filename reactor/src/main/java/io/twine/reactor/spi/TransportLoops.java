package io.twine.reactor.spi;

import io.twine.reactor.EventLoop;
import io.twine.reactor.Reactor;
import java.util.function.Function;

/**
 * The {@link TransportLoop} of a {@link Reactor}, for transport code that is handed a reactor
 * rather than called by one: a layer such as TLS, or a group of loops moving accepted sockets
 * between reactors. The TCP and UDP drivers need none of this; the reactor hands them its loop.
 *
 * <p>Only the transports may ask. On the module path this package is exported to
 * {@code io.twine.transports} alone; on the class path, where every public class is reachable,
 * {@link #of} checks its caller instead: a class of the {@code io.twine.transports} module, or,
 * unnamed, of {@code io.twine.transport} or a package under it.
 *
 * <p>Thread: {@link #of} is thread-safe; the loop it returns is loop-only.
 */
public final class TransportLoops {

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final String TRANSPORTS_MODULE = "io.twine.transports";
    private static final String TRANSPORTS_PACKAGE = "io.twine.transport";
    private static volatile Function<Reactor, TransportLoop> lookup;

    private TransportLoops() {}

    /**
     * Called once, by {@link Reactor}'s class initialiser, with the way to its instances' loops.
     *
     * @param reactorLoops gives each reactor's transport loop
     * @throws IllegalCallerException for any other caller, or a second call
     */
    public static void install(Function<Reactor, TransportLoop> reactorLoops) {
        if (WALKER.getCallerClass() != Reactor.class || lookup != null) {
            throw new IllegalCallerException("only the Reactor class installs the way to its loops, once");
        }
        lookup = reactorLoops;
    }

    /**
     * The transport loop of {@code reactor}.
     *
     * @param reactor a {@link Reactor}
     * @return its transport loop
     * @throws IllegalCallerException if the caller is not transport code
     * @throws IllegalArgumentException if {@code reactor} is not a {@link Reactor} (a fake event
     *     loop has no selector to plug into)
     */
    public static TransportLoop of(EventLoop reactor) {
        Class<?> caller = WALKER.getCallerClass();
        if (!isTransport(caller)) {
            throw new IllegalCallerException(caller.getName() + " asked for a reactor's transport loop, which only the"
                    + " transports (module " + TRANSPORTS_MODULE + ") may use");
        }
        if (!(reactor instanceof Reactor)) {
            throw new IllegalArgumentException("a transport loop exists only for a Reactor, not for " + reactor);
        }
        // A Reactor exists, so its class initialiser has installed the lookup.
        return lookup.apply((Reactor) reactor);
    }

    static boolean isTransport(Class<?> caller) {
        Module module = caller.getModule();
        if (module.isNamed()) {
            return module.getName().equals(TRANSPORTS_MODULE);
        }
        String pkg = caller.getPackageName();
        return pkg.equals(TRANSPORTS_PACKAGE) || pkg.startsWith(TRANSPORTS_PACKAGE + ".");
    }
}
