package io.twine.testing.sim;

import io.twine.protocol.HalfCloseableProtocol;
import io.twine.protocol.Producer;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.protocol.SwitchableTransport;
import io.twine.protocol.Transport;
import io.twine.reactor.spi.FlowControl;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * One end of a simulated TCP connection: the {@link Transport} its protocol writes to, with the
 * contract of the real one. Writes are copied into a queue and leave on a later event, through a
 * window of a few bytes (or many) that only the peer's reads free; above the high-water mark the
 * registered producer is paused. {@code loseConnection} stops reading, sends what is queued, then
 * closes; {@code abortConnection} closes at once and resets the peer; a half-close sends a FIN and
 * reading goes on; a peer's FIN is {@code readConnectionLost} for a {@link HalfCloseableProtocol},
 * a clean close for others. A socket closed with unread bytes, or sent bytes once closed, answers
 * with a reset, as Linux does. {@code connectionLost} comes exactly once, on a later event.
 *
 * <p>The buffer given to {@code dataReceived} is reused and overwritten after the call, so a
 * protocol that keeps it past the call sees garbage, as it may with a real reactor.
 *
 * <p>Thread: the simulation's.
 */
final class SimConnection implements SwitchableTransport, SimResource {

    /** Told when a made connection has ended: the listener or connector that made it. */
    interface Owner {
        void connectionClosed(SimConnection connection, Reason reason);
    }

    private static final int SEGMENT = 1460;
    private static final int MAX_READ = 64 * 1024;

    private final SimNetwork network;
    private final Simulation simulation;
    private final SimulatedReactor host;
    private final String id;
    private final SocketAddress local;
    private final SocketAddress remote;
    private final Owner owner;
    private SimConnection peer;
    private Protocol protocol;

    // The link towards the peer, drawn when the connection was made.
    private long latency;
    private long nanosPerByte;
    private int window;
    private long inKernel;
    private long linkFreeAt;
    private long lastArrival;

    private final ByteQueue outbound = new ByteQueue();
    private final ByteQueue inbound = new ByteQueue();
    private boolean finArrived;
    private boolean resetArrived;

    private final FlowControl flow = new FlowControl();
    private long maxWriteBufferSize;

    private boolean made;
    private boolean readingPaused;
    private boolean peerFinishedSending;
    private boolean disconnecting;
    private Reason disconnectReason = Reason.closedByUs();
    private boolean writeShutdownRequested;
    private boolean writeShutdown;
    private boolean waitingForRoom;
    private boolean flushScheduled;
    private boolean readScheduled;
    private long stalledUntil;
    private boolean closed;
    private Reason pendingLoss;
    private int lossesDelivered;
    private Reason lostReason;

    /** Our FIN went after everything written (loseConnection or a half-close): the peer must read it all. */
    private boolean finishedWriting;
    private long accepted;
    private long transmitted;
    private long delivered;

    SimConnection(SimNetwork network, SimulatedReactor host, String id, SocketAddress local, SocketAddress remote,
            Owner owner, long maxWriteBufferSize) {
        this.network = network;
        this.simulation = host.simulation();
        this.host = host;
        this.id = id;
        this.local = local;
        this.remote = remote;
        this.owner = owner;
        this.maxWriteBufferSize = maxWriteBufferSize;
    }

    void link(SimConnection peer, long latency, long nanosPerByte, int window, long firstArrival) {
        this.peer = peer;
        this.latency = latency;
        this.nanosPerByte = nanosPerByte;
        this.window = window;
        this.lastArrival = firstArrival;
    }

    /** Attaches {@code newProtocol} and calls its {@code makeConnection}. */
    void start(Protocol newProtocol) {
        protocol = newProtocol;
        made = true;
        host.track(this);
        log("connection made " + local + " -> " + remote + ", window " + window + " B");
        callProtocol("connectionMade", () -> newProtocol.makeConnection(this));
        scheduleRead();
    }

    /** Ends a connection no protocol was built for (refused by the factory, or its connect was given up): a FIN or a reset. */
    void discard(boolean reset) {
        closed = true;
        log("discarded, " + (reset ? "reset" : "closed"));
        if (reset) {
            sendReset();
        } else {
            sendFin();
        }
    }

