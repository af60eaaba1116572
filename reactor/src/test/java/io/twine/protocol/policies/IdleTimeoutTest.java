package io.twine.protocol.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.protocol.Reason;
import io.twine.testing.ManualClock;
import io.twine.testing.StringTransport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdleTimeoutTest {

    private final ManualClock clock = new ManualClock();
    private final StringTransport transport = new StringTransport();

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    @Test
    void abortsWithTimedOutReasonAfterAWholeIdlePeriod() {
        IdleTimeout idle = new IdleTimeout(clock, transport);
        assertNull(idle.setTimeout(Duration.ofSeconds(10)));
        assertEquals(Duration.ofSeconds(10), clock.untilNextCall());
        clock.advance(seconds(9.999));
        assertTrue(transport.isConnected());
        clock.advance(seconds(0.001));
        assertTrue(transport.abortConnectionCalled());
        Reason reason = transport.closeReason();
        assertEquals(Reason.Kind.TIMED_OUT, reason.kind());
        assertTrue(reason.message().contains("10000 ms"), reason.message());
        assertFalse(idle.isPending());
        assertEquals(0, clock.pendingCalls());
    }

    @Test
    void eachResetRestartsThePeriodFromThatMoment() {
        AtomicInteger timeouts = new AtomicInteger();
        IdleTimeout idle = new IdleTimeout(clock, timeouts::incrementAndGet);
        idle.setTimeout(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(4));
        idle.resetTimeout();                       // now due at 14
        clock.advance(Duration.ofSeconds(6));      // t=10: the timer fires early and re-arms for the rest
        assertEquals(0, timeouts.get());
        assertEquals(Duration.ofSeconds(4), clock.untilNextCall());
        clock.advance(Duration.ofSeconds(3));      // t=13
        idle.resetTimeout();                       // now due at 23
        clock.advance(Duration.ofSeconds(1));      // t=14
        assertEquals(0, timeouts.get());
        assertEquals(Duration.ofSeconds(9), clock.untilNextCall());
        clock.advance(Duration.ofSeconds(9));      // t=23
        assertEquals(1, timeouts.get());
        clock.advance(Duration.ofSeconds(100));
        assertEquals(1, timeouts.get(), "it fires once");
    }

    @Test
    void manyResetsStillCostOneTimer() {
        AtomicInteger timeouts = new AtomicInteger();
        IdleTimeout idle = new IdleTimeout(clock, timeouts::incrementAndGet);
        idle.setTimeout(Duration.ofSeconds(1));
        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(10));
            idle.resetTimeout();
            assertEquals(1, clock.pendingCalls());
        }
        assertEquals(0, timeouts.get());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, timeouts.get());
    }

    @Test
    void resetAfterTheTimeoutFiredDoesNothing() {
        AtomicInteger timeouts = new AtomicInteger();
        IdleTimeout idle = new IdleTimeout(clock, timeouts::incrementAndGet);
        idle.setTimeout(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        idle.resetTimeout();
        clock.advance(Duration.ofSeconds(5));
        assertEquals(1, timeouts.get());
        assertEquals(Duration.ofSeconds(1), idle.getTimeout());
    }

    @Test
    void setTimeoutReplacesThePeriodAndReturnsTheOldOne() {
        AtomicInteger timeouts = new AtomicInteger();
        IdleTimeout idle = new IdleTimeout(clock, timeouts::incrementAndGet);
        idle.setTimeout(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(10), idle.setTimeout(Duration.ofSeconds(2)));
        assertEquals(1, clock.pendingCalls());
        assertEquals(Duration.ofSeconds(2), clock.untilNextCall());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(1, timeouts.get());
    }

    @Test
    void cancelZeroOrNullTurnItOff() {
        AtomicInteger timeouts = new AtomicInteger();
        IdleTimeout idle = new IdleTimeout(clock, timeouts::incrementAndGet);
        idle.setTimeout(Duration.ofSeconds(1));
        idle.cancelTimeout();
        assertEquals(0, clock.pendingCalls());
        assertNull(idle.getTimeout());
        idle.setTimeout(Duration.ofSeconds(1));
        assertEquals(Duration.ofSeconds(1), idle.setTimeout(Duration.ZERO));
        idle.resetTimeout();
        clock.advance(Duration.ofSeconds(10));
        assertEquals(0, timeouts.get());
        assertThrows(IllegalArgumentException.class, () -> idle.setTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void timeoutConnectionCanBeOverridden() {
        AtomicInteger calls = new AtomicInteger();
        IdleTimeout idle = new IdleTimeout(clock, transport) {
            @Override
            public void timeoutConnection() {
                calls.incrementAndGet();
                transport.write("bye\r\n".getBytes());
                super.timeoutConnection();
            }
        };
        idle.setTimeout(Duration.ofMillis(500));
        clock.advance(Duration.ofMillis(500));
        assertEquals(1, calls.get());
        assertEquals("bye\r\n", transport.valueAsString());
        assertEquals(Reason.Kind.TIMED_OUT, transport.closeReason().kind());
    }
}
