package io.twine.protocol.basic;

/**
 * Messages each preceded by a 1-byte unsigned length (Twisted's {@code Int8StringReceiver}):
 * messages of up to 255 bytes, the most such a prefix can express. See {@link IntNStringReceiver}.
 *
 * <p>Thread: loop only.
 */
public abstract class Int8StringReceiver extends IntNStringReceiver {

    /** A receiver with a 1-byte length prefix. */
    public Int8StringReceiver() {
        super(1);
    }
}
