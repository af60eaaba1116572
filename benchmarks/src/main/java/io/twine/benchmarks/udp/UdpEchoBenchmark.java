package io.twine.benchmarks.udp;

import io.twine.protocol.DatagramProtocol;
import io.twine.testing.ReactorThread;
import io.twine.transport.udp.Udp;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Datagrams per second through a loopback UDP echo server: twine's {@code Udp.listen} with a
 * three-line echo protocol, against a plain blocking {@link DatagramSocket} echo on its own
 * thread, measured in the same run by the same blocking client.
 *
 * <p>Two shapes: {@code *PingPong} keeps one datagram in flight (each operation is a round trip,
 * so it measures latency as much as throughput); {@code *Window} sends {@value #WINDOW}
 * datagrams, then reads their {@value #WINDOW} echoes, and counts each datagram as one
 * operation (throughput with the kernel's buffers in play). A datagram lost on loopback (rare
 * with these sizes) ends its round after a one-second timeout and is counted; the total is
 * printed at the end of each trial so a number bought with losses is visible.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar 'Udp.*' -f 1 -wi 2 -i 3}, with
 * {@code -prof gc} for allocation per datagram.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class UdpEchoBenchmark {

    static final int WINDOW = 32;

    /** Payload bytes per datagram. */
    @Param({"64"})
    public int size;

    /** Sends its datagram back to whoever sent it: all a UDP echo server is, in twine. */
    static final class Echo extends DatagramProtocol {
        @Override
        public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
            transport.write(data, sender);
        }
    }

    private ReactorThread reactor;
    private BlockingUdpEchoServer blockingServer;
    private Client toTwine;
    private Client toBlocking;

    @Setup(Level.Trial)
    public void start() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        reactor = ReactorThread.start();
        InetSocketAddress twineAddress = reactor.call(() -> Udp.listen(reactor.reactor(), loopback, new Echo()).getHost());
        blockingServer = new BlockingUdpEchoServer(loopback);
        toTwine = new Client(twineAddress, size);
        toBlocking = new Client(blockingServer.address(), size);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        long lost = toTwine.lost + toBlocking.lost;
        if (lost > 0) {
            System.out.println("lost datagrams: twine " + toTwine.lost + ", blocking " + toBlocking.lost);
        }
        toTwine.close();
        toBlocking.close();
        blockingServer.close();
        reactor.close();
    }

    @Benchmark
    public int twinePingPong() throws IOException {
        return toTwine.roundTrip(1);
    }

    @Benchmark
    public int blockingPingPong() throws IOException {
        return toBlocking.roundTrip(1);
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int twineWindow() throws IOException {
        return toTwine.roundTrip(WINDOW);
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int blockingWindow() throws IOException {
        return toBlocking.roundTrip(WINDOW);
    }

    /** A blocking client connected to one server, with its packets allocated once. */
    static final class Client implements AutoCloseable {
        private final DatagramSocket socket;
        private final DatagramPacket request;
        private final DatagramPacket reply;
        long lost;

        Client(InetSocketAddress server, int size) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            socket.connect(server);
            socket.setSoTimeout(1_000);
            request = new DatagramPacket(new byte[size], size, server);
            reply = new DatagramPacket(new byte[65_536], 65_536);
        }

        /** Sends {@code count} datagrams, then reads as many echoes; returns the bytes echoed. */
        int roundTrip(int count) throws IOException {
            for (int i = 0; i < count; i++) {
                socket.send(request);
            }
            int bytes = 0;
            for (int i = 0; i < count; i++) {
                reply.setLength(65_536);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    lost += count - i;
                    return bytes;
                }
                bytes += reply.getLength();
            }
            return bytes;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
