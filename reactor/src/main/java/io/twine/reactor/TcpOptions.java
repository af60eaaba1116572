package io.twine.reactor;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Socket options for {@link EventLoop#listenTcp} and {@link EventLoop#connectTcp} (which {@code io.twine.transport.tcp.Tcp} calls). Immutable: each {@code with...}
 * returns a copy.
 *
 * <p><b>TCP_NODELAY is on by default.</b> The reactor already coalesces every write made during
 * one loop iteration into one gathering write, which is what Nagle's algorithm would do for us;
 * leaving Nagle on only adds its wait, and with the peer's delayed ACK that wait reaches 40 ms
 * or more on every request/response exchange.
 */
public final class TcpOptions {

    private static final int SYSTEM_MAX_BACKLOG = ListenBacklog.systemMaximum();
    private static final TcpOptions DEFAULTS = new TcpOptions(SYSTEM_MAX_BACKLOG, true, false, 0, 0, Duration.ofSeconds(30), 0, false, null);

    private final int backlog;
    private final boolean noDelay;
    private final boolean keepAlive;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final Duration connectTimeout;
    private final int maxConnections;
    private final boolean reusePort;
    private final InetSocketAddress bindAddress;

    private TcpOptions(int backlog, boolean noDelay, boolean keepAlive, int receiveBufferSize,
            int sendBufferSize, Duration connectTimeout, int maxConnections, boolean reusePort,
            InetSocketAddress bindAddress) {
        this.backlog = backlog;
        this.noDelay = noDelay;
        this.keepAlive = keepAlive;
        this.receiveBufferSize = receiveBufferSize;
        this.sendBufferSize = sendBufferSize;
        this.connectTimeout = connectTimeout;
        this.maxConnections = maxConnections;
        this.reusePort = reusePort;
        this.bindAddress = bindAddress;
    }

    /**
     * The system's largest listen backlog (as Netty; see {@link #withBacklog}), TCP_NODELAY on, keep-alive off, the kernel's buffer sizes, and a
     * 30 second connect timeout (Twisted's).
     *
     * @return the shared default options; every {@code with} method returns a changed copy
     */
    public static TcpOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The listen backlog: how many connections the kernel queues before we accept them. 0 means
     * the system's largest, the default: on Linux {@code net.core.somaxconn}, read from
     * {@code /proc/sys/net/core/somaxconn}; elsewhere, or if that cannot be read, 4096, which
     * the kernel lowers to its own limit.
     *
     * @param backlog 0 for the system's largest, else the queue length asked of the kernel
     * @return a copy with that backlog
     */
    public TcpOptions withBacklog(int backlog) {
        OptionChecks.zeroOrPositive("backlog", backlog, "the system's largest");
        return new TcpOptions(backlog == 0 ? SYSTEM_MAX_BACKLOG : backlog, noDelay, keepAlive, receiveBufferSize, sendBufferSize,
                connectTimeout, maxConnections, reusePort, bindAddress);
    }

    /**
     * TCP_NODELAY: true (the default) sends small segments at once.
     *
     * @param noDelay false lets the kernel coalesce small writes (Nagle's algorithm)
     * @return a copy with that setting
     */
    public TcpOptions withNoDelay(boolean noDelay) {
        return new TcpOptions(backlog, noDelay, keepAlive, receiveBufferSize, sendBufferSize, connectTimeout, maxConnections, reusePort, bindAddress);
    }

    /**
     * SO_KEEPALIVE: probe idle connections so that a vanished peer is noticed eventually.
     *
     * @param keepAlive true to turn the probes on
     * @return a copy with that setting
     */
    public TcpOptions withKeepAlive(boolean keepAlive) {
        return new TcpOptions(backlog, noDelay, keepAlive, receiveBufferSize, sendBufferSize, connectTimeout, maxConnections, reusePort, bindAddress);
    }

    /**
     * SO_RCVBUF in bytes; 0 keeps the kernel's default.
     *
     * @param bytes the buffer size asked of the kernel, which may round it
     * @return a copy with that size
     */
    public TcpOptions withReceiveBufferSize(int bytes) {
        return new TcpOptions(backlog, noDelay, keepAlive, OptionChecks.bufferSize("receive", bytes), sendBufferSize, connectTimeout, maxConnections, reusePort, bindAddress);
    }

    /**
     * SO_SNDBUF in bytes; 0 keeps the kernel's default.
     *
     * @param bytes the buffer size asked of the kernel, which may round it
     * @return a copy with that size
     */
    public TcpOptions withSendBufferSize(int bytes) {
        return new TcpOptions(backlog, noDelay, keepAlive, receiveBufferSize, OptionChecks.bufferSize("send", bytes), connectTimeout, maxConnections, reusePort, bindAddress);
    }

    /**
     * How long a connect may take before it fails with a timed-out reason.
     *
     * @param timeout positive; the connect fails with a timed-out reason when it passes
     * @return a copy with that timeout
     */
    public TcpOptions withConnectTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connect timeout must be positive, got " + timeout);
        }
        return new TcpOptions(backlog, noDelay, keepAlive, receiveBufferSize, sendBufferSize, timeout, maxConnections, reusePort, bindAddress);
    }

    /**
     * The most connections one listening port keeps open at once; 0 (the default) means no
     * limit beyond the process's descriptors. A connection beyond the limit is accepted and
     * closed at once, so its client learns straight away (an end of stream before any data)
     * instead of waiting in the kernel's backlog; each episode of refusals is logged once.
     *
     * @param maxConnections 0 for no limit
     * @return a copy with that limit
     */
    public TcpOptions withMaxConnections(int maxConnections) {
        OptionChecks.zeroOrPositive("max connections", maxConnections, "no limit");
        return new TcpOptions(backlog, noDelay, keepAlive, receiveBufferSize, sendBufferSize, connectTimeout, maxConnections, reusePort, bindAddress);
    }

    /**
     * Lets several listening sockets bind the same address and port ({@code SO_REUSEPORT}, Linux
     * and the BSDs), the kernel spreading new connections among them: how a
     * {@code io.twine.transport.tcp.TcpGroup} gives every loop its own listener. Off by default.
     *
     * @param reusePort true to set {@code SO_REUSEPORT} on the listening socket
     * @return a copy with that setting
     * @throws UnsupportedOperationException at listen time where the platform lacks it
     */
    public TcpOptions withReusePort(boolean reusePort) {
        return new TcpOptions(backlog, noDelay, keepAlive, receiveBufferSize, sendBufferSize, connectTimeout,
                maxConnections, reusePort, bindAddress);
    }

    /** {@return true if listening sockets set {@code SO_REUSEPORT}} */
    public boolean reusePort() {
        return reusePort;
    }

    /**
     * The local address a connect binds to before connecting (Twisted's {@code bindAddress}): a
     * source address on a machine with several, and a port if one is wanted (0 lets the kernel
     * pick). Null, the default, leaves both to the kernel. Used by connects only.
     *
     * @param bindAddress the local address to bind, or null for the kernel's choice
     * @return a copy with that address
     */
    public TcpOptions withBindAddress(InetSocketAddress bindAddress) {
        return new TcpOptions(backlog, noDelay, keepAlive, receiveBufferSize, sendBufferSize, connectTimeout, maxConnections,
                reusePort, bindAddress);
    }

    /**
     * The local address connects bind to, or null for the kernel's choice.
     *
     * @return the address, or null
     */
    public InetSocketAddress bindAddress() {
        return bindAddress;
    }

    /**
     * The listen backlog asked for: the system's largest unless set.
     *
     * @return the backlog passed to {@code bind}, positive
     */
    public int backlog() {
        return backlog;
    }

    /** {@return true if TCP_NODELAY is set on each connection} */
    public boolean noDelay() {
        return noDelay;
    }

    /** {@return true if SO_KEEPALIVE is set on each connection} */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** {@return SO_RCVBUF in bytes, or 0 for the kernel's default} */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** {@return SO_SNDBUF in bytes, or 0 for the kernel's default} */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** {@return how long a connect may take before it fails} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return the most connections one listening port keeps open, or 0 for no limit} */
    public int maxConnections() {
        return maxConnections;
    }

    @Override
    public String toString() {
        return "TcpOptions[backlog=" + backlog + ", noDelay=" + noDelay + ", keepAlive=" + keepAlive
                + ", receiveBufferSize=" + receiveBufferSize + ", sendBufferSize=" + sendBufferSize
                + ", connectTimeout=" + connectTimeout + ", maxConnections=" + maxConnections + ", reusePort=" + reusePort
                + (bindAddress != null ? ", bindAddress=" + bindAddress : "") + "]";
    }
}
