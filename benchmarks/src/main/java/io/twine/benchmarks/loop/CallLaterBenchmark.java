package io.twine.benchmarks.loop;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scheduling a timer and cancelling it before it fires: what an idle timeout does on every read.
 *
 * <p>twine and Netty do it where it is meant to be done, on their loop thread: one invocation
 * runs 1,024 schedule+cancel pairs in a single task there and waits for it. The blocking
 * counterpart is a {@link ScheduledThreadPoolExecutor} (with remove-on-cancel), called from the
 * benchmark thread as blocking code would. One operation is one schedule plus one cancel.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class CallLaterBenchmark {

    private static final int BATCH = 1024;
    private static final Duration TWINE_DELAY = Duration.ofSeconds(60);
    private static final Runnable NOTHING = () -> { };

    @Param({"twine", "netty-nio", "blocking"})
    public String loop;

    private ReactorThread twine;
    private EventLoopGroup nettyGroup;
    private ScheduledThreadPoolExecutor scheduler;
    private LoopCall batch;
    private long checksum;

    @Setup(Level.Trial)
    public void start() {
        switch (loop) {
            case "twine":
                twine = ReactorThread.start();
                Reactor reactor = twine.reactor();
                batch = new LoopCall(reactor::callFromThread, this::twineBatch);
                break;
            case "netty-nio":
                nettyGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                IoEventLoop eventLoop = (IoEventLoop) nettyGroup.next();
                batch = new LoopCall(eventLoop, () -> nettyBatch(eventLoop));
                break;
            case "blocking":
                scheduler = new ScheduledThreadPoolExecutor(1);
                scheduler.setRemoveOnCancelPolicy(true);
                break;
            default:
                throw new IllegalArgumentException("unknown loop '" + loop + "'");
        }
    }

    private void twineBatch() {
        Reactor reactor = twine.reactor();
        for (int i = 0; i < BATCH; i++) {
            DelayedCall call = reactor.callLater(TWINE_DELAY, NOTHING);
            checksum += call.getTime();
            call.cancel();
        }
        batch.done();
    }

    private void nettyBatch(IoEventLoop eventLoop) {
        for (int i = 0; i < BATCH; i++) {
            ScheduledFuture<?> future = eventLoop.schedule(NOTHING, 60, TimeUnit.SECONDS);
            checksum += future.getDelay(TimeUnit.NANOSECONDS);
            future.cancel(false);
        }
        batch.done();
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (twine != null) {
            twine.close();
        }
        if (nettyGroup != null) {
            nettyGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void scheduleAndCancel(Blackhole blackhole) throws TimeoutException {
        if (scheduler != null) {
            for (int i = 0; i < BATCH; i++) {
                java.util.concurrent.ScheduledFuture<?> future = scheduler.schedule(NOTHING, 60, TimeUnit.SECONDS);
                future.cancel(false);
                blackhole.consume(future);
            }
            return;
        }
        batch.runAndWait();
        blackhole.consume(checksum);
    }
}
