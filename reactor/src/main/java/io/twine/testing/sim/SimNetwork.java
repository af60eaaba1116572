package io.twine.testing.sim;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Reason;
import io.twine.reactor.TcpOptions;
import io.twine.reactor.UdpOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The network of a {@link Simulation}: which host listens where, the connections it carries and the
 * datagrams it delivers, and the faults it injects (see {@link FaultProfile}). A test reaches it
 * through {@link Simulation#network()} to cause an {@link #outage}, make a host
 * {@linkplain #stopReading stop reading}, or look at the
 * {@linkplain #connectionsMade() connections} after a run.
 *
 * <p>Addresses: a host is reached at its own 10.0.0.N address, or at 127.0.0.1 from itself; a
 * listener bound to the wildcard address takes both.
 *
 * <p>Thread: the simulation's.
 */
public final class SimNetwork {

    private final Simulation simulation;
    private final Map<SimulatedReactor, Map<Integer, SimListener>> listeners = new HashMap<>();
    private final Map<SimulatedReactor, Map<Integer, SimDatagramPort>> udpPorts = new HashMap<>();
    private final Map<SimulatedReactor, Long> downUntil = new HashMap<>();
    private final Set<SimulatedReactor> notReading = new HashSet<>();
    private final Map<String, Long> datagramLatency = new HashMap<>();
    private final List<SimConnection> connections = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private int nextConnection = 1;

    SimNetwork(Simulation simulation) {
        this.simulation = simulation;
    }

    /**
     * Takes {@code host} off the network for {@code duration}: every open connection to or from it
     * is reset now, and connects to or from it are refused until the outage ends. Its listeners
     * stay; they take connections again afterwards.
     *
     * @param host the host to cut off
     * @param duration of virtual time
     */
    public void outage(SimulatedReactor host, Duration duration) {
        long until = simulation.now() + duration.toNanos();
        downUntil.merge(host, until, Math::max);
        simulation.log(host.name(), "outage for " + duration.toMillis() + " ms");
        for (SimConnection connection : List.copyOf(connections)) {
            if (!connection.isClosed() && (connection.host() == host || connection.peerHost() == host)) {
                connection.resetByNetwork("outage of " + host.name());
            }
        }
    }

    /**
     * Makes {@code host} stop reading, for good, on every connection it has or will have: a peer
     * whose program hangs, or one that vanished without a FIN or a reset (a half-open
     * connection). Its windows fill, so the other ends' writes queue up, their producers are
     * paused, and only their own limits (a write-buffer cap, an idle timeout) end it.
     *
     * @param host the host that stops reading
     */
    public void stopReading(SimulatedReactor host) {
        notReading.add(host);
        simulation.log(host.name(), "stops reading, for good");
    }

    boolean isReading(SimulatedReactor host) {
        return !notReading.contains(host);
    }

    /**
     * How many connections were established (each counted once, not once per end).
     *
     * @return the count since the simulation began
     */
    public int connectionsMade() {
        int made = 0;
        for (SimConnection connection : connections) {
            if (connection.wasMade() && connection.id().endsWith("s")) {
                made++;
            }
        }
        return made;
    }

    /**
     * How many made connections ended with a reason of {@code kind}, counting each end.
     *
     * @param kind the reason kind
     * @return the count of ends
     */
    public int endsWith(Reason.Kind kind) {
        int count = 0;
        for (SimConnection connection : connections) {
            if (connection.lostReason() != null && connection.lostReason().kind() == kind) {
                count++;
            }
        }
        return count;
    }

    // ------------------------------------------------------------------ TCP

    ListeningPort listenTcp(SimulatedReactor host, SocketAddress address, Factory factory, TcpOptions options)
            throws IOException {
        InetSocketAddress requested = inet(address);
        InetAddress ip = requested.getAddress();
        if (ip != null && !ip.isAnyLocalAddress() && !ip.isLoopbackAddress() && !ip.equals(host.address())) {
            throw new BindException("cannot bind " + requested + ": not an address of simulated host " + host.name());
        }
        int port = requested.getPort() == 0 ? host.allocatePort() : requested.getPort();
        Map<Integer, SimListener> ports = listeners.computeIfAbsent(host, h -> new HashMap<>());
        if (ports.containsKey(port)) {
            throw new BindException("Address already in use: " + requested + " on simulated host " + host.name());
        }
        InetSocketAddress bound = new InetSocketAddress(ip == null ? InetAddress.getByAddress(new byte[4]) : ip, port);
        factory.doStart();
        SimListener listener = new SimListener(this, host, bound, factory, options);
        ports.put(port, listener);
        host.track(listener);
        host.log("listening on " + bound);
        return listener;
    }

    void removeListener(SimulatedReactor host, int port) {
        Map<Integer, SimListener> ports = listeners.get(host);
        if (ports != null) {
            ports.remove(port);
        }
    }

    Connector connectTcp(SimulatedReactor host, SocketAddress address, ClientFactory factory, TcpOptions options) {
        SimConnector connector = new SimConnector(this, host, address, factory, options);
        connector.connect();
        return connector;
    }

    /** Sends attempt {@code attempt}'s SYN: it is lost, refused or accepted as the faults and the target say. */
    void sendSyn(SimConnector connector, long attempt) {
        SimulatedReactor from = connector.host();
        InetSocketAddress destination;
        try {
            destination = inet(connector.getDestination());
        } catch (IOException e) {
            simulation.schedule(0, () -> connector.failed(attempt, Reason.error(e)));
            return;
        }
        SimulatedReactor target = target(from, destination);
        long latency = simulation.nanosBetween(simulation.faults().minLatency(), simulation.faults().maxLatency());
        if (target == null) {
            from.log("SYN to " + destination + ": no such host, lost");
            return;
        }
        if (simulation.chance(simulation.faults().connectTimeoutProbability())) {
            from.log("SYN to " + destination + " lost");
            return;
        }
        simulation.schedule(latency, () -> synArrived(connector, attempt, target, destination, latency));
    }

    private void synArrived(SimConnector connector, long attempt, SimulatedReactor target, InetSocketAddress destination,
            long latency) {
        if (!connector.isAttempting(attempt)) {
            return;
        }
        SimulatedReactor from = connector.host();
        SimListener listener = listeners.getOrDefault(target, Map.of()).get(destination.getPort());
        if (listener == null || isDown(target) || isDown(from) || target.isStopping()
                || simulation.chance(simulation.faults().refuseProbability())) {
            target.log("refused a connect to " + destination + (listener == null ? " (nothing listens)" : ""));
            simulation.schedule(latency, () -> connector.refused(attempt));
            return;
        }
        boolean loopback = destination.getAddress().isLoopbackAddress();
        InetAddress clientIp = loopback ? destination.getAddress() : from.address();
        InetAddress serverIp = loopback ? destination.getAddress() : target.address();
        InetSocketAddress clientAddress = new InetSocketAddress(clientIp, from.allocatePort());
        InetSocketAddress serverAddress = new InetSocketAddress(serverIp, destination.getPort());
        int id = nextConnection++;
        SimConnection server = new SimConnection(this, target, "#" + id + "s", serverAddress, clientAddress, listener,
                listener.factory().getMaxWriteBufferSize());
        SimConnection client = new SimConnection(this, from, "#" + id + "c", clientAddress, serverAddress, connector,
                connectorMaxWriteBuffer(connector));
        FaultProfile faults = simulation.faults();
        long synAckArrives = simulation.now() + latency;
        server.link(client, latency, nanosPerByte(), simulation.between(faults.minKernelBuffer(), faults.maxKernelBuffer()),
                synAckArrives);
        client.link(server, latency, nanosPerByte(), simulation.between(faults.minKernelBuffer(), faults.maxKernelBuffer()),
                synAckArrives);
        connections.add(client);
        connections.add(server);
        // The SYN-ACK is scheduled before the server's protocol runs, so its first bytes arrive after it.
        simulation.schedule(latency, () -> connector.established(attempt, client, serverAddress));
        listener.accept(server, clientAddress);
        if (simulation.chance(faults.resetProbability())) {
            long at = simulation.nanosBetween(Duration.ZERO, faults.resetWindow());
            simulation.schedule(at, () -> {
                client.resetByNetwork("simulated fault");
                server.resetByNetwork("simulated fault");
            });
        }
    }

    private static long connectorMaxWriteBuffer(SimConnector connector) {
        return connector.factory().getMaxWriteBufferSize();
    }

    private long nanosPerByte() {
        FaultProfile faults = simulation.faults();
        long bytesPerSecond = simulation.between(faults.minBandwidth(), faults.maxBandwidth());
        return bytesPerSecond == 0 ? 0 : Math.max(1, 1_000_000_000L / bytesPerSecond);
    }

    private boolean isDown(SimulatedReactor host) {
        Long until = downUntil.get(host);
        return until != null && simulation.now() < until;
    }

    /** Every made connection that has ended had connectionLost exactly once; called by {@link Simulation#finish()}. */
    void checkEveryConnectionEnded() {
        for (SimConnection connection : connections) {
            if (connection.wasMade() && connection.lossesDelivered() != 1) {
                throw simulation.violation(connection.id() + " on " + connection.host().name() + " got connectionLost "
                        + connection.lossesDelivered() + " times by the end of the run");
            }
        }
    }

    // ------------------------------------------------------------------ UDP

    DatagramTransport listenUdp(SimulatedReactor host, SocketAddress address, DatagramProtocol protocol, UdpOptions options)
            throws IOException {
        InetSocketAddress requested = inet(address);
        InetAddress ip = requested.getAddress();
        if (ip != null && !ip.isAnyLocalAddress() && !ip.isLoopbackAddress() && !ip.equals(host.address())) {
            throw new BindException("cannot bind " + requested + ": not an address of simulated host " + host.name());
        }
        int port = requested.getPort() == 0 ? host.allocatePort() : requested.getPort();
        Map<Integer, SimDatagramPort> ports = udpPorts.computeIfAbsent(host, h -> new HashMap<>());
        if (ports.containsKey(port)) {
            throw new BindException("Address already in use: " + requested + " (UDP) on simulated host " + host.name());
        }
        InetSocketAddress bound = new InetSocketAddress(ip == null || ip.isAnyLocalAddress() ? host.address() : ip, port);
        SimDatagramPort datagramPort = new SimDatagramPort(this, host, bound, protocol);
        ports.put(port, datagramPort);
        host.track(datagramPort);
        host.log("UDP port open at " + bound);
        Throwable error = host.run("startProtocol", () -> protocol.makeConnection(datagramPort));
        if (error != null) {
            datagramPort.stopListening();
            throw new IOException("startProtocol failed", error);
        }
        return datagramPort;
    }

    void removeUdpPort(SimulatedReactor host, int port) {
        Map<Integer, SimDatagramPort> ports = udpPorts.get(host);
        if (ports != null) {
            ports.remove(port);
        }
    }

    /** Carries one datagram from {@code from} to {@code to}: lost, duplicated, delayed or cut as the faults say. */
    void sendDatagram(SimDatagramPort from, byte[] data, InetSocketAddress to) {
        FaultProfile faults = simulation.faults();
        SimulatedReactor target = target(from.host(), to);
        if (target == null || isDown(target) || isDown(from.host()) || simulation.chance(faults.lossProbability())) {
            from.host().log("datagram of " + data.length + " B to " + to + " lost");
            return;
        }
        byte[] payload = data.length > faults.maxDatagramSize() ? Arrays.copyOf(data, faults.maxDatagramSize()) : data;
        int copies = simulation.chance(faults.duplicateProbability()) ? 2 : 1;
        long latency = datagramLatency.computeIfAbsent(from.host().name() + ">" + target.name(),
                key -> simulation.nanosBetween(faults.minLatency(), faults.maxLatency()));
        InetSocketAddress sender = to.getAddress().isLoopbackAddress()
                ? new InetSocketAddress(to.getAddress(), from.getHost().getPort()) : from.getHost();
        for (int i = 0; i < copies; i++) {
            long delay = latency + simulation.nanosBetween(Duration.ZERO, faults.jitter());
            if (simulation.chance(faults.reorderProbability())) {
                delay += simulation.nanosBetween(Duration.ZERO, faults.reorderDelay());
            }
            from.host().log("datagram of " + data.length + " B to " + to + (payload.length < data.length
                    ? " cut to " + payload.length + " B" : "") + (i > 0 ? " (duplicate)" : ""));
            simulation.schedule(delay, () -> datagramArrived(from, target, to.getPort(), payload, sender, latency));
        }
    }

    private void datagramArrived(SimDatagramPort from, SimulatedReactor target, int port, byte[] data,
            InetSocketAddress sender, long latency) {
        SimDatagramPort receiver = udpPorts.getOrDefault(target, Map.of()).get(port);
        if (receiver == null || !receiver.isListening()) {
            target.log("datagram to port " + port + ": nothing listens" + (from.getPeer() != null ? ", ICMP back" : ""));
            if (from.getPeer() != null) {
                simulation.schedule(latency, from::refused);
            }
            return;
        }
        receiver.received(data, sender);
    }

    // ------------------------------------------------------------------ shared

    private SimulatedReactor target(SimulatedReactor from, InetSocketAddress destination) {
        InetAddress ip = destination.getAddress();
        if (ip == null) {
            return null;
        }
        return ip.isLoopbackAddress() ? from : simulation.hostByAddress(ip);
    }

    /**
     * Resolves an unresolved address by the simulation's host names (so code that builds
     * {@code InetSocketAddress.createUnresolved("server", 80)} connects); refuses Unix sockets.
     */
    private InetSocketAddress inet(SocketAddress address) throws IOException {
        if (!(address instanceof InetSocketAddress inet)) {
            throw new IOException("only TCP and UDP over IP are simulated, not " + address);
        }
        if (inet.isUnresolved()) {
            SimulatedReactor named = simulation.hostByName(inet.getHostString());
            if (named != null) {
                return new InetSocketAddress(named.address(), inet.getPort());
            }
            if (inet.getHostString().equals("localhost")) {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), inet.getPort());
            }
            throw new IOException("unresolved address " + inet + ": no such host in the simulation");
        }
        return inet;
    }

    /** The buffer every read is handed in: filled with {@code data}, flipped. */
    ByteBuffer readBuffer(byte[] data) {
        readBuffer.clear();
        readBuffer.put(data).flip();
        return readBuffer;
    }

    /** Overwrites the read buffer after a callback, so a protocol that kept it sees garbage, not the old bytes. */
    void spoil(ByteBuffer buffer) {
        buffer.clear();
        while (buffer.hasRemaining()) {
            buffer.put((byte) 0xEE);
            if (buffer.position() >= 256) {
                break;
            }
        }
        buffer.clear();
    }
}
