/**
 * The twine event loop and the protocol API. JDK only.
 *
 * <p>{@code io.twine.reactor.spi} is the narrow surface a transport plugs into; it is exported
 * only to the transports module so that user code cannot come to depend on it.
 */
// "module": the qualified export below names io.twine.transports, which javac cannot see while
// it compiles this module (it is built after it); the warning that it is "not found" says only that.
@SuppressWarnings("module")
module io.twine.reactor {
    // Both are part of the JDK, not dependencies: the metrics MBean and the Flight Recorder events.
    // Transitive, because ReactorMetricsBean's public methods return ObjectName.
    requires transitive java.management;
    requires jdk.jfr;

    exports io.twine.reactor;
    exports io.twine.reactor.observe;
    exports io.twine.protocol;
    exports io.twine.protocol.basic;
    exports io.twine.protocol.blocking;
    exports io.twine.protocol.policies;
    exports io.twine.testing;
    exports io.twine.testing.sim;
    exports io.twine.reactor.spi to io.twine.transports;

    // A Reactor opens sockets with the drivers the transports module provides.
    uses io.twine.reactor.spi.TcpDriver;
    uses io.twine.reactor.spi.UdpDriver;
}
