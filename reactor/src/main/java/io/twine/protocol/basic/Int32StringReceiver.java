package io.twine.protocol.basic;

/**
 * Messages each preceded by a 4-byte big-endian unsigned length (Twisted's
 * {@code Int32StringReceiver}): messages of up to {@link #DEFAULT_MAX_LENGTH} bytes by default.
 * See {@link IntNStringReceiver}.
 *
 * <p>Thread: loop only.
 */
public abstract class Int32StringReceiver extends IntNStringReceiver {

    /** A receiver with a 4-byte length prefix. */
    public Int32StringReceiver() {
        super(4);
    }
}
