package io.twine.protocol.basic;

/**
 * Messages each preceded by a 2-byte big-endian unsigned length (Twisted's
 * {@code Int16StringReceiver}): messages of up to 65,535 bytes, the most such a prefix can
 * express. See {@link IntNStringReceiver}.
 *
 * <p>Thread: loop only.
 */
public abstract class Int16StringReceiver extends IntNStringReceiver {

    /** A receiver with a 2-byte length prefix. */
    public Int16StringReceiver() {
        super(2);
    }
}
