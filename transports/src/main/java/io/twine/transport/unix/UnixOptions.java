package io.twine.transport.unix;

import io.twine.reactor.TcpOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How to listen on or connect to a Unix domain socket. Immutable; each {@code with} method returns
 * a copy. The defaults: the socket file's mode is 0666 masked by the process's umask (as
 * Twisted's {@code listenUNIX}), no lock file, the connect timeout and listen backlog of
 * {@link TcpOptions#defaults()}, no connection limit.
 *
 * <p>Thread: any (immutable).
 */
public final class UnixOptions {

    /** Mode bits meaning "0666 masked by the umask", the default. */
    static final int UMASK_DEFAULT = -1;

    private static final UnixOptions DEFAULTS = new UnixOptions(UMASK_DEFAULT, false, TcpOptions.defaults());

    private final int mode;
    private final boolean lockFile;
    private final TcpOptions stream;

    private UnixOptions(int mode, boolean lockFile, TcpOptions stream) {
        this.mode = mode;
        this.lockFile = lockFile;
        this.stream = stream;
    }

    /**
     * {@return the shared default options: the umask's mode, no lock file, TCP's backlog and
     * timeout}
     */
    public static UnixOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The permission bits of the socket file, such as {@code 0660} so that only the owner and
     * its group may connect. Applied right after the socket is bound, before the first accept.
     *
     * @param mode the bits, for instance {@code 0660}
     * @return a copy with that mode
     * @throws IllegalArgumentException unless {@code 0 <= mode <= 0777}
     */
    public UnixOptions withMode(int mode) {
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("mode must be permission bits between 0 and 0777 (octal), got 0"
                    + Integer.toOctalString(mode));
        }
        return new UnixOptions(mode, lockFile, stream);
    }

    /**
     * Holds an exclusive lock on {@code PATH.lock} for as long as the port listens (Twisted's
     * {@code lockfile=1}): a second server on the same path fails at once, even before the first
     * one has bound its socket.
     *
     * @param lockFile true to hold the lock
     * @return a copy with that setting
     */
    public UnixOptions withLockFile(boolean lockFile) {
        return new UnixOptions(mode, lockFile, stream);
    }

    /**
     * The listen backlog; see {@link TcpOptions#withBacklog}.
     *
     * @param backlog 0 for the system's largest
     * @return a copy with that backlog
     */
    public UnixOptions withBacklog(int backlog) {
        return new UnixOptions(mode, lockFile, stream.withBacklog(backlog));
    }

    /**
     * How long a connect may take; see {@link TcpOptions#withConnectTimeout}.
     *
     * @param timeout positive
     * @return a copy with that timeout
     */
    public UnixOptions withConnectTimeout(Duration timeout) {
        return new UnixOptions(mode, lockFile, stream.withConnectTimeout(Objects.requireNonNull(timeout, "timeout")));
    }

    /**
     * The most open connections a listening port keeps; see {@link TcpOptions#withMaxConnections}.
     *
     * @param maxConnections 0 for no limit
     * @return a copy with that limit
     */
    public UnixOptions withMaxConnections(int maxConnections) {
        return new UnixOptions(mode, lockFile, stream.withMaxConnections(maxConnections));
    }

    /**
     * The socket file's permission bits, or empty for 0666 masked by the umask.
     *
     * @return the bits, or empty
     */
    public OptionalInt mode() {
        return mode == UMASK_DEFAULT ? OptionalInt.empty() : OptionalInt.of(mode);
    }

    /** {@return true if the port holds an exclusive lock on {@code PATH.lock} while it listens} */
    public boolean lockFile() {
        return lockFile;
    }

    /** {@return the listen backlog} */
    public int backlog() {
        return stream.backlog();
    }

    /** {@return how long a connect may take} */
    public Duration connectTimeout() {
        return stream.connectTimeout();
    }

    /** {@return the most connections a listening port keeps open, or 0 for no limit} */
    public int maxConnections() {
        return stream.maxConnections();
    }

    /** The options of the stream socket code that serves TCP and Unix sockets alike. */
    TcpOptions streamOptions() {
        return stream;
    }

    @Override
    public String toString() {
        return "UnixOptions[mode=" + (mode == UMASK_DEFAULT ? "0666 & ~umask" : "0" + Integer.toOctalString(mode))
                + ", lockFile=" + lockFile + ", backlog=" + backlog() + ", connectTimeout=" + connectTimeout()
                + ", maxConnections=" + maxConnections() + "]";
    }
}
