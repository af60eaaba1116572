package io.twine.transport.endpoints;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads IP address literals without ever asking a name server: {@code InetAddress.getByName}
 * falls back to a (blocking) lookup for anything it does not read as a literal, which must not
 * happen on the loop thread.
 */
final class IpLiterals {

    private IpLiterals() {}

    /** The address {@code text} spells, or null if it is not an IPv4 or IPv6 literal (a host name). */
    static InetAddress parse(String text) {
        byte[] ipv4 = parseIpv4(text);
        if (ipv4 != null) {
            try {
                return InetAddress.getByAddress(ipv4);
            } catch (UnknownHostException e) {
                throw new AssertionError("four bytes are always an address", e);
            }
        }
        if (looksLikeIpv6(text)) {
            try {
                // With a colon in it, the JDK parses the text as an IPv6 literal and never looks it up.
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /** Strict dotted quad: four decimal parts of 1 to 3 digits, each 0 to 255. */
    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static boolean looksLikeIpv6(String text) {
        int scope = text.indexOf('%');
        String address = scope >= 0 ? text.substring(0, scope) : text;
        if (address.indexOf(':') < 0) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return false;
            }
        }
        return true;
    }
}
