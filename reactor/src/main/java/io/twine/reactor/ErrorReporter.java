package io.twine.reactor;

/**
 * Where the reactor reports an exception that escaped a user callback, or an I/O error that
 * nobody else can act on. The default writes one {@link System.Logger} record per call; tests and
 * embedding programs may install their own with {@link Reactor#setErrorReporter}.
 *
 * <p>Thread: called on the loop thread only. It must not throw; if it does, the exception is
 * dropped so the loop survives.
 */
@FunctionalInterface
public interface ErrorReporter {

    /**
     * @param context what was running, for example {@code "dataReceived of EchoProtocol on
     *     /127.0.0.1:5000 -> /127.0.0.1:41234"}
     * @param error what it threw
     */
    void report(String context, Throwable error);

    /**
     * An {@code ErrorReporter} that logs at {@code ERROR} through {@link System.Logger}.
     *
     * @param loggerName the {@link System.Logger} to log to, e.g. {@code "io.twine.reactor"}
     * @return a reporter safe to call from the loop thread; it never throws
     */
    static ErrorReporter logging(String loggerName) {
        System.Logger logger = System.getLogger(loggerName);
        return (context, error) -> logger.log(System.Logger.Level.ERROR, context, error);
    }
}
