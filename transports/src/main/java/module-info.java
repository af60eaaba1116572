/**
 * Non-blocking TCP, UDP and Unix domain socket transports, and TLS over them, for the twine reactor. No dependency beyond
 * {@code io.twine.reactor}; the channel code itself is package-private behind {@code Tcp} and {@code Udp}.
 */
module io.twine.transports {
    requires transitive io.twine.reactor;
    requires jdk.net;  // SO_PEERCRED of a Unix domain socket's peer

    exports io.twine.transport.tcp;
    exports io.twine.transport.udp;
    exports io.twine.transport.unix;
    exports io.twine.transport.tls;
    exports io.twine.transport.endpoints;

    // How a Reactor finds TCP and UDP; the drivers' classes are not exported.
    provides io.twine.reactor.spi.TcpDriver with io.twine.transport.tcp.TcpDriverService.Provider;
    provides io.twine.reactor.spi.UdpDriver with io.twine.transport.udp.UdpDriverService.Provider;
}
