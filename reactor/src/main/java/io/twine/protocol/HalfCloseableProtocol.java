package io.twine.protocol;

/**
 * A {@link Protocol} that can go on writing after the peer has finished sending (Twisted's
 * {@code IHalfCloseableProtocol}).
 *
 * <p>Without it, end of stream from the peer closes the connection at once. With it, the
 * transport calls {@link #readConnectionLost()} instead and keeps the connection open: the
 * protocol decides when to close, usually with {@link Transport#loseConnection()} once it has
 * written its answer.
 *
 * <p>Thread: loop only.
 */
public interface HalfCloseableProtocol {

    /** The peer will send nothing more. Reading has stopped; writing still works. */
    void readConnectionLost();

    /**
     * Our sending side has been shut down after {@link Transport#loseWriteConnection()}.
     * Does nothing by default.
     */
    default void writeConnectionLost() {}
}
