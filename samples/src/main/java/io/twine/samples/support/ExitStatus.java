package io.twine.samples.support;

import io.twine.protocol.Reason;
import java.net.SocketAddress;

/**
 * How a sample ended: the process exit code and, when there is something to say, a one-line
 * message for standard error.
 *
 * <p>Codes: {@link #OK} for a normal end (including the server closing the connection cleanly,
 * as the seed's clients treat an empty read), {@link #FAILED} for a refused, failed or lost
 * connection, {@link #USAGE} for bad command-line options.
 *
 * <p>Immutable; safe on any thread.
 */
public final class ExitStatus {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private static final ExitStatus SUCCESS = new ExitStatus(OK, null);

    private final int code;
    private final String message;

    private ExitStatus(int code, String message) {
        this.code = code;
        this.message = message;
    }

    /** A normal end with nothing to say. */
    public static ExitStatus ok() {
        return SUCCESS;
    }

    /** A normal end, with a line worth saying. */
    public static ExitStatus ok(String message) {
        return new ExitStatus(OK, message);
    }

    /** A failure, said in {@code message}. */
    public static ExitStatus failed(String message) {
        return new ExitStatus(FAILED, message);
    }

    /** A connect to {@code server} failed (refused, unreachable, timed out). */
    public static ExitStatus connectFailed(SocketAddress server, Reason reason) {
        return failed("cannot connect to " + Addresses.hostPort(server) + ": " + detail(reason));
    }

    /**
     * An established connection to {@code server} ended: fine when we closed it, fine with a note
     * when the server closed it cleanly, a failure when it was reset, timed out or broke a limit.
     */
    public static ExitStatus connectionEnded(SocketAddress server, Reason reason) {
        switch (reason.kind()) {
            case CLOSED_BY_US:
                return ok();
            case CLOSED_BY_PEER:
                return ok("the server at " + Addresses.hostPort(server) + " closed the connection");
            default:
                return failed("lost the connection to " + Addresses.hostPort(server) + ": " + detail(reason));
        }
    }

    /** The most specific words for {@code reason}: the exception's message when there is one. */
    public static String detail(Reason reason) {
        Throwable cause = reason.cause();
        if (cause != null && cause.getMessage() != null) {
            return cause.getMessage();
        }
        return reason.message();
    }

    /** The process exit code. */
    public int code() {
        return code;
    }

    /** One line for standard error, or null. */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return "exit " + code + (message == null ? "" : ": " + message);
    }
}
