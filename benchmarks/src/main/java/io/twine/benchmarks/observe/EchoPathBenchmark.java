package io.twine.benchmarks.observe;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import io.twine.transport.tcp.Tcp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What seeing the loop costs on the read/write path: a twine TCP echo server on its own loop
 * thread, driven by one blocking client on loopback, with the reactor's observability off (the
 * default: metrics counters only), tracing on, or debug mode on.
 *
 * <p>{@code pingPong}: one {@code size}-byte message in flight, so each operation is a round
 * trip through two loop iterations' worth of read, echo and flush. {@code stream}: 64 KiB out and
 * back per operation, in the reactor's read-buffer-sized pieces.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EchoPath -prof gc}; the
 * {@code observe=off} rows are the ones to compare against a build without the observability.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EchoPathBenchmark {

    private static final int STREAM_BYTES = 64 * 1024;

    /** {@code off}: as shipped; {@code trace}: a 512-iteration trace recording; {@code debug}: debug mode. */
    @Param({"off", "trace", "debug"})
    public String observe;

    /** Bytes per ping-pong message. */
    @Param({"64"})
    public int size;

    /** Writes back whatever it reads: the read path and the write path, nothing else. */
    static final class Echo extends Protocol {
        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    private ReactorThread loop;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private byte[] message;
    private byte[] reply;
    private byte[] block;

    @Setup(Level.Trial)
    public void start() throws Exception {
        Reactor reactor = new Reactor();
        observe(reactor, observe);
        loop = ReactorThread.start(reactor);
        ListeningPort port = loop.call(() -> Tcp.listen(reactor, new InetSocketAddress("127.0.0.1", 0),
                Factory.forProtocol(Echo::new)));
        InetSocketAddress address = (InetSocketAddress) port.getHost();
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = socket.getInputStream();
        message = new byte[size];
        reply = new byte[size];
        block = new byte[STREAM_BYTES];
    }

    /** Turns on what {@code mode} names; before the reactor runs. */
    static void observe(Reactor reactor, String mode) {
        switch (mode) {
            case "off":
                break;
            case "trace":
                reactor.startTracing(512);
                break;
            case "debug":
                reactor.setDebug(true);
                break;
            default:
                throw new IllegalArgumentException("observe must be off, trace or debug, got " + mode);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        socket.close();
        loop.close();
    }

    @Benchmark
    public int pingPong() throws IOException {
        out.write(message);
        return readFully(reply, size);
    }

    @Benchmark
    public int stream() throws IOException {
        // 64 KiB fits the loopback socket buffers, so writing it all before reading cannot deadlock.
        out.write(block);
        return readFully(block, STREAM_BYTES);
    }

    private int readFully(byte[] into, int length) throws IOException {
        int total = 0;
        while (total < length) {
            int n = in.read(into, total, length - total);
            if (n < 0) {
                throw new IOException("the echo server closed after " + total + " of " + length + " bytes");
            }
            total += n;
        }
        return total;
    }
}
