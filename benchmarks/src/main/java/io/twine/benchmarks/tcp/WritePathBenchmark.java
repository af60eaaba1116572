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
 * The write path: a server whose callback makes 16 writes of 64 bytes, over and over, as fast
 * as a loopback client takes them (see {@link StreamingWriters}). This thread is the client: it
 * reads 16 KiB per invocation, so one operation is one callback of 16 writes, and the score
 * times 1 KiB is bytes per second reaching the socket.
 *
 * <p>With {@code -prof gc}, {@code gc.alloc.rate.norm} counts every thread of the JVM, so it
 * includes the writer's loop: twine's steady state should show 0 bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class WritePathBenchmark {

    private static final int CALLBACKS_PER_INVOCATION = 16;
    private static final int BYTES_PER_CALLBACK = StreamingWriters.WRITES * StreamingWriters.WRITE_SIZE;

    @Param({"twine", "netty-nio", "blocking"})
    public String server;

    private StreamingWriters.Running writer;
    private BlockingClient client;
    private final byte[] in = new byte[CALLBACKS_PER_INVOCATION * BYTES_PER_CALLBACK];

    @Setup(Level.Trial)
    public void start() throws Exception {
        writer = StreamingWriters.start(server);
        client = new BlockingClient(writer.port());
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        writer.close();
    }

    @Benchmark
    @OperationsPerInvocation(CALLBACKS_PER_INVOCATION)
    public byte write16x64() throws IOException {
        client.readFully(in, in.length);
        return in[in.length - 1];
    }
}
