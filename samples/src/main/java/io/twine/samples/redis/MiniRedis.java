package io.twine.samples.redis;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.reactor.EventLoop;
import io.twine.reactor.Reactor;
import io.twine.reactor.Scheduler;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.ServerStarter;
import io.twine.samples.support.StartedServer;
import io.twine.samples.support.StreamSockets;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * {@code mini-redis}: a server that speaks the Redis protocol (RESP2) for a small set of
 * commands, with replies byte for byte the same as Redis 7's. Try it with
 * {@code redis-cli -p 6379} or {@code redis-benchmark}.
 *
 * <p>Five small parts, read in this order: {@link RedisConnection} (one client, from the bytes
 * of a request to its reply, with flow control), {@link RespDecoder} and {@link RespWriter} (the
 * protocol), {@link CommandTable} and {@link Commands} (what each command does), {@link Store}
 * (keys, values and expiry on the reactor's timers) with {@link PubSub} (channels).
 *
 * <p>It goes further than Redis in two ways. Memory is bounded by construction: a client that
 * pipelines requests and never reads its replies is paused, not buffered for (Redis gives normal
 * clients unlimited output buffers). And a stop (SIGTERM, Ctrl-C) stops accepting, delivers every
 * reply already queued within the grace period, then exits.
 *
 * <p>No persistence, one database, RESP2 only.
 */
public final class MiniRedis {

    /** Redis's port, mini-redis's default. */
    public static final int DEFAULT_PORT = 6379;

    /** How long the loop looks for work before it sleeps, 50 µs ({@link Reactor#setIdlePoll}). */
    public static final Duration IDLE_POLL = Duration.ofNanos(50_000);

    private MiniRedis() {}

    /** Listens on {@code address}: TCP, or a Unix socket ({@code --unix PATH}, {@code redis-cli -s PATH}). A {@link ServerStarter}. */
    public static StartedServer start(EventLoop reactor, SocketAddress address, PrintStream log, SampleArgs args)
            throws IOException {
        if (reactor instanceof Reactor) {  // a real loop, not a simulated host
            // Its clients (redis-benchmark above all) pay for waking a loop that sleeps: see Reactor.setIdlePoll.
            ((Reactor) reactor).setIdlePoll(IDLE_POLL);
        }
        StartedServer server = StartedServer.of(StreamSockets.listen(reactor, address, new Server(reactor)));
        ServerStarter.announce(log, server);
        return server;
    }

    /**
     * The state all clients of one reactor share (the keyspace, the channels, the command table),
     * and the factory of their connections.
     *
     * <p>Thread: loop only.
     */
    public static final class Server extends Factory {

        private final Store store;
        private final PubSub pubSub = new PubSub();
        private final CommandTable commands;

        /** A server whose keys expire on {@code scheduler}'s clock (the reactor, or a manual clock). */
        public Server(Scheduler scheduler) {
            this.store = new Store(scheduler, System.currentTimeMillis());
            this.commands = new CommandTable(new Commands(store, pubSub));
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            return new RedisConnection(commands, pubSub);
        }

        /** How many keys hold a value now (expired keys go when their timer runs). */
        public int keyCount() {
            return store.size();
        }
    }
}
