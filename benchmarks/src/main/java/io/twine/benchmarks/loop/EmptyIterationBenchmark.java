package io.twine.benchmarks.loop;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.twine.reactor.Reactor;
import io.twine.testing.ReactorThread;
import java.time.Duration;
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

/**
 * One turn of an event loop that has nothing to do but come round again: a zero-delay timer
 * that re-arms itself. Both loops run a timer scheduled during a pass only on the next pass, so
 * each timer is one iteration: a non-blocking select that finds nothing, the timer check, the
 * task queue check. One invocation chains 1,000 of them; one operation is one iteration.
 *
 * <p>The cost includes one timer object per iteration in both loops (twine's {@code
 * DelayedCall}, Netty's {@code ScheduledFutureTask}). Blocking code has no loop, so there is no
 * blocking counterpart.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class EmptyIterationBenchmark {

    private static final int ITERATIONS = 1000;

    @Param({"twine", "netty-nio"})
    public String loop;

    private ReactorThread twine;
    private EventLoopGroup netty;
    private LoopCall chain;
    private int remaining;

    @Setup(Level.Trial)
    public void start() {
        switch (loop) {
            case "twine": {
                twine = ReactorThread.start();
                Reactor reactor = twine.reactor();
                Runnable[] step = new Runnable[1];
                step[0] = () -> {
                    if (--remaining > 0) {
                        reactor.callLater(Duration.ZERO, step[0]);
                    } else {
                        chain.done();
                    }
                };
                chain = new LoopCall(reactor::callFromThread, () -> {
                    remaining = ITERATIONS;
                    reactor.callLater(Duration.ZERO, step[0]);
                });
                break;
            }
            case "netty-nio": {
                netty = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                IoEventLoop eventLoop = (IoEventLoop) netty.next();
                Runnable[] step = new Runnable[1];
                step[0] = () -> {
                    if (--remaining > 0) {
                        eventLoop.schedule(step[0], 0, TimeUnit.NANOSECONDS);
                    } else {
                        chain.done();
                    }
                };
                chain = new LoopCall(eventLoop, () -> {
                    remaining = ITERATIONS;
                    eventLoop.schedule(step[0], 0, TimeUnit.NANOSECONDS);
                });
                break;
            }
            default:
                throw new IllegalArgumentException("unknown loop '" + loop + "'");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (twine != null) {
            twine.close();
        }
        if (netty != null) {
            netty.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITERATIONS)
    public void zeroDelayTimerChain() throws TimeoutException {
        chain.runAndWait();
    }
}
