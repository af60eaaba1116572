package io.twine.reactor;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * What code that listens, connects and schedules needs from a reactor (Twisted's
 * {@code IReactorCore}, {@code IReactorTime}, {@code IReactorTCP}, {@code IReactorUDP} and
 * {@code IReactorThreads} in one interface). {@code Tcp}, {@code Udp} and the endpoints of the
 * transports module go through it, and so can a program: written against {@code EventLoop}
 * rather than {@link Reactor}, it can be tested with {@link io.twine.testing.MemoryReactor},
 * which records listens and connects instead of opening sockets.
 *
 * <p>{@link Reactor} implements it with a selector and real sockets.
 *
 * <p>Thread: {@link #callFromThread}, {@link #stop}, {@link #deferToThread} and
 * {@link #isInLoopThread} are thread-safe; everything else is loop-only (or, before the loop runs, on the thread that will
 * run it).
 */
public interface EventLoop extends Scheduler {

    /**
     * Queues {@code task} to run once on the loop thread. Tasks from one thread run in the order
     * they were queued. Thread-safe: the way into the loop from any other thread.
     *
     * @param task runs on the loop thread; what it throws is reported, the loop goes on
     */
    void callFromThread(Runnable task);

    /**
     * Asks the loop to stop: its shutdown triggers run, listeners close, connections flush and
     * close, then the loop returns. Thread-safe and idempotent.
     */
    void stop();

    /**
     * True when the caller is the thread running this loop. Thread-safe.
     *
     * @return true only on the loop thread while it runs the loop
     */
    boolean isInLoopThread();

    /**
     * Runs {@code call} once the loop runs: when it starts, or right away if it is running.
     * Loop-only (or before it runs).
     *
     * @param call runs on the loop thread, once
     */
    void callWhenRunning(Runnable call);

    /**
     * Adds a trigger that runs once when the loop stops, in {@code phase}. Loop-only (or before it
     * runs).
     *
     * @param phase before, during or after the connections close
     * @param trigger runs on the loop thread; what it throws is reported and the stop goes on
     */
    void addShutdownTrigger(ShutdownPhase phase, Runnable trigger);

    /**
     * Runs blocking {@code work} on a worker thread and completes the returned future with its
     * outcome on the loop thread. Thread-safe.
     *
     * @param <T> the work's result type
     * @param work runs on a worker thread; it must not touch transports
     * @return completed on the loop thread with the result, or exceptionally with what {@code work}
     *     threw
     */
    <T> CompletableFuture<T> deferToThread(Callable<T> work);

    /**
     * The resolver connects by host name use (Twisted's {@code IReactorPluggableResolver}).
     * Loop-only.
     *
     * @return the resolver in use, never null
     */
    NameResolver nameResolver();

    /**
     * Reports an error that no caller can handle (the loop's error reporter); never throws.
     * Loop-only.
     *
     * @param context what was running, named first in the report
     * @param error the failure, reported with its stack trace
     */
    void reportError(String context, Throwable error);

    /**
     * Binds {@code address} and accepts TCP connections, each with a protocol from
     * {@code factory} (Twisted's {@code listenTCP}); {@code factory.startFactory} runs before
     * this returns. {@code io.twine.transport.tcp.Tcp.listen} is the usual way to call it.
     *
     * @param address the local address; port 0 picks a free one ({@link ListeningPort#getPort})
     * @param factory builds one protocol per accepted connection, on the loop thread
     * @param options socket options and limits for the listener and every accepted connection
     * @return the bound listener; {@code stopListening} closes it
     * @throws IOException if the address cannot be bound; the message names it
     */
    ListeningPort listenTcp(SocketAddress address, Factory factory, TcpOptions options) throws IOException;

    /**
     * Starts connecting to {@code address} (Twisted's {@code connectTCP}). Every failure reaches
     * {@link ClientFactory#clientConnectionFailed} from the loop, never an exception from here.
     * {@code io.twine.transport.tcp.Tcp.connect} is the usual way to call it.
     *
     * @param address the peer, already resolved (endpoint strings resolve host names with the
     *     {@link #nameResolver()})
     * @param factory builds the protocol once connected and hears of failure, on the loop thread
     * @param options socket options, limits and the connect timeout
     * @return the attempt, to cancel it or read its state
     */
    Connector connectTcp(SocketAddress address, ClientFactory factory, TcpOptions options);

    /**
     * Binds {@code address} and delivers every datagram that arrives there to {@code protocol}
     * (Twisted's {@code listenUDP}); {@code protocol.startProtocol} runs before this returns.
     * {@code io.twine.transport.udp.Udp.listen} is the usual way to call it.
     *
     * @param address the local address; port 0 picks a free one
     * @param protocol receives every datagram on the loop thread
     * @param options socket options and the send queue's size
     * @return the bound socket, also handed to {@code protocol.makeConnection}
     * @throws IOException if the address cannot be bound; the message names it
     */
    DatagramTransport listenUdp(SocketAddress address, DatagramProtocol protocol, UdpOptions options)
            throws IOException;
}
