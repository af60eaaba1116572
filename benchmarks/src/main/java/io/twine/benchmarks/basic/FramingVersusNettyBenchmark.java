package io.twine.benchmarks.basic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.twine.protocol.basic.ByteLineReceiver;
import io.twine.protocol.basic.Int32StringReceiver;
import io.twine.testing.StringTransport;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Framing with no socket, twine next to Netty: one 64 KiB direct read holding 1,024 messages of
 * 64 bytes, split into lines ({@code ByteLineReceiver} against Netty's
 * {@code LineBasedFrameDecoder}) or into 4-byte length-prefixed frames
 * ({@code Int32StringReceiver} against {@code LengthFieldBasedFrameDecoder}). Netty's decoders run
 * in an {@link EmbeddedChannel} whose last handler counts and releases each frame. One operation
 * is one message; {@code -prof gc} gives bytes allocated per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class FramingVersusNettyBenchmark {

    private static final int MESSAGE = 64;
    private static final int MESSAGES = 1024;

    private ByteBuffer lines;
    private ByteBuffer frames;
    private ByteBuf nettyLines;
    private ByteBuf nettyFrames;
    private ByteLineReceiver twineLines;
    private Int32StringReceiver twineFrames;
    private EmbeddedChannel lineChannel;
    private EmbeddedChannel frameChannel;
    long count;

    @Setup(Level.Trial)
    public void setUp() {
        lines = ByteBuffer.allocateDirect(MESSAGE * MESSAGES);
        frames = ByteBuffer.allocateDirect(MESSAGE * MESSAGES);
        for (int i = 0; i < MESSAGES; i++) {
            for (int j = 0; j < MESSAGE - 2; j++) {
                lines.put((byte) ('a' + (i + j) % 26));
            }
            lines.put((byte) '\r').put((byte) '\n');
            frames.putInt(MESSAGE - 4);
            for (int j = 0; j < MESSAGE - 4; j++) {
                frames.put((byte) ('a' + (i + j) % 26));
            }
        }
        lines.flip();
        frames.flip();
        nettyLines = PooledByteBufAllocator.DEFAULT.directBuffer(lines.capacity()).writeBytes(lines.duplicate());
        nettyFrames = PooledByteBufAllocator.DEFAULT.directBuffer(frames.capacity()).writeBytes(frames.duplicate());

        twineLines = new ByteLineReceiver() {
            @Override
            public void lineReceived(ByteBuffer line) {
                count += line.remaining();
            }
        };
        new StringTransport().connect(twineLines);
        twineFrames = new Int32StringReceiver() {
            @Override
            public void stringReceived(ByteBuffer message) {
                count += message.remaining();
            }
        };
        new StringTransport().connect(twineFrames);

        ChannelInboundHandlerAdapter counter = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf frame = (ByteBuf) msg;
                count += frame.readableBytes();
                frame.release();
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        };
        lineChannel = new EmbeddedChannel(new LineBasedFrameDecoder(16_384), counter);
        frameChannel = new EmbeddedChannel(new LengthFieldBasedFrameDecoder(99_999 + 4, 0, 4, 0, 4), counter);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        lineChannel.finishAndReleaseAll();
        frameChannel.finishAndReleaseAll();
        nettyLines.release();
        nettyFrames.release();
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long twineLines() {
        lines.rewind();
        twineLines.dataReceived(lines);
        return count;
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long nettyLines() {
        nettyLines.readerIndex(0).retain();
        lineChannel.pipeline().fireChannelRead(nettyLines).fireChannelReadComplete();
        return count;
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long twineInt32() {
        frames.rewind();
        twineFrames.dataReceived(frames);
        return count;
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long nettyInt32() {
        nettyFrames.readerIndex(0).retain();
        frameChannel.pipeline().fireChannelRead(nettyFrames).fireChannelReadComplete();
        return count;
    }
}
