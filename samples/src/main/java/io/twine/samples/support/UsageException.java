package io.twine.samples.support;

/**
 * Bad command-line input: an unknown option, a missing or malformed value. Its message is one
 * line for the user; the launcher prints it and exits with {@link ExitStatus#USAGE}.
 */
public final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message one line saying what is wrong and what was expected */
    public UsageException(String message) {
        super(message);
    }
}