    // ------------------------------------------------------------------ sending

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            simulation.schedule(0, this::flush);
        }
    }

    /** The event after a write, a close or freed room: delivers a pending loss, or moves bytes into the window. */
    private void flush() {
        flushScheduled = false;
        if (pendingLoss != null) {
            deliverLoss();
            return;
        }
        if (closed) {
            return;
        }
        long room = window - inKernel;
        if (!outbound.isEmpty() && room > 0) {
            int n = (int) Math.min(outbound.size(), room);
            if (n > 1 && simulation.chance(simulation.faults().splitWriteProbability())) {
                n = simulation.between(1, n);
            }
            transmit(outbound.take(n));
            room -= n;
        }
        if (!outbound.isEmpty()) {
            // A partial write: with room left the socket is writable at once, else when the peer reads.
            if (room > 0) {
                scheduleFlush();
            } else {
                waitingForRoom = true;
            }
        } else {
            drained();
        }
        if (!closed) {
            boolean wasPaused = flow.isPaused();
            host.run("resumeProducing", () -> flow.drained(outbound.size()));
            if (wasPaused && !flow.isPaused()) {
                log("producer resumed");
            }
        }
    }

    private void transmit(byte[] data) {
        inKernel += data.length;
        transmitted += data.length;
        log("sent " + data.length + " B" + (outbound.isEmpty() ? "" : ", " + outbound.size() + " B still queued"));
        for (int offset = 0; offset < data.length; offset += SEGMENT) {
            int length = Math.min(SEGMENT, data.length - offset);
            byte[] segment = Arrays.copyOfRange(data, offset, offset + length);
            SimConnection receiver = peer;
            simulation.schedule(arrival(length) - simulation.now(), () -> receiver.segmentArrived(segment));
        }
    }

    /** When {@code length} bytes sent now reach the peer: after the link is free, its latency and jitter; never before an earlier segment. */
    private long arrival(int length) {
        long now = simulation.now();
        linkFreeAt = Math.max(linkFreeAt, now) + length * nanosPerByte;
        long at = linkFreeAt + latency + simulation.nanosBetween(Duration.ZERO, simulation.faults().jitter());
        lastArrival = Math.max(lastArrival, at);
        return lastArrival;
    }

    private void sendFin() {
        SimConnection receiver = peer;
        simulation.schedule(arrival(0) - simulation.now(), receiver::finArrived);
    }

    private void sendReset() {
        SimConnection receiver = peer;
        simulation.schedule(arrival(0) - simulation.now(), receiver::resetArrived);
    }

    /** Everything queued is in the window: finish a pending close or half-close. */
    private void drained() {
        waitingForRoom = false;
        finishedWriting = disconnecting || writeShutdownRequested;
        if (disconnecting) {
            close(disconnectReason, true);
        } else if (writeShutdownRequested && !writeShutdown) {
            shutdownOutput();
        }
    }

    private void shutdownOutput() {
        writeShutdown = true;
        log("write side shut down (FIN)");
        sendFin();
        if (peerFinishedSending) {
            close(Reason.closedByUs(), true);
        } else if (protocol instanceof HalfCloseableProtocol halfCloseable) {
            callProtocol("writeConnectionLost", halfCloseable::writeConnectionLost);
        }
    }

    /** The peer read {@code n} bytes: room in the window again. */
    private void roomFreed(int n) {
        inKernel -= n;
        if (waitingForRoom && !closed) {
            waitingForRoom = false;
            scheduleFlush();
        }
    }

    // ------------------------------------------------------------------ receiving

    private void segmentArrived(byte[] segment) {
        if (closed) {
            if (!resetArrived) {
                log("got " + segment.length + " B on a closed socket: reset");
                resetArrived = true;  // one reset answers them all
                sendReset();
            }
            return;
        }
        inbound.append(segment, 0, segment.length);
        scheduleRead();
    }

    private void finArrived() {
        if (!closed) {
            finArrived = true;
            scheduleRead();
        }
    }

    private void resetArrived() {
        resetArrived = true;
        if (!closed) {
            inbound.clear();
            close(Reason.reset("connection reset by peer", null), false);
        }
    }

    /** The network cut the connection (a fault or an outage): both ends see a reset at once. */
    void resetByNetwork(String why) {
        if (!closed) {
            resetArrived = true;
            inbound.clear();
            close(Reason.reset("connection reset: " + why, null), false);
        }
    }

    private boolean canRead() {
        return made && !closed && !readingPaused && !disconnecting && !peerFinishedSending && network.isReading(host);
    }

    private void scheduleRead() {
        if (readScheduled || !canRead() || (inbound.isEmpty() && !finArrived)) {
            return;
        }
        readScheduled = true;
        simulation.schedule(stalledUntil - simulation.now(), this::read);
    }

    private void read() {
        readScheduled = false;
        if (!canRead()) {
            return;
        }
        if (simulation.now() < stalledUntil) {
            scheduleRead();
            return;
        }
        if (inbound.isEmpty()) {
            if (finArrived) {
                peerFinishedSending();
            }
            return;
        }
        int n = readSize(inbound.size());
        byte[] data = inbound.take(n);
        delivered += n;
        SimConnection sender = peer;
        simulation.schedule(latency, () -> sender.roomFreed(n));  // the window update travels back as an ACK
        CRC32 crc = new CRC32();
        crc.update(data);
        log("read " + n + " B crc " + Long.toHexString(crc.getValue()));
        ByteBuffer buffer = network.readBuffer(data);
        callProtocol("dataReceived", () -> protocol.dataReceived(buffer));
        network.spoil(buffer);
        FaultProfile faults = simulation.faults();
        if (!closed && simulation.chance(faults.stallProbability())) {
            stalledUntil = simulation.now() + simulation.nanosBetween(Duration.ZERO, faults.maxStall());
            log("stops reading until " + EventLog.format(stalledUntil));
        }
        scheduleRead();
    }

    private int readSize(int available) {
        int most = Math.min(available, MAX_READ);
        if (most == 1 || !simulation.chance(simulation.faults().splitReadProbability())) {
            return most;
        }
        return simulation.chance(1.0 / 3) ? 1 : simulation.between(1, most);
    }

    private void peerFinishedSending() {
        if (delivered != peer.transmitted || (peer.finishedWriting && peer.transmitted != peer.accepted)) {
            throw simulation.violation(id + ": the peer closed cleanly after writing " + peer.accepted + " B, sending "
                    + peer.transmitted + " B, but " + delivered + " B were read");
        }
        log("end of stream");
        if (!(protocol instanceof HalfCloseableProtocol halfCloseable) || writeShutdown) {
            close(Reason.closedByPeer(), true);
            return;
        }
        peerFinishedSending = true;
        callProtocol("readConnectionLost", halfCloseable::readConnectionLost);
    }

    // ------------------------------------------------------------------ closing

    /**
     * Ends the connection now; {@code connectionLost} follows on a later event. A graceful close
     * sends a FIN (unless unread bytes make it a reset, as in Linux); any other sends a reset.
     */
    private void close(Reason reason, boolean graceful) {
        if (closed) {
            return;
        }
        closed = true;
        if (!made) {
            log("reset before its connect completed");
            return;  // no protocol to tell: the connector sees the attempt fail
        }
        log("closed: " + reason + (outbound.isEmpty() ? "" : ", " + outbound.size() + " B queued are dropped"));
        outbound.clear();
        host.untrack(this);
        if (!resetArrived) {
            if (!graceful || !inbound.isEmpty()) {
                sendReset();
            } else if (!writeShutdown) {
                sendFin();
            }
        }
        inbound.clear();
        pendingLoss = reason;
        scheduleFlush();
    }

    /** The only place {@code connectionLost} is called: once, on the event after {@link #close}. */
    private void deliverLoss() {
        Reason reason = pendingLoss;
        pendingLoss = null;
        if (++lossesDelivered > 1) {
            throw simulation.violation(id + ": connectionLost a second time, with " + reason);
        }
        lostReason = reason;
        Producer registered = flow.detach();
        if (registered != null && registered != this) {
            host.run("stopProducing", registered::stopProducing);
        }
        log("connectionLost " + reason.kind());
        host.run("connectionLost", () -> protocol.connectionLost(reason));
        owner.connectionClosed(this, reason);
    }

    /** Runs a protocol callback: never after connectionLost; what it throws closes the connection. */
    private void callProtocol(String name, Runnable callback) {
        if (lossesDelivered > 0) {
            throw simulation.violation(id + ": " + name + " after connectionLost");
        }
        Throwable error = host.run(name + " of " + id, callback);
        if (error != null) {
            close(Reason.error(error), false);
        }
    }

    // ------------------------------------------------------------------ Transport: writing

    @Override
    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (acceptsWrite(length)) {
            outbound.append(data, offset, length);
            written(length);
        }
    }

    @Override
    public void write(ByteBuffer data) {
        int length = data.remaining();
        if (acceptsWrite(length)) {
            outbound.append(data);
            written(length);
        } else {
            data.position(data.limit());
        }
    }

    @Override
    public void writeSequence(ByteBuffer... data) {
        long total = 0;
        for (ByteBuffer buffer : data) {
            total += buffer.remaining();
        }
        if (acceptsWrite(total)) {
            for (ByteBuffer buffer : data) {
                outbound.append(buffer);
            }
            written(total);
        } else {
            for (ByteBuffer buffer : data) {
                buffer.position(buffer.limit());
            }
        }
    }

    private boolean acceptsWrite(long length) {
        if (closed || disconnecting || writeShutdownRequested) {
            return false;
        }
        if (outbound.size() + length > maxWriteBufferSize) {
            close(Reason.limitExceeded("outbound buffer would reach " + (outbound.size() + length)
                    + " bytes, above the cap of " + maxWriteBufferSize + " bytes"), false);
            return false;
        }
        return true;
    }

    private void written(long length) {
        accepted += length;
        if (!waitingForRoom) {
            scheduleFlush();
        }
        boolean wasPaused = flow.isPaused();
        host.run("pauseProducing", () -> flow.queued(outbound.size()));
        if (!wasPaused && flow.isPaused()) {
            log("producer paused at " + outbound.size() + " B queued");
        }
    }

    // ------------------------------------------------------------------ Transport: closing

    @Override
    public void loseConnection() {
        if (closed || disconnecting) {
            return;
        }
        disconnecting = true;
        if (!waitingForRoom) {
            scheduleFlush();
        }
    }

    @Override
    public void loseConnection(Reason reason) {
        Objects.requireNonNull(reason, "reason");
        if (closed || disconnecting) {
            return;
        }
        disconnectReason = reason;
        loseConnection();
    }

    @Override
    public void abortConnection() {
        close(Reason.aborted(), false);
    }

    @Override
    public void abortConnection(Reason reason) {
        close(Objects.requireNonNull(reason, "reason"), false);
    }

    @Override
    public void loseWriteConnection() {
        if (closed || disconnecting || writeShutdownRequested) {
            return;
        }
        writeShutdownRequested = true;
        if (!waitingForRoom) {
            scheduleFlush();
        }
    }

    @Override
    public void shutdown() {
        loseConnection();
    }

    @Override
    public void abort() {
        close(Reason.aborted("the host's shutdown grace period ended with " + outbound.size() + " bytes still queued"), false);
    }

    // ------------------------------------------------------------------ Transport: the rest

    @Override
    public void switchProtocol(Protocol next) {
        this.protocol = Objects.requireNonNull(next, "next");
    }

    @Override
    public SocketAddress getPeer() {
        return remote;
    }

    @Override
    public SocketAddress getHost() {
        return local;
    }

    @Override
    public boolean isConnected() {
        return !closed && !disconnecting;
    }

    @Override
    public void pauseProducing() {
        readingPaused = true;
    }

    @Override
    public void resumeProducing() {
        readingPaused = false;
        scheduleRead();
    }

    @Override
    public void stopProducing() {
        loseConnection();
    }

    @Override
    public void registerProducer(Producer newProducer, boolean streaming) {
        flow.register(newProducer, streaming, outbound.size(), closed);
    }

    @Override
    public void unregisterProducer() {
        flow.unregister();
    }

    @Override
    public void setWriteBufferLimits(long highWaterMark, long lowWaterMark) {
        flow.setLimits(highWaterMark, lowWaterMark);
    }

    @Override
    public void setMaxWriteBufferSize(long maxBytes) {
        this.maxWriteBufferSize = Transport.checkMaxWriteBufferSize(maxBytes);
    }

    @Override
    public long getWriteBufferSize() {
        return outbound.size();
    }

    // ------------------------------------------------------------------ for the network and the checks

    boolean wasMade() {
        return made;
    }

    int lossesDelivered() {
        return lossesDelivered;
    }

    /** The reason given to connectionLost, or null before. */
    Reason lostReason() {
        return lostReason;
    }

    boolean isClosed() {
        return closed;
    }

    String id() {
        return id;
    }

    SimulatedReactor host() {
        return host;
    }

    SimulatedReactor peerHost() {
        return peer.host;
    }

    long bytesWritten() {
        return accepted;
    }

    long bytesRead() {
        return delivered;
    }

    private void log(String what) {
        host.log(id + " " + what);
    }

    @Override
    public String toString() {
        return "SimConnection[" + id + " " + local + " -> " + remote + (closed ? ", closed" : "") + "]";
    }
}
