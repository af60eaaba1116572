package io.twine.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.reactor.spi.IoHandler;
import io.twine.testing.ReactorThread;
import io.twine.testsupport.CapturedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SelectorRebuildTest {

    /** A poller whose waiting selects return at once with nothing, like the epoll bug, until rebuilt twice. */
    static final class SpinningPoller extends Poller {
        final CompletableFuture<Void> rebuiltTwice = new CompletableFuture<>();
        volatile int rebuilds;

        SpinningPoller() throws IOException {
        }

        @Override
        int select(Consumer<SelectionKey> action, long timeoutMillis) throws IOException {
            if (timeoutMillis >= 0 && rebuilds < 2) {
                return 0;
            }
            return super.select(action, timeoutMillis);
        }

        @Override
        int rebuild() throws IOException {
            int moved = super.rebuild();
            if (++rebuilds == 2) {
                rebuiltTwice.complete(null);
            }
            return moved;
        }
    }

    /** Reads a pipe and completes {@code received} with what came. */
    static final class PipeReader implements IoHandler {
        final Pipe.SourceChannel source;
        final CompletableFuture<String> received = new CompletableFuture<>();

        PipeReader(Pipe.SourceChannel source) {
            this.source = source;
        }

        @Override
        public void ready(int readyOps) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            try {
                source.read(buffer);
            } catch (IOException e) {
                received.completeExceptionally(e);
            }
            buffer.flip();
            received.complete(StandardCharsets.US_ASCII.decode(buffer).toString());
        }

        @Override
        public void failed(Throwable error) {
            received.completeExceptionally(error);
        }
    }

    @Test
    void selectorThatKeepsReturningEarlyAndEmptyIsRebuiltAndChannelsKeepWorking() throws Exception {
        SpinningPoller poller = new SpinningPoller();
        Reactor reactor = new Reactor(poller);
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        PipeReader reader = new PipeReader(pipe.source());
        try (CapturedLog log = CapturedLog.of("io.twine.reactor"); ReactorThread rt = ReactorThread.start(reactor)) {
            rt.call(() -> reactor.transportLoop().register(pipe.source(), SelectionKey.OP_READ, reader));
            // No polling from here: every cross-thread call wakes the loop, which is not a spin.
            ReactorThread.await(poller.rebuiltTwice);
            pipe.sink().write(ByteBuffer.wrap("still here".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("still here", ReactorThread.await(reader.received));
            assertEquals(2, (int) rt.call(reactor::selectorRebuilds));
            // Each rebuild is logged once, as a warning that says what happened.
            List<String> warnings = log.messages();
            assertEquals(2, warnings.size(), warnings.toString());
            for (String warning : warnings) {
                assertTrue(warning.startsWith("select returned early and empty " + Reactor.SPIN_THRESHOLD
                        + " times in a row; rebuilt the selector"), warning);
            }
        } finally {
            pipe.sink().close();
        }
    }

    @Test
    void loopThatSleepsUntilItsTimersIsNeverRebuilt() throws Exception {
        Reactor reactor = new Reactor();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start(reactor)) {
            int[] remaining = {2 * Reactor.SPIN_THRESHOLD};
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                if (--remaining[0] == 0) {
                    done.complete(null);
                } else {
                    reactor.callLater(Duration.ofNanos(1), tick[0]);
                }
            };
            rt.run(() -> reactor.callLater(Duration.ofNanos(1), tick[0]));
            ReactorThread.await(done);
            assertEquals(0, (int) rt.call(reactor::selectorRebuilds));
        }
    }
}
