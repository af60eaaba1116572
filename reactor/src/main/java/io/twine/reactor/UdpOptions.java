package io.twine.reactor;

/**
 * Options for {@link EventLoop#listenUdp} (which {@code io.twine.transport.udp.Udp} calls). Immutable: each {@code with...} returns a copy.
 */
public final class UdpOptions {

    /** Default bound of the send queue, in datagrams. */
    public static final int DEFAULT_MAX_QUEUED_DATAGRAMS = 1024;

    private static final UdpOptions DEFAULTS = new UdpOptions(false, 0, 0, DEFAULT_MAX_QUEUED_DATAGRAMS);

    private final boolean reuseAddress;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final int maxQueuedDatagrams;

    private UdpOptions(boolean reuseAddress, int receiveBufferSize, int sendBufferSize, int maxQueuedDatagrams) {
        this.reuseAddress = reuseAddress;
        this.receiveBufferSize = receiveBufferSize;
        this.sendBufferSize = sendBufferSize;
        this.maxQueuedDatagrams = maxQueuedDatagrams;
    }

    /**
     * No address reuse, the kernel's buffer sizes, and a send queue of 1,024 datagrams.
     *
     * @return the shared default options; every {@code with} method returns a changed copy
     */
    public static UdpOptions defaults() {
        return DEFAULTS;
    }

    /**
     * {@code SO_REUSEADDR}: lets several ports bind the same address, which several listeners
     * of one multicast group on one host need (Twisted's {@code listenMulticast(listenMultiple=True)}).
     *
     * @param reuse true to set {@code SO_REUSEADDR} before binding
     * @return a copy with that setting
     */
    public UdpOptions withReuseAddress(boolean reuse) {
        return new UdpOptions(reuse, receiveBufferSize, sendBufferSize, maxQueuedDatagrams);
    }

    /**
     * {@code SO_RCVBUF} in bytes; 0 keeps the kernel's default. A burst bigger than this is dropped
     * by the kernel.
     *
     * @param bytes the buffer size asked of the kernel, which may round it
     * @return a copy with that size
     */
    public UdpOptions withReceiveBufferSize(int bytes) {
        return new UdpOptions(reuseAddress, OptionChecks.bufferSize("receive", bytes), sendBufferSize, maxQueuedDatagrams);
    }

    /**
     * {@code SO_SNDBUF} in bytes; 0 keeps the kernel's default.
     *
     * @param bytes the buffer size asked of the kernel, which may round it
     * @return a copy with that size
     */
    public UdpOptions withSendBufferSize(int bytes) {
        return new UdpOptions(reuseAddress, receiveBufferSize, OptionChecks.bufferSize("send", bytes), maxQueuedDatagrams);
    }

    /**
     * How many datagrams may wait for room in a full kernel send buffer before further writes are
     * dropped and counted. 0 queues nothing: every datagram the kernel cannot take at once is
     * dropped (Twisted's behaviour). Each queued datagram is a copy, so the queue holds at most
     * this many times 64 KiB.
     *
     * @param datagrams 0 or more
     * @return a copy with that limit
     */
    public UdpOptions withMaxQueuedDatagrams(int datagrams) {
        return new UdpOptions(reuseAddress, receiveBufferSize, sendBufferSize,
                OptionChecks.zeroOrPositive("max queued datagrams", datagrams, null));
    }

    /** {@return true if the socket sets {@code SO_REUSEADDR}} */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** {@return SO_RCVBUF in bytes, or 0 for the kernel's default} */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** {@return SO_SNDBUF in bytes, or 0 for the kernel's default} */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** {@return how many datagrams may wait for room in the kernel's send buffer} */
    public int maxQueuedDatagrams() {
        return maxQueuedDatagrams;
    }

    @Override
    public String toString() {
        return "UdpOptions[reuseAddress=" + reuseAddress + ", receiveBufferSize=" + receiveBufferSize
                + ", sendBufferSize=" + sendBufferSize + ", maxQueuedDatagrams=" + maxQueuedDatagrams + "]";
    }
}
