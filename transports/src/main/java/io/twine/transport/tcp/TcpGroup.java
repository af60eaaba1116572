package io.twine.transport.tcp;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
import io.twine.reactor.ReactorGroup;
import io.twine.reactor.ShutdownPhase;
import io.twine.reactor.TcpOptions;
import io.twine.reactor.spi.Failures;
import io.twine.reactor.spi.TransportLoops;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Listening on one address from every loop of a {@link ReactorGroup}, with a factory per loop
 * (shared nothing: each factory is only ever called on its own loop's thread).
 *
 * <p>Two ways to spread the connections, which differ in what a busy loop does to the others:
 * <ul>
 *   <li>{@link Balancing#REUSE_PORT}: every loop has its own listening socket on the address
 *       ({@code SO_REUSEPORT}); the kernel hashes each new connection to one of them. No loop
 *       waits for another to accept, and a loop that blocks stops only its own accepts; but the
 *       kernel does not know a loop is blocked, so the connections it already hashed there wait
 *       until that loop runs again. Linux and the BSDs only.</li>
 *   <li>{@link Balancing#ROUND_ROBIN} and {@link Balancing#FEWEST_CONNECTIONS}: loop 0 accepts
 *       every connection and hands the channel to a loop (by {@code callFromThread}), in turn or
 *       to the loop with the fewest hand-offs not yet taken, then the fewest open connections. A
 *       blocked loop keeps the hand-offs it has not taken, so {@code FEWEST_CONNECTIONS} steers
 *       new connections away from it after the first: the others keep being served, and only
 *       what was handed to the blocked loop waits for it. The price: all accepts go through loop 0, and
 *       while loop 0 itself is blocked nobody accepts.</li>
 * </ul>
 * {@link Balancing#platformDefault()} is {@code REUSE_PORT} on Linux and
 * {@code FEWEST_CONNECTIONS} elsewhere.
 *
 * <p>Thread: any. Listening happens on each loop's thread (at once before the group starts).
 */
public final class TcpGroup {

    /** How a group's connections are spread over its loops. */
    public enum Balancing {
        /** Every loop listens on the address itself and the kernel picks the loop ({@code SO_REUSEPORT}). */
        REUSE_PORT,
        /** Loop 0 accepts and hands connections to the loops in turn. */
        ROUND_ROBIN,
        /** Loop 0 accepts and hands each connection to the least loaded loop. */
        FEWEST_CONNECTIONS;

        /**
         * {@code REUSE_PORT} where the kernel balances it (Linux), else {@code FEWEST_CONNECTIONS}.
         *
         * @return the balancing for this platform
         */
        public static Balancing platformDefault() {
            return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                    ? REUSE_PORT : FEWEST_CONNECTIONS;
        }
    }

    private static final long SET_UP_TIMEOUT_SECONDS = 30;

    private TcpGroup() {}

    /**
     * Listens with {@link TcpOptions#defaults()} and {@link Balancing#platformDefault()}.
     *
     * @param group the loops to listen from
     * @param address the local address; port 0 picks one free port for all loops
     * @param factoryPerLoop asked once per loop, on the calling thread
     * @return one port for the whole group; {@code stopListening} closes every loop's listener
     * @throws IOException if the address cannot be bound
     */
    public static ListeningPort listen(ReactorGroup group, SocketAddress address, Supplier<? extends Factory> factoryPerLoop)
            throws IOException {
        return listen(group, address, factoryPerLoop, TcpOptions.defaults(), Balancing.platformDefault());
    }

    /**
     * Listens on {@code address} from every loop of {@code group}. {@code factoryPerLoop} is asked
     * once per loop, in loop order, on the calling thread; each factory is then used on its loop
     * only. Port 0 picks one free port for the whole group, which {@code getHost()} reports.
     *
     * @param group the loops to listen from
     * @param address the local address
     * @param factoryPerLoop asked once per loop, on the calling thread
     * @param options socket options and limits for every loop's listener and connections
     * @param balancing how connections are spread over the loops
     * @return one port for the whole group; {@code stopListening} closes every loop's listener
     * @throws IOException if the address cannot be bound (no loop is left listening then)
     */
    public static ListeningPort listen(ReactorGroup group, SocketAddress address,
            Supplier<? extends Factory> factoryPerLoop, TcpOptions options, Balancing balancing) throws IOException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(factoryPerLoop, "factoryPerLoop");
        Objects.requireNonNull(options, "options");
        List<Factory> factories = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            factories.add(Objects.requireNonNull(factoryPerLoop.get(), "factoryPerLoop gave null"));
        }
        List<ListeningPort> ports = new ArrayList<>();
        try {
            if (balancing == Balancing.REUSE_PORT) {
                SocketAddress bind = address;
                TcpOptions shared = options.withReusePort(true);
                for (int i = 0; i < group.size(); i++) {
                    Reactor loop = group.get(i);
                    Factory factory = factories.get(i);
                    SocketAddress where = bind;
                    ListeningPort port = onLoop(loop, () -> TcpListener.open(TransportLoops.of(loop), where, factory, shared));
                    ports.add(port);
                    bind = port.getHost();  // port 0: the others join the port the first one got
                }
            } else {
                HandOff handOff = new HandOff(group, factories, options, balancing);
                for (LoopShare share : handOff.shares) {
                    onLoop(share.loop, () -> {
                        share.loop.addShutdownTrigger(ShutdownPhase.AFTER, share::loopFinished);
                        return null;
                    });
                }
                Reactor acceptor = group.get(0);
                ports.add(onLoop(acceptor, () -> TcpListener.open(TransportLoops.of(acceptor), address, factories.get(0), options,
                        handOff::dispatch)));
            }
        } catch (IOException | RuntimeException e) {
            for (ListeningPort port : ports) {
                stopOnLoop(port, group);
            }
            throw e;
        }
        return new GroupPort(group, ports);
    }

    /** Runs {@code work} on {@code loop}'s thread and waits for it (directly, before the loop runs). */
    private static <T> T onLoop(Reactor loop, IoCallable<T> work) throws IOException {
        if (!loop.isRunning() || loop.isInLoopThread()) {
            return work.call();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.callFromThread(() -> {
            try {
                result.complete(work.call());
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(SET_UP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listening", e);
        } catch (TimeoutException e) {
            throw new IOException("loop " + loop + " did not run the listen within " + SET_UP_TIMEOUT_SECONDS + " s", e);
        }
    }

    private static void stopOnLoop(ListeningPort port, ReactorGroup group) {
        for (Reactor loop : group.loops()) {
            if (port instanceof TcpListener && ((TcpListener) port).loop.eventLoop() == loop) {
                if (!loop.isRunning() || loop.isInLoopThread()) {
                    port.stopListening();
                } else {
                    loop.callFromThread(port::stopListening);
                }
            }
        }
    }

    @FunctionalInterface
    private interface IoCallable<T> {
        T call() throws IOException;
    }

    /**
     * Loop 0's side of the hand-off: picks a loop for each accepted channel and posts it there;
     * each loop's {@link LoopShare} then builds the connection on its own thread. A loop that has
     * finished is passed over.
     */
    private static final class HandOff {
        final List<LoopShare> shares = new ArrayList<>();
        private final Balancing balancing;
        private int next;

        HandOff(ReactorGroup group, List<Factory> factories, TcpOptions options, Balancing balancing) {
            this.balancing = balancing;
            for (int i = 0; i < group.size(); i++) {
                shares.add(new LoopShare(group.get(i), factories.get(i), options));
            }
        }

        /** Loop 0's thread. */
        void dispatch(SocketChannel channel) {
            LoopShare chosen = choose();
            next = (shares.indexOf(chosen) + 1) % shares.size();
            chosen.handOver(channel);
        }

        /**
         * Round robin: the next loop that has not finished. Fewest connections: fewest hand-offs
         * not yet taken first (a loop that is blocked keeps its untaken ones, a loop that runs
         * takes them within a turn), then fewest open connections; ties go round, from the loop
         * after the last one chosen.
         */
        private LoopShare choose() {
            LoopShare target = null;
            for (int i = 0; i < shares.size(); i++) {
                LoopShare share = shares.get((next + i) % shares.size());
                if (share.hasFinished()) {
                    continue;
                }
                if (target == null) {
                    target = share;
                    if (balancing == Balancing.ROUND_ROBIN) {
                        break;
                    }
                } else {
                    int pending = share.pending.get();
                    int targetPending = target.pending.get();
                    if (pending < targetPending || (pending == targetPending && share.open.get() < target.open.get())) {
                        target = share;
                    }
                }
            }
            return target != null ? target : shares.get(next);  // all finished: handOver closes it
        }
    }

    /**
     * One loop's connections from a hand-off listener: built, counted and closed on that loop.
     *
     * <p>The channels handed over wait in a queue of their own rather than inside the task that
     * takes them, because a task posted to a loop that has finished never runs: whoever finds the
     * loop finished closes what waits, so no descriptor is left open. The loop's last shutdown
     * trigger marks it finished and closes what waits then; loop 0 checks the mark after each
     * hand-off and closes what waits if it is set. One of the two sees every channel.
     */
    static final class LoopShare implements ConnectionOwner {
        final Reactor loop;
        final Factory factory;
        final TcpOptions options;
        /** Handed over by loop 0 and not yet taken by this loop. */
        final AtomicInteger pending = new AtomicInteger();
        /** Taken and not yet closed; written by this loop, read by loop 0. */
        final AtomicInteger open = new AtomicInteger();
        private final Queue<SocketChannel> handed = new ConcurrentLinkedQueue<>();
        /** Set by this loop's last shutdown trigger: it takes no more channels. */
        private volatile boolean finished;

        LoopShare(Reactor loop, Factory factory, TcpOptions options) {
            this.loop = loop;
            this.factory = factory;
            this.options = options;
        }

        /** True once this loop has stopped taking channels (or its {@code run()} has returned). */
        boolean hasFinished() {
            return finished || loop.finalMetrics() != null;
        }

        /** Loop 0's thread: gives {@code channel} to this loop, or closes it if this loop has finished. */
        void handOver(SocketChannel channel) {
            pending.incrementAndGet();
            handed.add(channel);
            if (hasFinished()) {
                closeWaiting();
            } else {
                loop.callFromThread(this::takeWaiting);
            }
        }

        /** This loop's thread, as its last shutdown trigger. */
        void loopFinished() {
            finished = true;
            closeWaiting();
        }

        /** This loop's thread. */
        private void takeWaiting() {
            SocketChannel channel;
            while ((channel = handed.poll()) != null) {
                pending.decrementAndGet();
                if (finished) {
                    closeQuietly(channel);
                } else {
                    adopt(channel);
                }
            }
        }

        /** Any thread: closes every channel still waiting. */
        private void closeWaiting() {
            SocketChannel channel;
            while ((channel = handed.poll()) != null) {
                pending.decrementAndGet();
                closeQuietly(channel);
            }
        }

        /** This loop's thread. */
        private void adopt(SocketChannel channel) {
            open.incrementAndGet();
            Protocol protocol;
            SocketAddress peer = null;
            try {
                Tcp.configure(channel, options, Tcp.isUnixDomain(channel.getLocalAddress()));
                peer = channel.getRemoteAddress();
                protocol = factory.buildProtocol(peer);
            } catch (Throwable error) {
                Failures.rethrowIfFatal(error);
                loop.reportError("buildProtocol of " + factory.getClass().getName() + " for " + peer, error);
                dropped(channel);
                return;
            }
            if (protocol == null) {
                dropped(channel);
                return;
            }
            try {
                new TcpConnection(TransportLoops.of(loop), channel, protocol, factory.getMaxWriteBufferSize(), this).start(null);
            } catch (IOException e) {
                dropped(channel);  // the peer left before the connection was registered
            }
        }

        private void dropped(SocketChannel channel) {
            open.decrementAndGet();
            closeQuietly(channel);
        }

        private void closeQuietly(SocketChannel channel) {
            try {
                channel.close();
            } catch (IOException e) {
                loop.reportError("closing a handed-off connection", e);
            }
        }

        @Override
        public void connectionClosed(TcpConnection connection, Reason reason) {
            open.decrementAndGet();
        }
    }

    /** The group's listening sockets as one port. */
    private static final class GroupPort implements ListeningPort {
        private final ReactorGroup group;
        private final List<ListeningPort> ports;

        GroupPort(ReactorGroup group, List<ListeningPort> ports) {
            this.group = group;
            this.ports = List.copyOf(ports);
        }

        @Override
        public SocketAddress getHost() {
            return ports.get(0).getHost();
        }

        /** Thread-safe: each socket stops on its own loop. */
        @Override
        public void stopListening() {
            for (ListeningPort port : ports) {
                stopOnLoop(port, group);
            }
        }

        /** True while any of the group's sockets listens. Best read from a loop thread. */
        @Override
        public boolean isListening() {
            for (ListeningPort port : ports) {
                if (port.isListening()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "TcpGroup[" + getHost() + ", " + ports.size() + " sockets]";
        }
    }
}
