package io.twine.benchmarks.loop;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.twine.testing.ReactorThread;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Handing tasks to the loop from other threads: twine's {@code callFromThread}, Netty's
 * {@code EventLoop.execute}, and, for blocking code, a single-thread {@link ExecutorService}.
 * One operation is one task queued; the loop runs it (a counter increment). Each posting thread
 * keeps at most {@value #WINDOW} of its tasks queued, so the queue stays bounded and the score is
 * what the loop sustains, not how fast a queue can grow.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class CallFromThreadBenchmark {

    static final int WINDOW = 1024;

    /** The loop every posting thread shares. */
    @State(Scope.Benchmark)
    public static class Loop {
        @Param({"twine", "netty-nio", "blocking"})
        public String loop;

        Executor executor;
        private ReactorThread twine;
        private EventLoopGroup netty;
        private ExecutorService blocking;

        @Setup(Level.Trial)
        public void start() {
            switch (loop) {
                case "twine":
                    twine = ReactorThread.start();
                    executor = twine.reactor()::callFromThread;
                    break;
                case "netty-nio":
                    netty = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                    executor = netty.next();
                    break;
                case "blocking":
                    blocking = Executors.newSingleThreadExecutor();
                    executor = blocking;
                    break;
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
            if (blocking != null) {
                blocking.shutdownNow();
            }
        }
    }

    /** One posting thread: its own task (reused for every post) and how many it has posted. */
    @State(Scope.Thread)
    public static class Poster implements Runnable {
        /** Written by the loop thread only. */
        volatile long executed;
        long posted;

        @Override
        public void run() {
            executed = executed + 1;
        }

        void post(Executor executor) {
            executor.execute(this);
            posted++;
            if (posted - executed > WINDOW) {
                while (posted - executed > WINDOW / 2) {
                    Thread.yield();  // let the loop, which may share our core, catch up
                }
            }
        }

        @TearDown(Level.Iteration)
        public void drain() {
            while (executed < posted) {
                Thread.yield();
            }
        }
    }

    @Benchmark
    @Threads(1)
    public void oneThread(Loop loop, Poster poster) {
        poster.post(loop.executor);
    }

    @Benchmark
    @Threads(4)
    public void fourThreads(Loop loop, Poster poster) {
        poster.post(loop.executor);
    }
}
