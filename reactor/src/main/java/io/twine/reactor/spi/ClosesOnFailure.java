package io.twine.reactor.spi;

/**
 * What a failed callback closes: the connection, port or listener it belongs to. The loop's
 * {@link Failures} calls {@link #failed} once it has reported the error.
 *
 * <p>Thread: loop only.
 */
public interface ClosesOnFailure {

    /**
     * One of this object's callbacks threw {@code error}, which is already reported: close now
     * (a TCP connection with an error reason; a UDP port, whose protocol errors never close it,
     * only when the failure is its own).
     *
     * @param error what the callback threw, for the close's reason
     */
    void failed(Throwable error);
}
