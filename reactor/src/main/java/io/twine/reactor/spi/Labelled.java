package io.twine.reactor.spi;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A handler that can say, for traces, warnings and flight recordings, whose code it runs and for
 * which connection. Called only when something is being recorded, never per read or write.
 *
 * <p>Thread: loop only.
 */
public interface Labelled {

    /**
     * The class of the user code this handler calls: a connection's protocol, a listener's factory.
     *
     * @return the class named in traces and slow-callback warnings
     */
    Class<?> protocolClass();

    /**
     * The connection or port in a few words, for example {@code 127.0.0.1:21567 <->
     * 127.0.0.1:50412}.
     *
     * @return the label, built without a host name lookup
     */
    String connectionLabel();

    /**
     * {@code 127.0.0.1:5000} or {@code [::1]:5000}: an address as a label shows it, without a host
     * name lookup.
     *
     * @param address the address to show; may be a Unix socket's path
     * @return the label text
     */
    static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
