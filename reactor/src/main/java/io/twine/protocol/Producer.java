package io.twine.protocol;

/**
 * Something that writes to a {@link Transport} and can be told to slow down (Twisted's
 * {@code IPushProducer} / {@code IPullProducer}, asyncio's {@code pause_writing} /
 * {@code resume_writing}).
 *
 * <p>A <em>streaming</em> (push) producer writes on its own: the transport calls
 * {@link #pauseProducing()} when its outbound buffer rises above the high-water mark and
 * {@link #resumeProducing()} when it falls to the low-water mark. A non-streaming (pull)
 * producer writes only when asked: the transport calls {@link #resumeProducing()} each time its
 * buffer has drained to the low-water mark.
 *
 * <p>Thread: every method is called on the loop thread.
 */
public interface Producer {

    /** Produce more (again). */
    void resumeProducing();

    /** Stop producing until {@link #resumeProducing()}. Never called on a pull producer. */
    void pauseProducing();

    /** The consumer is gone: stop for good. */
    void stopProducing();
}
