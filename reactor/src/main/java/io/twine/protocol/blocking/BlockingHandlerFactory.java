package io.twine.protocol.blocking;

import io.twine.protocol.Factory;
import io.twine.protocol.Protocol;
import io.twine.reactor.Reactor;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves every connection with a {@link BlockingHandler} on a worker thread, the way Python's
 * {@code ThreadingMixIn} serves a {@code StreamRequestHandler}, while the socket itself stays
 * non-blocking on the reactor. Give it to {@code Tcp.listen} like any other factory:
 *
 * <pre>{@code
 * Tcp.listen(reactor, address, new BlockingHandlerFactory(reactor, connection -> {
 *     connection.input().transferTo(connection.output());   // echo until the peer finishes
 * }));
 * }</pre>
 *
 * <p><b>Workers.</b> Each connection's handler is started, from {@code connectionMade}, on the
 * executor given to the constructor. Without one, the factory uses a pool of its own from
 * {@link #newWorkerPool} with {@value #DEFAULT_MAX_THREADS} threads and room for
 * {@value #DEFAULT_MAX_WAITING} connections waiting for a free thread; a connection beyond that is
 * refused: the error is reported once through the reactor and the connection is aborted. The pool
 * is created by {@code startFactory} and shut down by {@code stopFactory} (when the last listening
 * port using the factory closes; handlers still running finish). Its threads are daemons, so they
 * never keep the JVM alive on their own. An executor given by the caller is the caller's to shut
 * down; it must run tasks on threads other than the loop's (one that runs them on the calling
 * thread is detected: the connection is aborted with an error saying so).
 *
 * <p><b>Flow control and memory.</b> Per connection, at most:
 * <ul>
 *   <li>inbound: {@link #setInboundLimit inbound limit} bytes plus one read of the loop
 *       ({@link Reactor#READ_BUFFER_SIZE}) wait for the handler; at the limit the connection stops
 *       reading from the socket, and reads again once the handler has consumed half;</li>
 *   <li>outbound: {@link #setOutboundLimit outbound limit} bytes in the transport's queue plus
 *       {@link #WRITE_BUFFER_SIZE} on the handler's side; a handler writing faster than the peer
 *       reads blocks in {@code write}.</li>
 * </ul>
 * Buffers start at 4 KiB and grow only as far as the traffic needs.
 *
 * <p>Thread: like every {@link Factory}, loop only (or before the reactor runs).
 */
public class BlockingHandlerFactory extends Factory {

    /** Worker threads of the default pool. */
    public static final int DEFAULT_MAX_THREADS = 64;
    /** Connections that may wait for a thread of the default pool before new ones are refused. */
    public static final int DEFAULT_MAX_WAITING = 64;
    /** Default bytes queued for the handler before reading pauses: 64 KiB. */
    public static final int DEFAULT_INBOUND_LIMIT = 64 * 1024;
    /** Default bytes queued in the transport before the handler's writes wait: 64 KiB. */
    public static final int DEFAULT_OUTBOUND_LIMIT = 64 * 1024;
    /** Bytes a handler can write ahead of the loop before {@code write} waits: 16 KiB. */
    public static final int WRITE_BUFFER_SIZE = 16 * 1024;
    /** The largest limit accepted, so that a typo cannot ask for gigabytes per connection. */
    public static final int MAX_LIMIT = 64 * 1024 * 1024;

    private final Reactor reactor;
    private final BlockingHandler handler;
    /** The caller's executor, or null when the factory runs its own pool. */
    private final Executor givenExecutor;
    private ExecutorService ownPool;
    private int inboundLimit = DEFAULT_INBOUND_LIMIT;
    private int outboundLimit = DEFAULT_OUTBOUND_LIMIT;

    /**
     * Serves connections with {@code handler} on a default pool (see the class comment).
     *
     * @param reactor the loop the connections live on
     * @param handler called on a worker thread, once per connection; must be thread-safe
     */
    public BlockingHandlerFactory(Reactor reactor, BlockingHandler handler) {
        this.reactor = Objects.requireNonNull(reactor, "reactor");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.givenExecutor = null;
    }

    /**
     * Serves connections with {@code handler} on {@code executor}, which the caller owns. If it
     * refuses a task ({@link java.util.concurrent.RejectedExecutionException}), that connection is
     * aborted and the refusal reported.
     *
     * @param reactor the loop the connections live on
     * @param handler called on a worker thread, once per connection; must be thread-safe
     * @param executor runs one handler call per connection; not shut down by this factory
     */
    public BlockingHandlerFactory(Reactor reactor, BlockingHandler handler, Executor executor) {
        this.reactor = Objects.requireNonNull(reactor, "reactor");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.givenExecutor = Objects.requireNonNull(executor, "executor");
    }

    /**
     * A pool of at most {@code maxThreads} daemon threads named {@code twine-handler-N}, which
     * lets {@code maxWaiting} tasks wait for a thread and refuses more
     * ({@link java.util.concurrent.RejectedExecutionException}). Idle threads end after 30
     * seconds. Thread-safe.
     *
     * @param maxThreads the most handlers running at once
     * @param maxWaiting the most connections waiting for a thread
     * @return a new pool; the caller shuts it down
     * @throws IllegalArgumentException if {@code maxThreads < 1} or {@code maxWaiting < 1}
     */
    public static ExecutorService newWorkerPool(int maxThreads, int maxWaiting) {
        if (maxThreads < 1 || maxWaiting < 1) {
            throw new IllegalArgumentException("need at least one thread and one waiting place, got "
                    + maxThreads + " threads and " + maxWaiting + " waiting");
        }
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(maxWaiting), runnable -> {
                    Thread thread = new Thread(runnable, "twine-handler-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Builds the protocol that runs the handler for one connection. Loop thread. Override it to
     * refuse a peer (return null) before any thread is used.
     */
    @Override
    public Protocol buildProtocol(SocketAddress peer) {
        return new ThreadedConnection(reactor, handler, executor(), inboundLimit, outboundLimit,
                WRITE_BUFFER_SIZE);
    }

    /** Creates the default pool if this factory uses one. Loop thread. */
    @Override
    public void startFactory() {
        if (givenExecutor == null && ownPool == null) {
            ownPool = newWorkerPool(DEFAULT_MAX_THREADS, DEFAULT_MAX_WAITING);
        }
    }

    /** Shuts the default pool down, if this factory uses one; running handlers finish. Loop thread. */
    @Override
    public void stopFactory() {
        if (ownPool != null) {
            ownPool.shutdown();
            ownPool = null;
        }
    }

    private Executor executor() {
        if (givenExecutor != null) {
            return givenExecutor;
        }
        if (ownPool == null) {
            // Used without a listening port (a test driving buildProtocol by hand).
            startFactory();
        }
        return ownPool;
    }

    /**
     * Bytes queued for the handler before reading from the peer pauses.
     *
     * @return bytes
     */
    public int getInboundLimit() {
        return inboundLimit;
    }

    /**
     * Sets the inbound limit for connections made from now on. Loop thread.
     *
     * @param bytes the limit, per connection
     * @throws IllegalArgumentException unless {@code 1 <= bytes <= MAX_LIMIT}
     */
    public void setInboundLimit(int bytes) {
        this.inboundLimit = checkLimit("inbound", bytes);
    }

    /**
     * Bytes queued in the transport before a handler's writes wait for the peer.
     *
     * @return bytes
     */
    public int getOutboundLimit() {
        return outboundLimit;
    }

    /**
     * Sets the outbound limit for connections made from now on. Loop thread.
     *
     * @param bytes the limit, per connection
     * @throws IllegalArgumentException unless {@code 1 <= bytes <= MAX_LIMIT}
     */
    public void setOutboundLimit(int bytes) {
        this.outboundLimit = checkLimit("outbound", bytes);
    }

    private static int checkLimit(String which, int bytes) {
        if (bytes < 1 || bytes > MAX_LIMIT) {
            throw new IllegalArgumentException("the " + which + " limit must be between 1 and "
                    + MAX_LIMIT + " bytes, got " + bytes);
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "BlockingHandlerFactory[" + handler + "]";
    }
}
