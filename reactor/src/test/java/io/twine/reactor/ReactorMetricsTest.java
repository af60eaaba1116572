package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.observe.LoopMetrics;
import io.twine.reactor.observe.ReactorMetricsBean;
import io.twine.testing.ReactorThread;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ReactorMetricsTest {

    @Test
    void countsTimersTasksAndIterations() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            Reactor reactor = rt.reactor();
            LoopMetrics before = rt.call(reactor::metrics);
            CountDownLatch timers = new CountDownLatch(3);
            rt.run(() -> {
                for (int i = 0; i < 3; i++) {
                    reactor.callLater(Duration.ofMillis(i), timers::countDown);
                }
            });
            for (int i = 0; i < 5; i++) {
                rt.run(() -> { });
            }
            assertTrue(timers.await(10, TimeUnit.SECONDS));
            LoopMetrics after = rt.call(reactor::metrics);
            assertEquals(3, after.timersFired() - before.timersFired());
            // The scheduling task, five empty ones, and the one taking this snapshot.
            assertEquals(7, after.tasksRun() - before.tasksRun());
            assertTrue(after.iterations() > before.iterations());
            assertEquals(0, after.connectionsOpen());
            assertEquals(0, after.connectionsClosed());
            assertTrue(after.selectNanos() > 0 && after.busyNanos() > 0, after.toString());
        }
    }

    @Test
    void longestIterationCoversABusyCallback() {
        try (ReactorThread rt = ReactorThread.start()) {
            ReactorDebugModeTest.DeliberatelySlowTask slow = new ReactorDebugModeTest.DeliberatelySlowTask(Duration.ofMillis(40));
            rt.reactor().callFromThread(slow);
            ReactorThread.await(slow.done);
            LoopMetrics metrics = rt.call(rt.reactor()::metrics);
            assertTrue(metrics.longestIterationNanos() >= Duration.ofMillis(40).toNanos(), metrics.toString());
            assertTrue(metrics.busyNanos() >= metrics.longestIterationNanos());
            assertEquals(0, metrics.slowCallbacks(), "callbacks are only timed when someone looks");
        }
    }

    @Test
    void metricsBeanPublishesTheSnapshotOverJmxUntilTheReactorStops() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try (ReactorThread rt = ReactorThread.start()) {
            name = rt.call(() -> ReactorMetricsBean.register(rt.reactor(), "metrics-test"));
            assertEquals(new ObjectName("io.twine:type=Reactor,name=\"metrics-test\""), name);
            CountDownLatch timer = new CountDownLatch(1);
            rt.run(() -> rt.reactor().callLater(Duration.ZERO, timer::countDown));
            assertTrue(timer.await(10, TimeUnit.SECONDS));
            assertEquals(Boolean.TRUE, server.getAttribute(name, "Running"));
            assertEquals(1L, server.getAttribute(name, "TimersFired"));
            long iterations = (Long) server.getAttribute(name, "Iterations");
            assertTrue(iterations > 0);
            assertEquals(0L, server.getAttribute(name, "ConnectionsOpen"));
            double busy = (Double) server.getAttribute(name, "BusyPercent");
            assertTrue(busy >= 0 && busy <= 100, String.valueOf(busy));
        }
        assertFalse(server.isRegistered(name), "unregistered when the reactor stopped");
    }

    @Test
    void theBeanNeverReadsTheLoopsFieldsFromItsOwnThread() throws Exception {
        Reactor reactor = new Reactor();
        ReactorMetricsBean bean = new ReactorMetricsBean(reactor);
        assertEquals(0L, bean.getIterations(), "before run(): nothing counted");
        assertEquals(null, reactor.finalMetrics());
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            CountDownLatch timer = new CountDownLatch(1);
            rt.run(() -> reactor.callLater(Duration.ZERO, timer::countDown));
            assertTrue(timer.await(10, TimeUnit.SECONDS));
        }
        LoopMetrics last = reactor.finalMetrics();
        assertTrue(last != null && last.timersFired() == 1, String.valueOf(last));
        assertEquals(last.iterations(), bean.getIterations(), "after run(): the counters run() published");
        assertEquals(last, reactor.metrics(), "any thread may read them now");
    }
}
