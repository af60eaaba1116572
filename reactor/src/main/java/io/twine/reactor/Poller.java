package io.twine.reactor;

import io.twine.reactor.spi.IoHandler;
import io.twine.reactor.spi.Registration;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * The loop's narrow view of the kernel's readiness API: one {@link Selector}, and the few
 * things the loop does with it. Keeping it this small is what makes the selector replaceable
 * ({@link #rebuild()}) and the loop testable with a poller that misbehaves on purpose.
 *
 * <p>Thread: loop only, except {@link #wakeup()}.
 */
class Poller {

    /** Select timeout: do not wait, collect what is ready now ({@code selectNow}). */
    static final long SELECT_NOW = -1;
    /** Select timeout: wait until a channel is ready or {@link #wakeup()} is called. */
    static final long SELECT_UNTIL_WOKEN = 0;

    private volatile Selector selector;

    Poller() throws IOException {
        selector = Selector.open();
        initializeChannelClosing();
    }

    /**
     * Closes a throwaway pipe once. The JDK's file dispatcher opens a descriptor of its own when
     * its class is first used, which is at the first close of any channel; if that first close
     * comes while the process is out of descriptors (EMFILE), the class fails to initialise for
     * good and no channel of the process can ever be closed again. Doing it now, while
     * descriptors are plentiful, takes that trap away.
     */
    private static void initializeChannelClosing() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.sink().close();
        pipe.source().close();
    }

    /**
     * Waits for readiness and hands each ready key to {@code action}.
     *
     * @param timeoutMillis {@link #SELECT_NOW}, {@link #SELECT_UNTIL_WOKEN}, or the longest wait
     *     in milliseconds (0 is the JDK's "forever": the opposite of poll's and epoll's, where 0 means do
     *     not wait, hence the names)
     * @return how many keys were handed to {@code action}
     */
    int select(Consumer<SelectionKey> action, long timeoutMillis) throws IOException {
        if (timeoutMillis == SELECT_NOW) {
            return selector.selectNow(action);
        }
        return selector.select(action, timeoutMillis);
    }

    /** Makes a select in progress, or the next one, return at once. Thread-safe. */
    void wakeup() {
        selector.wakeup();
    }

    Registration register(SelectableChannel channel, int interestOps, IoHandler handler) throws ClosedChannelException {
        return new Registration(selector, channel, interestOps, handler);
    }

    /**
     * Replaces the selector with a new one and moves every registration to it. The way out of
     * the JDK's family of epoll bugs where select keeps returning at once with nothing ready.
     *
     * @return how many registrations moved
     */
    int rebuild() throws IOException {
        Selector old = selector;
        Selector fresh = Selector.open();
        int moved = 0;
        for (SelectionKey key : old.keys()) {
            if (key.isValid()) {
                ((Registration) key.attachment()).moveTo(fresh);
                moved++;
            }
        }
        selector = fresh;
        old.close();
        return moved;
    }

    /** Closes every registered channel, lets the selector free their descriptors, then closes it. */
    void closeAll(Reactor reactor) {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                reactor.reportError("closing " + key.channel() + " at shutdown", e);
            }
        }
        try {
            // A channel registered with a selector is only really closed (its descriptor freed)
            // at the selector's next select.
            selector.selectNow();
            selector.close();
        } catch (IOException e) {
            reactor.reportError("closing the selector", e);
        }
    }
}
