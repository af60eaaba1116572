package io.twine.transport.tcp;

import io.twine.protocol.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;

/**
 * Turns the exception of a failed read or write on an established connection into a
 * {@link Reason}: by its type first, where the JDK has a type for what happened; then, since the
 * JDK gives no errno, by the words it uses for the errno (the same on Linux with Java 17 and 25):
 *
 * <table>
 *   <caption>How a failed read or write is classified</caption>
 *   <tr><th>the JDK throws</th><th>errno</th><th>kind</th></tr>
 *   <tr><td>{@code SocketException("Connection reset")} from a read,
 *       {@code IOException("Connection reset by peer")} from a write</td><td>ECONNRESET</td>
 *       <td>{@link Reason.Kind#RESET}</td></tr>
 *   <tr><td>{@code IOException("Broken pipe")}, from a write once the peer is gone</td><td>EPIPE</td>
 *       <td>{@link Reason.Kind#LOST}</td></tr>
 *   <tr><td>{@link SocketTimeoutException}, or {@code IOException("Connection timed out")} when the
 *       kernel gives up on a peer that stopped answering</td><td>ETIMEDOUT</td>
 *       <td>{@link Reason.Kind#TIMED_OUT}</td></tr>
 *   <tr><td>{@link NoRouteToHostException}, {@link PortUnreachableException},
 *       {@link ConnectException}, or "No route to host", "Network is unreachable", "Host is down"
 *       </td><td>EHOSTUNREACH, ENETUNREACH, EHOSTDOWN</td><td>{@link Reason.Kind#LOST}</td></tr>
 *   <tr><td>anything else, {@link ClosedChannelException} included</td><td></td>
 *       <td>{@link Reason.Kind#LOST}</td></tr>
 * </table>
 *
 * <p>The reason's message keeps what the JDK said; its cause is the exception.
 */
final class IoErrors {

    private IoErrors() {}

    static Reason reasonFor(IOException error) {
        String said = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
        if (error instanceof SocketTimeoutException) {
            return Reason.timedOut("connection timed out (" + said + ")", error);
        }
        if (error instanceof NoRouteToHostException || error instanceof PortUnreachableException
                || error instanceof ConnectException) {
            return Reason.lost("connection lost: the peer became unreachable (" + said + ")", error);
        }
        if (error instanceof ClosedChannelException) {
            return Reason.lost("connection lost: the channel was closed", error);
        }
        if (said.contains("Connection reset")) {
            return Reason.reset("connection reset by peer (" + said + ")", error);
        }
        if (said.contains("Connection timed out")) {
            return Reason.timedOut("connection timed out: the peer stopped answering (" + said + ")", error);
        }
        if (said.contains("Broken pipe")) {
            return Reason.lost("connection lost: broken pipe, the peer is gone (" + said + ")", error);
        }
        if (said.contains("No route to host") || said.contains("Network is unreachable") || said.contains("Host is down")) {
            return Reason.lost("connection lost: the peer became unreachable (" + said + ")", error);
        }
        return Reason.lost("connection lost: " + said, error);
    }
}
