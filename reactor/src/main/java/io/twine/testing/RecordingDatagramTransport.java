package io.twine.testing;

import io.twine.protocol.DatagramTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link DatagramTransport} that sends nothing: it keeps a copy of every datagram written, with
 * its destination, and the settings it was given (what {@link StringTransport} is for streams).
 * {@link MemoryReactor#listenUdp} attaches protocols to one; a test can also attach a protocol
 * itself with {@code protocol.makeConnection(transport)} and feed it datagrams with
 * {@code datagramReceived}.
 *
 * <p>Thread: loop only (the test's thread).
 */
public final class RecordingDatagramTransport implements DatagramTransport {

    /** One datagram written: a copy of its bytes and where it was addressed. */
    public record Datagram(byte[] data, InetSocketAddress address) {}

    private final InetSocketAddress host;
    private final List<Datagram> written = new ArrayList<>();
    private final Set<InetAddress> groups = new LinkedHashSet<>();
    private InetSocketAddress peer;
    private boolean listening = true;
    private boolean broadcastAllowed;
    private int ttl = 1;
    private boolean loopbackMode = true;
    private NetworkInterface outgoingInterface;

    /**
     * A port that says it is bound to {@code host}.
     *
     * @param host what {@link #getHost()} returns
     */
    public RecordingDatagramTransport(InetSocketAddress host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    /**
     * Every datagram written so far, in order.
     *
     * @return an unmodifiable copy, oldest first
     */
    public List<Datagram> written() {
        return List.copyOf(written);
    }

    /**
     * The multicast groups joined and not left.
     *
     * @return an unmodifiable copy
     */
    public Set<InetAddress> groups() {
        return Set.copyOf(groups);
    }

    @Override
    public void write(ByteBuffer data, InetSocketAddress address) {
        if (peer != null && !peer.equals(address)) {
            throw new IllegalArgumentException("this port is connected to " + peer + ", not " + address);
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        written.add(new Datagram(copy, Objects.requireNonNull(address, "address")));
    }

    @Override
    public void write(byte[] data, InetSocketAddress address) {
        write(ByteBuffer.wrap(data), address);
    }

    @Override
    public void write(byte[] data, int offset, int length, InetSocketAddress address) {
        write(ByteBuffer.wrap(data, offset, length), address);
    }

    @Override
    public void write(ByteBuffer data) {
        if (peer == null) {
            throw new IllegalStateException("write without an address needs a connected port");
        }
        write(data, peer);
    }

    @Override
    public void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    @Override
    public void connect(InetSocketAddress address) {
        this.peer = Objects.requireNonNull(address, "address");
    }

    @Override
    public InetSocketAddress getPeer() {
        return peer;
    }

    @Override
    public InetSocketAddress getHost() {
        return host;
    }

    /** Marks the port closed; the protocol is not told (a test calls {@code stopProtocol} if it needs to). */
    @Override
    public void stopListening() {
        listening = false;
    }

    @Override
    public boolean isListening() {
        return listening;
    }

    @Override
    public void setBroadcastAllowed(boolean allowed) {
        broadcastAllowed = allowed;
    }

    @Override
    public boolean isBroadcastAllowed() {
        return broadcastAllowed;
    }

    @Override
    public void joinGroup(InetAddress group) {
        groups.add(group);
    }

    @Override
    public void joinGroup(InetAddress group, NetworkInterface networkInterface) {
        groups.add(group);
    }

    @Override
    public void leaveGroup(InetAddress group) {
        groups.remove(group);
    }

    @Override
    public void leaveGroup(InetAddress group, NetworkInterface networkInterface) {
        groups.remove(group);
    }

    @Override
    public void setTTL(int ttl) {
        this.ttl = ttl;
    }

    @Override
    public int getTTL() {
        return ttl;
    }

    @Override
    public void setLoopbackMode(boolean loopback) {
        this.loopbackMode = loopback;
    }

    @Override
    public boolean getLoopbackMode() {
        return loopbackMode;
    }

    @Override
    public void setOutgoingInterface(NetworkInterface networkInterface) {
        this.outgoingInterface = networkInterface;
    }

    @Override
    public NetworkInterface getOutgoingInterface() {
        return outgoingInterface;
    }

    /** Always 0: nothing waits for a kernel buffer here. */
    @Override
    public int getQueuedDatagrams() {
        return 0;
    }

    /** Always 0: nothing is dropped here. */
    @Override
    public long getDroppedDatagrams() {
        return 0;
    }

    @Override
    public String toString() {
        return "RecordingDatagramTransport[" + host + (listening ? "" : ", stopped") + "]";
    }
}
