package io.twine.reactor.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.Reactor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The transport loop is for the transports only, on the class path too; Reactor has no method for it. */
class TransportLoopsTest {

    @Test
    void codeOutsideTheTransportsCannotGetAReactorsLoop() {
        Reactor reactor = new Reactor();
        IllegalCallerException error = assertThrows(IllegalCallerException.class, () -> TransportLoops.of(reactor));
        assertTrue(error.getMessage().contains(TransportLoopsTest.class.getName()), error.getMessage());
        reactor.stop();
        reactor.run();
    }

    @Test
    void theLookupIsInstalledOnceByTheReactorAlone() {
        new Reactor().stop();  // the class is initialised, so the lookup is installed
        assertThrows(IllegalCallerException.class, () -> TransportLoops.install(r -> null));
    }

    @Test
    void theCallerCheckKnowsTheTransportsByPackageOnTheClassPath() {
        assertFalse(TransportLoops.isTransport(TransportLoopsTest.class));
        assertFalse(TransportLoops.isTransport(String.class), "java.base is a named module, not the transports");
    }

    @Test
    void reactorHasNoPublicMethodThatReturnsOrTakesTheTransportSpi() {
        assertTrue(Arrays.stream(Reactor.class.getMethods())
                .filter(m -> m.getDeclaringClass() == Reactor.class)
                .noneMatch(m -> m.getReturnType().getPackageName().equals("io.twine.reactor.spi")
                        || Arrays.stream(m.getParameterTypes()).anyMatch(p -> p.getPackageName().equals("io.twine.reactor.spi"))),
                "a public Reactor method exposes io.twine.reactor.spi");
    }
}
