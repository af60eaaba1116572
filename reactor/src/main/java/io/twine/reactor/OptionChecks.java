package io.twine.reactor;

/**
 * The checks {@link TcpOptions} and {@link UdpOptions} share, so that a bad value gets the same
 * message whichever transport it was meant for.
 */
final class OptionChecks {

    private OptionChecks() {}

    /**
     * {@code value} if it is zero or positive.
     *
     * @param what the option, for the message: {@code "backlog"}
     * @param zeroMeans what zero stands for, for the message: {@code "system default"}, or null
     *     when zero has no special meaning
     */
    static int zeroOrPositive(String what, int value, String zeroMeans) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must be zero" + (zeroMeans == null ? "" : " (" + zeroMeans + ")")
                    + " or positive, got " + value);
        }
        return value;
    }

    /** A socket buffer size ({@code SO_RCVBUF}, {@code SO_SNDBUF}): zero keeps the kernel's default. */
    static int bufferSize(String which, int bytes) {
        return zeroOrPositive(which + " buffer size", bytes, "kernel default");
    }
}
