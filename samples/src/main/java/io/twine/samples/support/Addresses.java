package io.twine.samples.support;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Addresses written the way people read them: {@code 127.0.0.1:21567} and {@code [::1]:21567}
 * for our own lines, and Python's tuples ({@code ('127.0.0.1', 35550)}) where a sample repeats a
 * line of the seed that prints a socket address.
 *
 * <p>Stateless; safe on any thread.
 */
public final class Addresses {

    private Addresses() {}

    /**
     * {@code host:port}, with IPv6 hosts in brackets and compressed ({@code [::1]:21567}); a Unix
     * domain socket's path, or {@code unnamed} for a connecting socket's (which has none).
     */
    public static String hostPort(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            String path = ((UnixDomainSocketAddress) address).getPath().toString();
            return path.isEmpty() ? "unnamed" : path;
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        String host = host(inet);
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }

    /**
     * Python's {@code str()} of the address tuple a socket reports: {@code ('127.0.0.1', 35550)}
     * for IPv4, {@code ('::1', 35550, 0, 0)} (flow info and scope id) for IPv6. For a Unix domain
     * socket Python gives the path as a string, empty for a connecting socket's.
     */
    public static String pythonTuple(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return ((UnixDomainSocketAddress) address).getPath().toString();
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        if (inet.getAddress() instanceof Inet6Address) {
            int scope = ((Inet6Address) inet.getAddress()).getScopeId();
            return "('" + host(inet) + "', " + inet.getPort() + ", 0, " + scope + ")";
        }
        return "('" + host(inet) + "', " + inet.getPort() + ")";
    }

    /**
     * A peer's host as Twisted's {@code getPeer().host} gives it: the numeric address, or for a
     * Unix domain socket {@link #hostPort}'s path.
     */
    public static String host(SocketAddress address) {
        return address instanceof InetSocketAddress ? host((InetSocketAddress) address) : hostPort(address);
    }

    /**
     * {@code address} as the internet address a UDP sample needs.
     *
     * @throws IllegalArgumentException for a Unix domain socket: UDP samples take none
     */
    public static InetSocketAddress internet(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("a UDP sample needs an internet address, not " + address);
        }
        return (InetSocketAddress) address;
    }

    /** The numeric host, IPv6 in its shortest form (RFC 5952), as Python and most tools print it. */
    public static String host(InetSocketAddress address) {
        if (address.getAddress() == null) {
            return address.getHostString();
        }
        if (!(address.getAddress() instanceof Inet6Address)) {
            return address.getAddress().getHostAddress();
        }
        return compressIpv6(address.getAddress().getAddress());
    }

    private static String compressIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero groups becomes "::"; the first one wins a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
