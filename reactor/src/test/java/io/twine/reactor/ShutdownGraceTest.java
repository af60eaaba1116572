package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.spi.BeforeNextSelect;
import io.twine.reactor.spi.ShutdownParticipant;
import io.twine.testing.ReactorThread;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ShutdownGraceTest {

    /** Closes just before the loop's next select, as a transport finishing its queue does. */
    static final class ClosesBeforeNextSelect implements ShutdownParticipant, BeforeNextSelect {
        final Reactor reactor;
        final AtomicBoolean closed = new AtomicBoolean();

        ClosesBeforeNextSelect(Reactor reactor) {
            this.reactor = reactor;
        }

        @Override
        public void shutdown() {
            reactor.transportLoop().runBeforeNextSelect(this);
        }

        @Override
        public void runBeforeSelect() {
            closed.set(true);
            reactor.transportLoop().untrack(this);
        }

        @Override
        public void abort() {
            throw new AssertionError("aborted: the grace period ran out although the participant had closed");
        }

        @Override
        public void failed(Throwable error) {
            reactor.transportLoop().untrack(this);
        }
    }

    @Test
    void stopFinishesAsSoonAsTheLastParticipantClosesNotAtTheEndOfTheGracePeriod() {
        Reactor reactor = new Reactor();
        // An hour: if stop() waited for the grace timer, the test's timeout would fail it.
        reactor.setShutdownGracePeriod(Duration.ofHours(1));
        ClosesBeforeNextSelect participant = new ClosesBeforeNextSelect(reactor);
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            rt.run(() -> reactor.transportLoop().track(participant));
        }
        assertTrue(participant.closed.get());
    }
}
