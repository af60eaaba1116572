package io.twine.benchmarks.tcp;

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
 * The read path over loopback: this thread writes 16 KiB per invocation into a blocking socket
 * and the server under test reads it, dispatching each read into its handler ({@code
 * dataReceived} for twine, {@code channelRead} for Netty), which counts and drops it (see
 * {@link DiscardServers}). Once the kernel's buffers are full the writer can only go as fast as
 * the server reads, so the score is the server's read throughput; one operation is 1 KiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class ReadPathBenchmark {

    private static final int KIB_PER_INVOCATION = 16;

    @Param({"twine", "netty-nio", "blocking"})
    public String server;

    private DiscardServers.Running discard;
    private BlockingClient client;
    private final byte[] out = new byte[KIB_PER_INVOCATION * 1024];

    @Setup(Level.Trial)
    public void start() throws Exception {
        discard = DiscardServers.start(server);
        client = new BlockingClient(discard.port());
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        discard.close();
    }

    @Benchmark
    @OperationsPerInvocation(KIB_PER_INVOCATION)
    public void loopback16KiB() throws IOException {
        client.write(out, out.length);
    }
}
