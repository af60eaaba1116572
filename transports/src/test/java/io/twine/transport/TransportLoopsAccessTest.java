package io.twine.transport;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.twine.reactor.Reactor;
import io.twine.reactor.spi.TransportLoops;
import io.twine.testing.MemoryReactor;
import org.junit.jupiter.api.Test;

/** Transport code (here: a package under io.twine.transport, on the class path) may ask for a reactor's loop. */
class TransportLoopsAccessTest {

    @Test
    void transportCodeGetsTheLoopOfAReactorAndNoneOfAFake() {
        Reactor reactor = new Reactor();
        assertSame(reactor, TransportLoops.of(reactor).eventLoop());
        assertThrows(IllegalArgumentException.class, () -> TransportLoops.of(new MemoryReactor()));
        reactor.stop();
        reactor.run();
    }
}
