package io.twine.benchmarks.basic;

import io.twine.protocol.Protocol;
import io.twine.protocol.basic.ByteLineReceiver;
import io.twine.protocol.basic.Int32StringReceiver;
import io.twine.protocol.basic.IntNStringReceiver;
import io.twine.protocol.basic.LineReceiver;
import io.twine.testing.StringTransport;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How many 64-byte lines per second the framing protocols split, with no socket: one 64 KiB
 * direct buffer (the size and kind of the reactor's read buffer) holding 1,024 lines of 62 bytes
 * plus {@code "\r\n"} is handed to {@code dataReceived}, either whole or in reads of
 * {@code chunkSize} bytes, so that some lines span two reads. The protocols are attached to a
 * {@link StringTransport}. One operation is one line, so the score is lines per second and
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes allocated per line.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar 'basic.*' -f 1 -wi 2 -i 3 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class LineReceiverBenchmark {

    static final int LINE_BYTES = 64;
    static final int LINES = 1024;

    /** Bytes per read: 65536 is the whole buffer at once; 1000 makes lines span reads. */
    @Param({"65536", "1000"})
    int chunkSize;

    private ByteBuffer lines;
    private ByteBuffer frames;
    private ByteLineReceiver byteReceiver;
    private LineReceiver stringReceiver;
    private IntNStringReceiver int32Receiver;

    @Setup
    public void setUp(Blackhole blackhole) {
        lines = ByteBuffer.allocateDirect(LINE_BYTES * LINES);
        frames = ByteBuffer.allocateDirect(LINE_BYTES * LINES);
        for (int i = 0; i < LINES; i++) {
            for (int j = 0; j < LINE_BYTES - 2; j++) {
                lines.put((byte) ('a' + (i + j) % 26));
            }
            lines.put((byte) '\r').put((byte) '\n');
            frames.putInt(LINE_BYTES - 4);
            for (int j = 0; j < LINE_BYTES - 4; j++) {
                frames.put((byte) ('a' + (i + j) % 26));
            }
        }
        byteReceiver = new ByteLineReceiver() {
            @Override
            public void lineReceived(ByteBuffer line) {
                blackhole.consume(line.get(line.limit() - 1));
            }
        };
        stringReceiver = new LineReceiver() {
            @Override
            public void lineReceived(String line) {
                blackhole.consume(line);
            }
        };
        int32Receiver = new Int32StringReceiver() {
            @Override
            public void stringReceived(ByteBuffer message) {
                blackhole.consume(message.get(message.limit() - 1));
            }
        };
        new StringTransport().connect(byteReceiver);
        new StringTransport().connect(stringReceiver);
        new StringTransport().connect(int32Receiver);
    }

    /** Lines as windows on the read buffer: no copy, no decoding. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void byteLines() {
        feed(lines, byteReceiver);
    }

    /** Lines decoded to UTF-8 strings. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void stringLines() {
        feed(lines, stringReceiver);
    }

    /** For comparison: 64-byte messages with a 4-byte length prefix. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void int32Strings() {
        feed(frames, int32Receiver);
    }

    /** Hands the buffer over in reads of {@code chunkSize} bytes, as windows: nothing is allocated. */
    private void feed(ByteBuffer buffer, Protocol protocol) {
        int total = buffer.capacity();
        for (int offset = 0; offset < total; offset += chunkSize) {
            buffer.limit(Math.min(offset + chunkSize, total)).position(offset);
            protocol.dataReceived(buffer);
        }
    }
}
