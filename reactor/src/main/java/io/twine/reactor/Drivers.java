package io.twine.reactor;

import io.twine.reactor.spi.TcpDriver;
import io.twine.reactor.spi.UdpDriver;
import java.util.ServiceLoader;

/**
 * Finds the transports a {@link Reactor} opens sockets with. The reactor module depends on the
 * JDK alone, so TCP and UDP come from the transports module as {@link ServiceLoader} services,
 * looked up on the first listen or connect. Thread-safe: two threads racing to look one up both
 * find the same kind of driver, and either may be kept.
 */
final class Drivers {

    private static volatile TcpDriver tcp;
    private static volatile UdpDriver udp;

    private Drivers() {}

    static TcpDriver tcp() {
        TcpDriver driver = tcp;
        if (driver == null) {
            driver = load(TcpDriver.class);
            tcp = driver;
        }
        return driver;
    }

    static UdpDriver udp() {
        UdpDriver driver = udp;
        if (driver == null) {
            driver = load(UdpDriver.class);
            udp = driver;
        }
        return driver;
    }

    private static <T> T load(Class<T> service) {
        return ServiceLoader.load(service).findFirst().orElseThrow(() -> new IllegalStateException(
                "no " + service.getSimpleName() + " found: put twine-transports (module io.twine.transports)"
                        + " on the class path or the module path"));
    }
}
