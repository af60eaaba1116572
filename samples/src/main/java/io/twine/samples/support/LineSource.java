package io.twine.samples.support;

/**
 * Where a client sample gets the lines it sends: one line each time it asks, like Python's
 * {@code input()}, but without blocking the loop. The answer always comes later, on the loop
 * thread.
 *
 * <p>Asking for one line at a time keeps a client in step with its server: the next line is
 * read only once the reply to the previous one has been printed, as in the seed's clients.
 */
public interface LineSource {

    /**
     * Asks for the next line. Later, on the loop thread, exactly one of {@code listener}'s
     * methods is called. Loop-only; at most one request may be outstanding.
     */
    void requestLine(Listener listener);

    /**
     * True when a person types the lines at a terminal, which already shows them; a sample then
     * does not print a line back after its prompt.
     */
    boolean isTerminal();

    /** Stops reading; no listener is called after this. Idempotent. */
    void close();

    /** Told about the line that was asked for. Called on the loop thread. */
    interface Listener {

        /** The next line, without its line terminator; may be empty. */
        void lineRead(String line);

        /** There are no more lines (end of input, or the input could not be read). */
        void inputEnded();
    }
}
