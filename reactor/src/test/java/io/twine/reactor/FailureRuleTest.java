package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.spi.BeforeNextSelect;
import io.twine.reactor.spi.IoHandler;
import io.twine.reactor.spi.Registration;
import io.twine.reactor.spi.ShutdownParticipant;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one failure rule, for every kind of callback the reactor runs and every kind of
 * {@link Throwable}: what is fatal to the JVM ends {@code run()} with that very error, unreported;
 * anything else is reported once, closes only what the callback belongs to, and the loop goes on
 * (or, for the callbacks of a stop, the stop still completes).
 */
@Timeout(60)
class FailureRuleTest {

    /** Each kind of throwable a callback may throw, and whether the rule counts it as fatal. */
    enum Thrown {
        RUNTIME_EXCEPTION(() -> new IllegalStateException("a bug in a callback"), false),
        CHECKED_EXCEPTION(() -> new IOException("thrown without being declared"), false),
        ASSERTION_ERROR(() -> new AssertionError("an assertion in user code"), false),
        STACK_OVERFLOW(StackOverflowError::new, false),
        LINKAGE_ERROR(() -> new NoClassDefFoundError("io/example/Missing"), false),
        OUT_OF_MEMORY(() -> new OutOfMemoryError("Java heap space"), true),
        INTERNAL_ERROR(() -> new InternalError("the JVM is broken"), true);

        final Supplier<Throwable> make;
        final boolean fatal;

        Thrown(Supplier<Throwable> make, boolean fatal) {
            this.make = make;
            this.fatal = fatal;
        }
    }

    /** Each kind of callback, armed to throw once; {@code stops} when it runs only during a stop. */
    enum Site {
        TIMER(false, false),
        CALL_FROM_THREAD_TASK(false, false),
        CALL_WHEN_RUNNING(false, false),
        IO_HANDLER(false, true),
        BEFORE_NEXT_SELECT(false, true),
        SHUTDOWN_TRIGGER(true, false),
        SHUTDOWN_PARTICIPANT(true, true),
        ABORT_AT_END_OF_GRACE(true, true),
        TRACKED_WHILE_STOPPING(true, true);

        final boolean stops;
        final boolean closesItsOwner;

        Site(boolean stops, boolean closesItsOwner) {
            this.stops = stops;
            this.closesItsOwner = closesItsOwner;
        }
    }

