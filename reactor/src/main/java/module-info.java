/**
 * The twine event loop and the protocol API. JDK only.
 *
 * <p>{@code io.twine.reactor.spi} is the narrow surface a transport plugs into; it is exported
 * only to the transports module so that user code cannot come to depend on it.
 */
module io.twine.reactor {
    // Both are part of the JDK, not dependencies: the metrics MBean and the Flight Recorder events.
    requires java.management;
    requires jdk.jfr;

    exports io.twine.reactor;
    exports io.twine.reactor.observe;
    exports io.twine.protocol;
    exports io.twine.protocol.basic;
    exports io.twine.protocol.blocking;
    exports io.twine.protocol.policies;
    exports io.twine.testing;
    exports io.twine.reactor.spi to io.twine.transports;
}
