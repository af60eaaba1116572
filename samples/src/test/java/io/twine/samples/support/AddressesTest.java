package io.twine.samples.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AddressesTest {

    private static InetSocketAddress address(String host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Test
    void ipv4TupleIsWhatPythonPrints() throws Exception {
        assertEquals("('127.0.0.1', 35550)", Addresses.pythonTuple(address("127.0.0.1", 35550)));
    }

    @Test
    void ipv6TupleHasFlowInfoAndScopeAndTheShortForm() throws Exception {
        assertEquals("('::1', 35550, 0, 0)", Addresses.pythonTuple(address("::1", 35550)));
    }

    @Test
    void hostPortBracketsIpv6() throws Exception {
        assertEquals("127.0.0.1:21567", Addresses.hostPort(address("127.0.0.1", 21567)));
        assertEquals("[::1]:21567", Addresses.hostPort(address("::1", 21567)));
    }

    @Test
    void ipv6CompressesTheLongestZeroRunOnly() throws Exception {
        assertEquals("2001:db8::1:0:0:1", Addresses.host(address("2001:db8:0:0:1:0:0:1", 1)));
        assertEquals("2001:db8:0:1:1:1:1:1", Addresses.host(address("2001:db8:0:1:1:1:1:1", 1)));
        assertEquals("::", Addresses.host(address("::", 1)));
        assertEquals("fe80::", Addresses.host(address("fe80::", 1)));
    }
}
