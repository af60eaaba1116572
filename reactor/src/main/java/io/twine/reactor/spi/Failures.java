package io.twine.reactor.spi;

/** The one rule for what a callback may throw past the loop. */
public final class Failures {

    private Failures() {}

    /**
     * Rethrows {@code error} if the JVM is in no state to go on (out of memory, internal error);
     * returns for anything else, which the caller reports and turns into a closed connection.
     * A {@link StackOverflowError} from user code is not fatal to the loop.
     */
    public static void rethrowIfFatal(Throwable error) {
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            throw (VirtualMachineError) error;
        }
    }
}
