package io.twine.protocol.blocking;

import java.io.IOException;

/**
 * Code written the blocking way, as for Python's {@code socketserver.StreamRequestHandler}: one
 * call per connection that reads from an {@link java.io.InputStream} and writes to an
 * {@link java.io.OutputStream} until it is done. {@link BlockingHandlerFactory} runs it on a worker
 * thread over a non-blocking twine connection.
 *
 * <pre>{@code
 * BlockingHandler echoOneLine = connection -> {
 *     BufferedReader in = new BufferedReader(new InputStreamReader(connection.input(), UTF_8));
 *     connection.output().write((in.readLine() + "\r\n").getBytes(UTF_8));
 * };
 * }</pre>
 *
 * <p>Thread: called on a worker thread, never on the loop thread, so it may block. It must be
 * safe to call on several worker threads at once for different connections (one instance serves
 * them all, like a {@code Factory}'s shared state; keep per-connection state in locals).
 */
@FunctionalInterface
public interface BlockingHandler {

    /**
     * Serves one connection. When it returns, everything written is sent and the connection is
     * closed cleanly (Twisted's {@code loseConnection}). When it throws, the exception is reported
     * once through the reactor's error reporter and the connection is aborted; an
     * {@link IOException} thrown after the connection was already lost (the peer went away while
     * the handler was reading or writing) is not reported, since the loss is not the handler's
     * fault.
     *
     * <p>Thread: one worker thread, which owns {@code connection}'s streams for the duration of
     * the call.
     *
     * @param connection the connection's streams and addresses, for this call only
     * @throws IOException when reading or writing fails; the connection is then aborted
     */
    void handle(BlockingConnection connection) throws IOException;
}
