package io.twine.benchmarks.tcp;

import io.twine.benchmarks.echo.EchoKind;
import io.twine.benchmarks.echo.EchoServer;
import java.io.IOException;
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
 * Round trips over loopback against the echo servers: one blocking client (this thread) and the
 * server under test on its own thread(s) in the same JVM.
 *
 * <ul>
 *   <li>{@code pingPong}: send 64 bytes, wait for the 64 bytes back. One operation is one round
 *       trip; read the score as round trips per second.</li>
 *   <li>{@code pipelined16}: send 16 messages of 64 bytes in one write, read the 1,024 bytes
 *       back. One operation is one message, so the score is messages per second with 16 in
 *       flight.</li>
 * </ul>
 *
 * <p>The {@code server} parameter puts twine, Netty NIO (one event loop, pooled direct buffers,
 * flush on read-complete) and the blocking thread-per-connection server side by side.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class RoundTripBenchmark {

    private static final int MESSAGE = 64;
    private static final int IN_FLIGHT = 16;

    @Param({"twine", "netty-nio", "blocking"})
    public String server;

    private EchoServer echo;
    private BlockingClient client;
    private final byte[] out = new byte[MESSAGE * IN_FLIGHT];
    private final byte[] in = new byte[MESSAGE * IN_FLIGHT];

    @Setup(Level.Trial)
    public void start() throws Exception {
        echo = EchoServer.start(EchoKind.of(server), 0);
        client = new BlockingClient(echo.port());
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) i;
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        echo.close();
    }

    @Benchmark
    public byte pingPong() throws IOException {
        client.write(out, MESSAGE);
        client.readFully(in, MESSAGE);
        return in[MESSAGE - 1];
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public byte pipelined16() throws IOException {
        client.write(out, MESSAGE * IN_FLIGHT);
        client.readFully(in, MESSAGE * IN_FLIGHT);
        return in[in.length - 1];
    }
}
