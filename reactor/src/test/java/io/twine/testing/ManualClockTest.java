package io.twine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.DelayedCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    private final ManualClock clock = new ManualClock();
    private final List<String> ran = new ArrayList<>();

    private DelayedCall at(long millis, String name) {
        return clock.callLater(Duration.ofMillis(millis), () -> ran.add(name));
    }

    @Test
    void callsRunInTimeOrderOnlyWhenDue() {
        at(30, "c");
        at(10, "a");
        at(20, "b");
        clock.advance(Duration.ofMillis(15));
        assertEquals(List.of("a"), ran);
        clock.advance(Duration.ofMillis(15));
        assertEquals(List.of("a", "b", "c"), ran);
        assertEquals(0, clock.pendingCalls());
    }

    @Test
    void callsDueAtTheSameTimeRunFirstInFirstOut() {
        for (int i = 0; i < 100; i++) {
            at(i % 2 == 0 ? 0 : 5, "call" + i);
        }
        clock.advance(Duration.ofMillis(5));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i += 2) {
            expected.add("call" + i);
        }
        for (int i = 1; i < 100; i += 2) {
            expected.add("call" + i);
        }
        assertEquals(expected, ran);
    }

    @Test
    void cancelledCallNeverRunsAndCannotBeCancelledTwice() {
        DelayedCall call = at(10, "x");
        assertTrue(call.isActive());
        call.cancel();
        assertFalse(call.isActive());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(ran.isEmpty());
        IllegalStateException error = assertThrows(IllegalStateException.class, call::cancel);
        assertTrue(error.getMessage().contains("cancelled"), error.getMessage());
        assertThrows(IllegalStateException.class, () -> call.reset(Duration.ZERO));
    }

    @Test
    void callThatRanCannotBeCancelledOrMoved() {
        DelayedCall call = at(1, "x");
        clock.advance(Duration.ofMillis(1));
        assertFalse(call.isActive());
        IllegalStateException error = assertThrows(IllegalStateException.class, call::cancel);
        assertTrue(error.getMessage().contains("ran"), error.getMessage());
        assertThrows(IllegalStateException.class, () -> call.delay(Duration.ofMillis(1)));
    }

    @Test
    void resetMovesTheCallRelativeToNow() {
        DelayedCall call = at(10, "x");
        clock.advance(Duration.ofMillis(8));
        call.reset(Duration.ofMillis(10));
        assertEquals(Duration.ofMillis(18).toNanos(), call.getTime());
        clock.advance(Duration.ofMillis(9));
        assertTrue(ran.isEmpty());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of("x"), ran);
    }

    @Test
    void delayMovesTheCallRelativeToItsDueTime() {
        DelayedCall call = at(10, "x");
        call.delay(Duration.ofMillis(5));
        assertEquals(Duration.ofMillis(15).toNanos(), call.getTime());
        clock.advance(Duration.ofMillis(14));
        assertTrue(ran.isEmpty());
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of("x"), ran);
    }

    @Test
    void resetCallRunsAfterCallsAlreadyDueAtTheSameTime() {
        DelayedCall first = at(10, "first");
        at(10, "second");
        first.reset(Duration.ofMillis(10));
        clock.advance(Duration.ofMillis(10));
        assertEquals(List.of("second", "first"), ran);
    }

    @Test
    void advanceRunsCallsThatCallsScheduleForTheNewTime() {
        // Like Twisted's Clock: time jumps first, so calls scheduled while running are
        // relative to the new time; a zero delay runs within the same advance.
        clock.callLater(Duration.ofMillis(1), () -> {
            ran.add("outer");
            clock.callLater(Duration.ZERO, () -> ran.add("inner"));
            clock.callLater(Duration.ofMillis(1), () -> ran.add("later"));
        });
        clock.advance(Duration.ofMillis(5));
        assertEquals(List.of("outer", "inner"), ran);
        assertEquals(Duration.ofMillis(1), clock.untilNextCall());
    }

    @Test
    void aMillionScheduleAndCancelCyclesLeaveNothingBehind() {
        for (int i = 0; i < 1_000_000; i++) {
            clock.callLater(Duration.ofHours(1), () -> ran.add("never")).cancel();
        }
        assertEquals(0, clock.pendingCalls());
        assertNull(clock.untilNextCall());
    }

    @Test
    void negativeDelayAndNegativeAdvanceAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> clock.callLater(Duration.ofMillis(-1), () -> { }));
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofMillis(-1)));
    }

    @Test
    void resetAndDelayCheckTheirDurationAsCallLaterDoes() {
        DelayedCall call = at(10, "x");
        IllegalArgumentException reset = assertThrows(IllegalArgumentException.class, () -> call.reset(Duration.ofMillis(-1)));
        assertTrue(reset.getMessage().contains("PT-0.001S"), reset.getMessage());
        assertThrows(IllegalArgumentException.class, () -> call.delay(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> call.reset(null));
        assertThrows(NullPointerException.class, () -> call.delay(null));
        assertEquals(Duration.ofMillis(10).toNanos(), call.getTime(), "a refused change leaves the call where it was");
        clock.advance(Duration.ofMillis(10));
        assertEquals(List.of("x"), ran);
    }

    @Test
    void exceptionFromACallReachesTheTestAndLaterCallsStayScheduled() {
        clock.callLater(Duration.ofMillis(1), () -> {
            throw new IllegalStateException("boom");
        });
        at(2, "after");
        assertThrows(IllegalStateException.class, () -> clock.advance(Duration.ofMillis(5)));
        assertEquals(1, clock.pendingCalls());
        clock.advance(Duration.ZERO);
        assertEquals(List.of("after"), ran);
    }
}
