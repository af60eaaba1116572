package io.twine.testing.sim;

/** What a host's stop closes: a connection, a connector, a listener, a UDP port. */
interface SimResource {

    /** The gentle close of the shutdown's "during" phase. */
    void shutdown();

    /** The grace period is over: close now. */
    void abort();
}
