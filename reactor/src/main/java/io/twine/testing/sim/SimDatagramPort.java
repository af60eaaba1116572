package io.twine.testing.sim;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A simulated UDP port with the real one's contract: datagrams are copied when written, a
 * connected port takes datagrams from its peer only and hears "port unreachable" as
 * {@code connectionRefused}, what the protocol throws is reported and the port stays open, and
 * {@code stopProtocol} comes on a later event. The network loses, duplicates, reorders and cuts
 * datagrams as its {@link FaultProfile} says. Multicast is not simulated.
 *
 * <p>Thread: the simulation's.
 */
final class SimDatagramPort implements DatagramTransport, SimResource {

    private final SimNetwork network;
    private final SimulatedReactor host;
    private final InetSocketAddress address;
    private final DatagramProtocol protocol;
    private InetSocketAddress peer;
    private boolean listening = true;
    private boolean broadcast;

    SimDatagramPort(SimNetwork network, SimulatedReactor host, InetSocketAddress address, DatagramProtocol protocol) {
        this.network = network;
        this.host = host;
        this.address = address;
        this.protocol = protocol;
    }

    SimulatedReactor host() {
        return host;
    }

    void received(byte[] data, InetSocketAddress sender) {
        if (!listening || (peer != null && !peer.equals(sender))) {
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        host.log("UDP " + address.getPort() + " got " + data.length + " B from " + sender + " crc " + Long.toHexString(crc.getValue()));
        ByteBuffer buffer = ByteBuffer.wrap(data.clone());
        host.run("datagramReceived", () -> protocol.datagramReceived(buffer, sender));
    }

    void refused() {
        if (listening) {
            host.log("UDP " + address.getPort() + ": port unreachable");
            host.run("connectionRefused", protocol::connectionRefused);
        }
    }

    @Override
    public void write(ByteBuffer data, InetSocketAddress destination) {
        Objects.requireNonNull(destination, "address");
        if (destination.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + destination);
        }
        if (peer != null && !peer.equals(destination)) {
            throw new IllegalArgumentException("this port is connected to " + peer + ", not " + destination);
        }
        int limit = destination.getAddress() instanceof Inet6Address ? MAX_IPV6_PAYLOAD : MAX_IPV4_PAYLOAD;
        if (data.remaining() > limit) {
            throw new IllegalArgumentException("a datagram of " + data.remaining() + " bytes is larger than UDP carries ("
                    + limit + ")");
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        if (listening) {
            network.sendDatagram(this, copy, destination);
        }
    }

    @Override
    public void write(byte[] data, InetSocketAddress destination) {
        write(ByteBuffer.wrap(data), destination);
    }

    @Override
    public void write(byte[] data, int offset, int length, InetSocketAddress destination) {
        write(ByteBuffer.wrap(data, offset, length), destination);
    }

    @Override
    public void write(ByteBuffer data) {
        if (peer == null) {
            throw new IllegalStateException("the port is not connected");
        }
        write(data, peer);
    }

    @Override
    public void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    @Override
    public void connect(InetSocketAddress destination) {
        if (peer != null || !listening) {
            throw new IllegalStateException(listening ? "already connected to " + peer : "the port is closed");
        }
        if (destination.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + destination);
        }
        peer = destination;
    }

    @Override
    public InetSocketAddress getPeer() {
        return peer;
    }

    @Override
    public InetSocketAddress getHost() {
        return address;
    }

    @Override
    public void stopListening() {
        if (!listening) {
            return;
        }
        listening = false;
        network.removeUdpPort(host, address.getPort());
        host.untrack(this);
        host.log("UDP port " + address.getPort() + " closed");
        host.simulation().schedule(0, () -> host.run("stopProtocol", protocol::stopProtocol));
    }

    @Override
    public boolean isListening() {
        return listening;
    }

    @Override
    public void setBroadcastAllowed(boolean allowed) {
        broadcast = allowed;
    }

    @Override
    public boolean isBroadcastAllowed() {
        return broadcast;
    }

    @Override
    public void joinGroup(InetAddress group) throws IOException {
        throw notSimulated();
    }

    @Override
    public void joinGroup(InetAddress group, NetworkInterface networkInterface) throws IOException {
        throw notSimulated();
    }

    @Override
    public void leaveGroup(InetAddress group) throws IOException {
        throw notSimulated();
    }

    @Override
    public void leaveGroup(InetAddress group, NetworkInterface networkInterface) throws IOException {
        throw notSimulated();
    }

    @Override
    public void setTTL(int ttl) throws IOException {
        throw notSimulated();
    }

    @Override
    public int getTTL() throws IOException {
        throw notSimulated();
    }

    @Override
    public void setLoopbackMode(boolean loopback) throws IOException {
        throw notSimulated();
    }

    @Override
    public boolean getLoopbackMode() throws IOException {
        throw notSimulated();
    }

    @Override
    public void setOutgoingInterface(NetworkInterface networkInterface) throws IOException {
        throw notSimulated();
    }

    @Override
    public NetworkInterface getOutgoingInterface() throws IOException {
        throw notSimulated();
    }

    private static UnsupportedOperationException notSimulated() {
        return new UnsupportedOperationException("multicast is not simulated");
    }

    /** Nothing waits: the simulated kernel always has room. */
    @Override
    public int getQueuedDatagrams() {
        return 0;
    }

    @Override
    public long getDroppedDatagrams() {
        return 0;
    }

    @Override
    public void shutdown() {
        stopListening();
    }

    @Override
    public void abort() {
        stopListening();
    }

    @Override
    public String toString() {
        return "SimDatagramPort[" + host.name() + " " + address + "]";
    }
}
