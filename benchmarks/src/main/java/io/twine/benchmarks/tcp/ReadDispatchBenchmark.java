package io.twine.benchmarks.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.twine.benchmarks.echo.NettyEchoServer;
import io.twine.benchmarks.echo.TwineEchoServer;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The read path with no socket: a 64-byte read handed to the echo handler of each library, which
 * writes it back to a transport that goes nowhere. twine calls {@code dataReceived} on its echo
 * protocol over a {@link FakeTransport}; Netty fires {@code channelRead} and {@code
 * channelReadComplete} through the pipeline of an {@link EmbeddedChannel} holding its echo
 * handler, and drains what the handler wrote. There is no blocking counterpart: without a socket
 * a blocking server is a plain method call.
 *
 * <p>One operation is one 64-byte read, dispatched and echoed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class ReadDispatchBenchmark {

    private static final int MESSAGE = 64;

    /** twine's echo protocol on a fake transport, and one direct 64-byte read buffer. */
    @State(Scope.Thread)
    public static class Twine {
        final FakeTransport transport = new FakeTransport();
        final TwineEchoServer.Echo echo = new TwineEchoServer.Echo();
        final ByteBuffer read = ByteBuffer.allocateDirect(MESSAGE);

        @Setup(Level.Trial)
        public void connect() {
            echo.makeConnection(transport);
        }
    }

    /** Netty's echo handler in an embedded channel, and one pooled 64-byte buffer re-sent each time. */
    @State(Scope.Thread)
    public static class Netty {
        EmbeddedChannel channel;
        ByteBuf read;

        @Setup(Level.Trial)
        public void connect() {
            channel = new EmbeddedChannel(NettyEchoServer.Echo.INSTANCE);
            read = PooledByteBufAllocator.DEFAULT.directBuffer(MESSAGE);
            read.writeZero(MESSAGE);
        }

        @TearDown(Level.Trial)
        public void close() {
            channel.finishAndReleaseAll();
            read.release();
        }
    }

    @Benchmark
    public long twine(Twine state) {
        ByteBuffer read = state.read;
        read.clear();
        state.echo.dataReceived(read);
        return state.transport.written;
    }

    @Benchmark
    public Object netty(Netty state) {
        ByteBuf read = state.read;
        read.readerIndex(0).retain();
        state.channel.pipeline().fireChannelRead(read).fireChannelReadComplete();
        // The echo handler wrote the buffer back: take it off the embedded channel's queue.
        ByteBuf written = state.channel.readOutbound();
        written.release();
        return written;
    }
}
