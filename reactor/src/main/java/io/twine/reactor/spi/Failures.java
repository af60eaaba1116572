package io.twine.reactor.spi;

import io.twine.reactor.ErrorReporter;
import java.util.Objects;

/**
 * The one failure rule of a reactor, applied to every callback it or a transport runs (protocol,
 * factory, timer, task, shutdown participant, I/O handler):
 * <ol>
 *   <li>an error that leaves the JVM in no state to go on ({@link #isFatal}) is rethrown,
 *       untouched and unreported, and ends {@code run()};</li>
 *   <li>anything else is reported once through the {@link ErrorReporter}, naming the callback
 *       and what it belongs to;</li>
 *   <li>then the connection it belongs to, if any, is closed ({@link ClosesOnFailure}); nothing
 *       else is, and the loop goes on.</li>
 * </ol>
 *
 * <p>A {@link LinkageError} is not fatal: a class that cannot be loaded (a broken class path, or
 * no file descriptor left to read it with) costs the one connection whose callback needed it.
 * The reactor loads this class, and the classes its own error path needs, before its loop runs,
 * and nothing on the path from a caught error to the reporter loads a class of this project;
 * a reporter that throws is ignored, so an error while out of descriptors cannot end the loop.
 *
 * <p>Thread: loop only, except {@link #setReporter}.
 */
public final class Failures {

    /** Set by any thread ({@code Reactor.setErrorReporter}), read by the loop: volatile. */
    private volatile ErrorReporter reporter;

    /**
     * The failure rule of one loop, reporting to {@code reporter} until {@link #setReporter}
     * replaces it.
     *
     * @param reporter where reports go
     */
    public Failures(ErrorReporter reporter) {
        this.reporter = Objects.requireNonNull(reporter, "reporter");
    }

    /**
     * True for what must end the loop: a {@link VirtualMachineError} (out of memory, internal
     * error), except a {@link StackOverflowError}, which unwinds the user code that caused it and
     * leaves the loop's own stack intact.
     *
     * @param error what a callback threw
     * @return true if the loop must stop rather than report it and go on
     */
    public static boolean isFatal(Throwable error) {
        return error instanceof VirtualMachineError && !(error instanceof StackOverflowError);
    }

    /**
     * Rethrows {@code error} if it {@linkplain #isFatal is fatal}; returns otherwise.
     *
     * @param error what a callback threw
     */
    public static void rethrowIfFatal(Throwable error) {
        if (isFatal(error)) {
            throw (VirtualMachineError) error;
        }
    }

    /**
     * Loads and initialises {@code classes} now. A class is read from its file the first time it
     * is used, which needs a free file descriptor when the class path is a directory; a class
     * first needed on a rare path (an error, a close, a back-off) while the process is out of
     * descriptors would fail with a {@link NoClassDefFoundError}, and fail again at every later
     * use. The reactor and the transports call this for those classes before the loop runs.
     *
     * @param classes the classes to load and initialise
     */
    public static void preload(Class<?>... classes) {
        for (Class<?> type : classes) {
            try {
                Class.forName(type.getName(), true, type.getClassLoader());
            } catch (ClassNotFoundException impossible) {
                throw new NoClassDefFoundError(type.getName());  // the caller held the class itself
            }
        }
    }

    /**
     * Where reports go from now on. Any thread.
     *
     * @param newReporter the reporter, called on the loop thread
     */
    public void setReporter(ErrorReporter newReporter) {
        this.reporter = Objects.requireNonNull(newReporter, "reporter");
    }

    /**
     * Runs {@code callback} and applies the rule to what it throws.
     *
     * @param callback the user's code, for example a timer's task
     * @param name what ran, for the report: {@code "timer"}, {@code "stopFactory"}
     * @param owner what it belongs to, named in the report after "of"; may be null
     * @param closes what to close if it fails; null when a failure closes nothing
     * @return true if the callback returned normally
     */
    public boolean run(Runnable callback, String name, Object owner, ClosesOnFailure closes) {
        try {
            callback.run();
            return true;
        } catch (Throwable error) {
            failed(error, name, owner, closes);
            return false;
        }
    }

    /**
     * The rule, for a callback the caller ran itself because it takes arguments (a read handed to
     * {@code dataReceived}): the hot path would otherwise allocate a {@code Runnable} per event.
     * Call it from the {@code catch (Throwable)} around the callback and do nothing else there.
     *
     * @param error what the callback threw; rethrown if fatal
     * @param name what ran, for the report: {@code "dataReceived"}
     * @param owner what it belongs to, named in the report after "of"; may be null
     * @param closes what to close; null when a failure closes nothing
     */
    public void failed(Throwable error, String name, Object owner, ClosesOnFailure closes) {
        rethrowIfFatal(error);
        report(name, owner, error);
        if (closes != null) {
            try {
                closes.failed(error);
            } catch (Throwable closeError) {
                rethrowIfFatal(closeError);
                report("closing after a failure", closes, closeError);
            }
        }
    }

    /**
     * Reports {@code error} as {@code name} (of {@code owner}); never throws anything but a fatal
     * error.
     *
     * @param name what ran, for the report
     * @param owner what it belongs to, named in the report after "of"; may be null
     * @param error what it threw; rethrown if fatal
     */
    public void report(String name, Object owner, Throwable error) {
        try {
            // The context is built in here, so that an owner whose toString throws is covered too.
            reporter.report(owner == null ? name : name + " of " + owner, error);
        } catch (Throwable reporterFailure) {
            rethrowIfFatal(reporterFailure);
            // Nowhere left to report it (a broken reporter, or one that cannot load a class while
            // the process is out of descriptors): the loop must go on regardless.
        }
    }
}