    static Stream<Arguments> everyCallbackAndThrowable() {
        List<Arguments> all = new ArrayList<>();
        for (Site site : Site.values()) {
            for (Thrown thrown : Thrown.values()) {
                all.add(Arguments.of(site, thrown));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} throws {1}")
    @MethodSource("everyCallbackAndThrowable")
    void theOneRuleAppliesToEveryCallback(Site site, Thrown thrown) throws Exception {
        Throwable error = thrown.make.get();
        Reactor reactor = new Reactor();
        Recording reporter = new Recording();
        reactor.setErrorReporter(reporter);
        Owner owner = new Owner(reactor, site, error);
        Runnable thrower = () -> sneakyThrow(error);
        Pipe pipe = Pipe.open();
        switch (site) {
            case TIMER:
                reactor.callLater(Duration.ZERO, thrower);
                break;
            case CALL_FROM_THREAD_TASK:
                reactor.callFromThread(thrower);
                break;
            case CALL_WHEN_RUNNING:
                reactor.callWhenRunning(thrower);
                break;
            case IO_HANDLER:
                pipe.source().configureBlocking(false);
                owner.registration = reactor.transportLoop().register(pipe.source(), SelectionKey.OP_READ, owner);
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                break;
            case BEFORE_NEXT_SELECT:
                reactor.transportLoop().runBeforeNextSelect(owner);
                break;
            case SHUTDOWN_TRIGGER:
                reactor.addShutdownTrigger(ShutdownPhase.BEFORE, thrower);
                break;
            case SHUTDOWN_PARTICIPANT:
            case ABORT_AT_END_OF_GRACE:
                reactor.setShutdownGracePeriod(Duration.ZERO);
                reactor.transportLoop().track(owner);
                break;
            case TRACKED_WHILE_STOPPING:
                reactor.addShutdownTrigger(ShutdownPhase.DURING, () -> reactor.transportLoop().track(owner));
                break;
            default:
                throw new AssertionError(site);
        }
        if (site.stops) {
            reactor.stop();
        }
        CompletableFuture<Throwable> ended = runOnItsOwnThread(reactor);
        try {
            if (thrown.fatal) {
                assertSame(error, ended.get(30, TimeUnit.SECONDS), "a fatal error ends run() with itself");
                assertEquals(List.of(), reporter.errors, "a fatal error is not reported, only rethrown");
                return;
            }
            assertTrue(reporter.reported.await(30, TimeUnit.SECONDS), "never reported");
            if (!site.stops) {
                CountDownLatch stillRunning = new CountDownLatch(1);
                reactor.callFromThread(stillRunning::countDown);
                assertTrue(stillRunning.await(30, TimeUnit.SECONDS), "the loop stopped serving after " + error);
                reactor.stop();
            }
            assertNull(ended.get(30, TimeUnit.SECONDS), "run() returns normally: the stop completed");
            assertEquals(List.of(error), reporter.errors, "reported once: " + reporter.contexts);
            assertEquals(site.closesItsOwner ? List.of(error) : List.of(), owner.failedWith,
                    "only what the callback belongs to is closed, with the error");
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void aParticipantThatNeitherShutsDownNorClosesCannotHoldUpStopBeyondTheGracePeriod() throws Exception {
        Reactor reactor = new Reactor();
        Recording reporter = new Recording();
        reactor.setErrorReporter(reporter);
        reactor.setShutdownGracePeriod(Duration.ofMillis(20));
        reactor.transportLoop().track(new ShutdownParticipant() {
            @Override
            public void shutdown() {
                throw new IllegalStateException("cannot shut down");
            }

            @Override
            public void abort() {
                throw new IllegalStateException("cannot abort either");
            }

            @Override
            public void failed(Throwable error) {
                throw new IllegalStateException("cannot even close");
            }
        });
        reactor.stop();
        assertNull(runOnItsOwnThread(reactor).get(30, TimeUnit.SECONDS));
        assertEquals(4, reporter.errors.size(), "shutdown, its close, abort, its close: " + reporter.contexts);
    }

    @Test
    void aReporterThatThrowsIsIgnoredAndTheLoopGoesOn() throws Exception {
        Reactor reactor = new Reactor();
        reactor.setErrorReporter((context, error) -> {
            throw new NoClassDefFoundError("the reporter cannot load a class");
        });
        CountDownLatch after = new CountDownLatch(1);
        reactor.callFromThread(() -> {
            throw new IllegalStateException("reported to a broken reporter");
        });
        reactor.callFromThread(after::countDown);
        CompletableFuture<Throwable> ended = runOnItsOwnThread(reactor);
        assertTrue(after.await(30, TimeUnit.SECONDS));
        reactor.stop();
        assertNull(ended.get(30, TimeUnit.SECONDS));
    }

    private static CompletableFuture<Throwable> runOnItsOwnThread(Reactor reactor) {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread loop = new Thread(() -> {
            try {
                reactor.run();
                ended.complete(null);
            } catch (Throwable e) {
                ended.complete(e);
            }
        }, "failure-rule-loop");
        loop.setDaemon(true);
        loop.start();
        return ended;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable error) throws E {
        throw (E) error;
    }

    static final class Recording implements ErrorReporter {
        final List<String> contexts = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch reported = new CountDownLatch(1);

        @Override
        public void report(String context, Throwable error) {
            contexts.add(context);
            errors.add(error);
            reported.countDown();
        }
    }

    /** A transport stand-in whose callback for {@code site} throws; closing it records the error and untracks it. */
    static final class Owner implements IoHandler, BeforeNextSelect, ShutdownParticipant {
        final Reactor reactor;
        final Site site;
        final Throwable error;
        final List<Throwable> failedWith = new CopyOnWriteArrayList<>();
        Registration registration;

        Owner(Reactor reactor, Site site, Throwable error) {
            this.reactor = reactor;
            this.site = site;
            this.error = error;
        }

        @Override
        public void ready(int readyOps) {
            sneakyThrow(error);
        }

        @Override
        public void runBeforeSelect() {
            sneakyThrow(error);
        }

        @Override
        public void shutdown() {
            if (site != Site.ABORT_AT_END_OF_GRACE) {
                sneakyThrow(error);
            }
        }

        @Override
        public void abort() {
            sneakyThrow(error);
        }

        @Override
        public void failed(Throwable cause) {
            failedWith.add(cause);
            if (registration != null) {
                registration.cancel();
            }
            reactor.transportLoop().untrack(this);
        }
    }
}
