package io.twine.transport.udp;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.UdpOptions;
import io.twine.reactor.spi.BeforeNextSelect;
import io.twine.reactor.spi.Failures;
import io.twine.reactor.spi.IoHandler;
import io.twine.reactor.spi.Labelled;
import io.twine.reactor.spi.LoopMonitor;
import io.twine.reactor.spi.Registration;
import io.twine.reactor.spi.ShutdownParticipant;
import io.twine.reactor.spi.TransportLoop;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One UDP socket: the {@link DatagramTransport} its protocol writes to and the {@link IoHandler}
 * the loop dispatches its readiness to.
 *
 * <p>Receiving: each readiness event drains up to {@value #MAX_DATAGRAMS_PER_EVENT} datagrams
 * into the reactor's shared 128 KiB read buffer, larger than any UDP payload, because the JDK
 * cuts a datagram that does not fit without a word. Sending: straight to the kernel; while it
 * has no room, into a bounded {@link SendQueue} with {@code OP_WRITE} on.
 *
 * <p>Errors never close the port: an exception from the protocol is reported (the reactor's
 * {@link Failures} rule, with nothing to close), a failed send or
 * receive becomes {@code connectionRefused} or {@code errorReceived}. Only
 * {@link #stopListening()}, the reactor's stop or a fault in this class close it, and
 * {@link #close()} is the one place that calls {@code stopProtocol}.
 *
 * <p>Thread: loop only.
 */
final class UdpPort implements DatagramTransport, IoHandler, BeforeNextSelect, ShutdownParticipant, Labelled {

    /** Datagrams read per readiness event at most, so one busy port cannot starve the others. */
    static final int MAX_DATAGRAMS_PER_EVENT = 32;

    // Every field belongs to the loop thread; the DatagramTransport methods check that in debug mode.
    /** The loop this transport lives on; package-private so that tests can look at its chunk pool. */
    final TransportLoop loop;
    private final LoopMonitor monitor;
    private final Failures failures;
    private final DatagramChannel channel;
    private final DatagramProtocol protocol;
    private final DatagramSender sender;
    private final SendQueue queue;
    private final boolean ipv4Only;
    private final InetSocketAddress host;
    private final List<MembershipKey> memberships = new ArrayList<>(0);
    private Registration registration;
    private InetSocketAddress peer;
    /** Where {@code write(byte[])} copies to: a direct buffer spares the JDK its own copy. */
    private ByteBuffer arrayScratch;
    private long dropped;
    private boolean listening = true;
    private boolean closed;
    private int interestOps = -1;

    private UdpPort(TransportLoop loop, DatagramChannel channel, DatagramProtocol protocol, UdpOptions options,
            Function<DatagramChannel, DatagramSender> senders, boolean ipv4Only) throws IOException {
        this.loop = loop;
        this.monitor = loop.monitor();
        this.failures = loop.failures();
        this.channel = channel;
        this.protocol = protocol;
        this.sender = senders.apply(channel);
        this.queue = new SendQueue(options.maxQueuedDatagrams());
        this.ipv4Only = ipv4Only;
        this.host = (InetSocketAddress) channel.getLocalAddress();
    }

    /** Binds, registers and starts the protocol; {@code senders} is the seam tests replace. */
    static UdpPort open(TransportLoop loop, SocketAddress address, DatagramProtocol protocol, UdpOptions options,
            Function<DatagramChannel, DatagramSender> senders) throws IOException {
        InetSocketAddress local = resolved(address);
        if (protocol.transport() != null && protocol.transport().isListening()) {
            throw new IllegalStateException("the protocol is already attached to the open port " + protocol.transport());
        }
        boolean ipv4 = local.getAddress() instanceof Inet4Address;
        ProtocolFamily family = ipv4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        DatagramChannel channel = DatagramChannel.open(family);
        UdpPort port;
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
            if (options.receiveBufferSize() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
            }
            if (options.sendBufferSize() > 0) {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
            }
            channel.bind(local);
            channel.configureBlocking(false);
            port = new UdpPort(loop, channel, protocol, options, senders, ipv4);
            port.registration = loop.register(channel, 0, port);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        port.updateInterest();
        try {
            protocol.makeConnection(port);
        } catch (Throwable error) {
            port.failures.failed(error, "startProtocol", port, null);
        }
        // Tracked only now: a reactor already stopping closes what it tracks at once, and
        // stopProtocol must not run before startProtocol.
        if (!port.closed) {
            loop.track(port);
        }
        return port;
    }

    private static InetSocketAddress resolved(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("a UDP port needs an InetSocketAddress, got " + address);
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        if (inet.isUnresolved()) {
            throw new IllegalArgumentException("the address " + address + " is unresolved: resolve the host name first");
        }
        return inet;
    }

    // ------------------------------------------------------------------ readiness

    @Override
    public void ready(int readyOps) {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            drainQueue();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            receive();
        }
    }

    private void receive() {
        ByteBuffer buffer = loop.readBuffer();
        for (int i = 0; i < MAX_DATAGRAMS_PER_EVENT && listening; i++) {
            buffer.clear();
            SocketAddress sender;
            try {
                sender = channel.receive(buffer);
            } catch (PortUnreachableException e) {
                // An ICMP error answering one of our sends: consumed, the next receive works.
                refused();
                continue;
            } catch (IOException e) {
                errorReceived(e);
                return;
            }
            if (sender == null) {
                return;
            }
            buffer.flip();
            monitor.bytesRead(buffer.remaining());
            try {
                protocol.datagramReceived(buffer, (InetSocketAddress) sender);
            } catch (Throwable error) {
                failures.failed(error, "datagramReceived", this, null);
            }
        }
    }

    /** Sends queued datagrams while the kernel takes them; closes once drained after stopListening. */
    private void drainQueue() {
        while (!closed && !queue.isEmpty()) {
            try {
                int length = queue.peekPayload().remaining();
                if (!sender.send(queue.peekPayload(), queue.peekTarget())) {
                    break;
                }
                monitor.bytesWritten(length);
                queue.remove();
            } catch (PortUnreachableException e) {
                queue.remove();
                refused();
            } catch (IOException e) {
                queue.remove();
                errorReceived(e);
            }
        }
        if (closed) {
            return;
        }
        if (!listening && queue.isEmpty()) {
            close();
        } else {
            updateInterest();
        }
    }

    /** Called by the loop after {@link #stopListening()}: sends what it can, closes if nothing is left. */
    @Override
    public void runBeforeSelect() {
        drainQueue();
    }

    private void updateInterest() {
        if (closed) {
            return;
        }
        int ops = 0;
        if (listening) {
            ops |= SelectionKey.OP_READ;
        }
        if (!queue.isEmpty()) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (ops != interestOps) {
            interestOps = ops;
            registration.interestOps(ops);
            monitor.interestChanged(ops);
        }
    }

    // ------------------------------------------------------------------ writing

    @Override
    public void write(ByteBuffer data, InetSocketAddress address) {
        monitor.checkLoopThread("DatagramTransport.write");
        checkTarget(address, data.remaining());
        if (!listening) {
            data.position(data.limit());
            return;
        }
        send(data, address);
    }

    @Override
    public void write(byte[] data, InetSocketAddress address) {
        write(data, 0, data.length, address);
    }

    @Override
    public void write(byte[] data, int offset, int length, InetSocketAddress address) {
        monitor.checkLoopThread("DatagramTransport.write");
        Objects.checkFromIndexSize(offset, length, data.length);
        checkTarget(address, length);
        if (!listening) {
            return;
        }
        ByteBuffer scratch = arrayScratch;
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(MAX_IPV6_PAYLOAD);
            arrayScratch = scratch;
        }
        scratch.clear();
        scratch.put(data, offset, length);
        scratch.flip();
        send(scratch, address);
    }

    @Override
    public void write(ByteBuffer data) {
        write(data, connectedPeer());
    }

    @Override
    public void write(byte[] data) {
        write(data, 0, data.length, connectedPeer());
    }

    private InetSocketAddress connectedPeer() {
        if (peer == null) {
            throw new IllegalStateException("the port is not connected: connect(address) first, or write(data, address)");
        }
        return peer;
    }

    /** Misuse fails here, at the call, before anything is sent. */
    private void checkTarget(InetSocketAddress target, int length) {
        Objects.requireNonNull(target, "address");
        if (target.isUnresolved()) {
            throw new IllegalArgumentException("the address " + target + " is unresolved: resolve the host name first");
        }
        InetAddress address = target.getAddress();
        if (ipv4Only && !(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("cannot send to the IPv6 address " + target + " from the IPv4 port " + host
                    + ": listen on an IPv6 address (such as ::) to reach both families");
        }
        if (peer != null && !peer.equals(target)) {
            throw new IllegalArgumentException("the port is connected to " + peer + " and cannot send to " + target);
        }
        int limit = maxPayload(address);
        if (length > limit) {
            throw new IllegalArgumentException("a datagram of " + length + " bytes is over the " + limit
                    + "-byte limit of a UDP payload to an " + (address instanceof Inet4Address ? "IPv4" : "IPv6")
                    + " address; nothing was sent");
        }
    }

    static int maxPayload(InetAddress destination) {
        return destination instanceof Inet4Address ? MAX_IPV4_PAYLOAD : MAX_IPV6_PAYLOAD;
    }

    /** Sends now if nothing is queued ahead (keeping the order), else queues or drops. */
    private void send(ByteBuffer datagram, InetSocketAddress target) {
        if (queue.isEmpty()) {
            try {
                int length = datagram.remaining();
                if (sender.send(datagram, target)) {
                    monitor.bytesWritten(length);
                    return;
                }
            } catch (PortUnreachableException e) {
                datagram.position(datagram.limit());
                refused();
                return;
            } catch (IOException e) {
                datagram.position(datagram.limit());
                errorReceived(e);
                return;
            }
        }
        if (queue.offer(datagram, target)) {
            updateInterest();
        } else {
            datagram.position(datagram.limit());
            dropped++;
        }
    }

    // ------------------------------------------------------------------ connecting, closing

    @Override
    public void connect(InetSocketAddress address) throws IOException {
        monitor.checkLoopThread("DatagramTransport.connect");
        if (!listening) {
            throw new IllegalStateException("cannot connect " + this + ": it is closed");
        }
        if (peer != null) {
            throw new IllegalStateException("the port is already connected to " + peer + ": a port connects once");
        }
        InetSocketAddress target = resolved(address);
        if (ipv4Only && !(target.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("cannot connect the IPv4 port " + host + " to the IPv6 address " + target);
        }
        channel.connect(target);
        peer = target;
    }

    @Override
    public void stopListening() {
        monitor.checkLoopThread("DatagramTransport.stopListening");
        if (!listening) {
            return;
        }
        listening = false;
        updateInterest();
        // Close from the loop, after the current callback: stopProtocol never runs inside another
        // callback of the same protocol, and queued datagrams get their chance to leave.
        loop.runBeforeNextSelect(this);
    }

    @Override
    public boolean isListening() {
        return listening;
    }

    @Override
    public void failed(Throwable error) {
        close();
    }

    /** The reactor is stopping: close at once if nothing is queued, else once the queue has drained. */
    @Override
    public void shutdown() {
        if (queue.isEmpty()) {
            close();
        } else {
            stopListening();
        }
    }

    @Override
    public void abort() {
        close();
    }

    /** Closes now, dropping whatever is queued; the only place that calls {@code stopProtocol}. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        listening = false;
        queue.clear();
        registration.cancel();
        try {
            channel.close();  // also drops every multicast membership
        } catch (IOException e) {
            loop.reportError("closing " + this, e);
        }
        memberships.clear();
        loop.untrack(this);
        try {
            protocol.stopProtocol();
        } catch (Throwable error) {
            failures.failed(error, "stopProtocol", this, null);
        }
    }

    // ------------------------------------------------------------------ user callbacks

    private void refused() {
        try {
            protocol.connectionRefused();
        } catch (Throwable error) {
            failures.failed(error, "connectionRefused", this, null);
        }
    }

    private void errorReceived(IOException error) {
        try {
            protocol.errorReceived(error);
        } catch (Throwable callbackError) {
            failures.failed(callbackError, "errorReceived", this, null);
        }
    }

    // ------------------------------------------------------------------ options and multicast

    @Override
    public void joinGroup(InetAddress group) throws IOException {
        joinGroup(group, defaultMulticastInterface());
    }

    @Override
    public void joinGroup(InetAddress group, NetworkInterface networkInterface) throws IOException {
        monitor.checkLoopThread("DatagramTransport.joinGroup");
        Objects.requireNonNull(networkInterface, "networkInterface");
        checkMulticast(group);
        if (membership(group, networkInterface) < 0) {
            memberships.add(channel.join(group, networkInterface));
        }
    }

    @Override
    public void leaveGroup(InetAddress group) throws IOException {
        leaveGroup(group, defaultMulticastInterface());
    }

    @Override
    public void leaveGroup(InetAddress group, NetworkInterface networkInterface) {
        monitor.checkLoopThread("DatagramTransport.leaveGroup");
        Objects.requireNonNull(networkInterface, "networkInterface");
        int index = membership(group, networkInterface);
        if (index >= 0) {
            memberships.remove(index).drop();
        }
    }

    private int membership(InetAddress group, NetworkInterface networkInterface) {
        for (int i = 0; i < memberships.size(); i++) {
            MembershipKey member = memberships.get(i);
            if (member.group().equals(group) && member.networkInterface().equals(networkInterface)) {
                return i;
            }
        }
        return -1;
    }

    private void checkMulticast(InetAddress group) {
        Objects.requireNonNull(group, "group");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(group + " is not a multicast address (224.0.0.0/4 or ff00::/8)");
        }
        if (closed) {
            throw new IllegalStateException("cannot join a group on " + this + ": it is closed");
        }
    }

    private NetworkInterface defaultMulticastInterface() throws IOException {
        NetworkInterface chosen = channel.getOption(StandardSocketOptions.IP_MULTICAST_IF);
        if (chosen == null && !host.getAddress().isAnyLocalAddress() && !host.getAddress().isMulticastAddress()) {
            chosen = NetworkInterface.getByInetAddress(host.getAddress());
        }
        if (chosen == null) {
            throw new IllegalArgumentException("no multicast interface for " + this + ": it is bound to " + host
                    + " and no outgoing interface is set; name the interface in joinGroup(group, interface)");
        }
        return chosen;
    }

    @Override
    public void setBroadcastAllowed(boolean allowed) throws IOException {
        monitor.checkLoopThread("DatagramTransport.setBroadcastAllowed");
        channel.setOption(StandardSocketOptions.SO_BROADCAST, allowed);
    }

    @Override
    public boolean isBroadcastAllowed() throws IOException {
        return channel.getOption(StandardSocketOptions.SO_BROADCAST);
    }

    @Override
    public void setTTL(int ttl) throws IOException {
        monitor.checkLoopThread("DatagramTransport.setTTL");
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("multicast TTL must be 0 to 255, got " + ttl);
        }
        channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl);
    }

    @Override
    public int getTTL() throws IOException {
        return channel.getOption(StandardSocketOptions.IP_MULTICAST_TTL);
    }

    @Override
    public void setLoopbackMode(boolean loopback) throws IOException {
        monitor.checkLoopThread("DatagramTransport.setLoopbackMode");
        channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, loopback);
    }

    @Override
    public boolean getLoopbackMode() throws IOException {
        return channel.getOption(StandardSocketOptions.IP_MULTICAST_LOOP);
    }

    @Override
    public void setOutgoingInterface(NetworkInterface networkInterface) throws IOException {
        monitor.checkLoopThread("DatagramTransport.setOutgoingInterface");
        channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, Objects.requireNonNull(networkInterface, "networkInterface"));
    }

    @Override
    public NetworkInterface getOutgoingInterface() throws IOException {
        return channel.getOption(StandardSocketOptions.IP_MULTICAST_IF);
    }

    // ------------------------------------------------------------------ the rest

    @Override
    public InetSocketAddress getPeer() {
        return peer;
    }

    @Override
    public InetSocketAddress getHost() {
        return host;
    }

    @Override
    public int getQueuedDatagrams() {
        return queue.size();
    }

    @Override
    public long getDroppedDatagrams() {
        return dropped;
    }

    @Override
    public Class<?> protocolClass() {
        return protocol.getClass();
    }

    @Override
    public String connectionLabel() {
        return "udp " + Labelled.address(host) + (peer == null ? "" : " -> " + Labelled.address(peer));
    }

    @Override
    public String toString() {
        return "UdpPort[" + host + (peer != null ? " -> " + peer : "") + (closed ? ", closed" : listening ? "" : ", stopping") + "]";
    }
}
