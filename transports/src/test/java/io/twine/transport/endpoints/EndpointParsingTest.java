package io.twine.transport.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointParsingTest {

    private static InetAddress ip(String literal) {
        return IpLiterals.parse(literal);
    }

    private static void assertServerRoundTrip(ServerEndpoint endpoint) {
        assertEquals(endpoint, ServerEndpoint.parse(endpoint.toString()), endpoint.toString());
    }

    // ------------------------------------------------------------------ good strings

    @Test
    void tcpServerStringNamesPortInterfaceAndBacklog() {
        ServerEndpoint endpoint = ServerEndpoint.parse("tcp:21567:interface=127.0.0.1:backlog=50");
        assertEquals(ServerEndpoint.Type.TCP, endpoint.type());
        assertEquals(21567, endpoint.port());
        assertEquals(ip("127.0.0.1"), endpoint.interfaceAddress());
        assertEquals(50, endpoint.backlog());
        assertEquals("tcp:21567:interface=127.0.0.1:backlog=50", endpoint.toString());
        assertServerRoundTrip(endpoint);
    }

    @Test
    void tcpServerDefaultsToEveryIpv4InterfaceAndBacklog50() {
        ServerEndpoint endpoint = ServerEndpoint.parse("tcp:8080");
        assertEquals(ip("0.0.0.0"), endpoint.interfaceAddress());
        assertEquals(50, endpoint.backlog());
        assertEquals(endpoint, ServerEndpoint.parse("tcp:port=8080"), "by position or by name alike");
        assertEquals(endpoint, ServerEndpoint.parse("tcp:8080:0.0.0.0:50"), "every field by position");
        assertServerRoundTrip(endpoint);
    }

    @Test
    void tcp6ServerTakesAnIpv6InterfaceWithEscapedColons() {
        ServerEndpoint endpoint = ServerEndpoint.parse("tcp6:21567:interface=\\:\\:1:backlog=0");
        assertEquals(ServerEndpoint.Type.TCP6, endpoint.type());
        assertEquals(ip("::1"), endpoint.interfaceAddress());
        assertEquals(0, endpoint.backlog());
        assertServerRoundTrip(endpoint);
        assertEquals(ip("::"), ServerEndpoint.parse("tcp6:80").interfaceAddress());
    }

    @Test
    void udpServerTakesEitherFamily() {
        ServerEndpoint v4 = ServerEndpoint.parse("udp:21567:interface=127.0.0.1");
        assertEquals(ServerEndpoint.Type.UDP, v4.type());
        assertEquals(21567, v4.port());
        assertEquals(ip("127.0.0.1"), v4.interfaceAddress());
        assertEquals("udp:21567:interface=127.0.0.1", v4.toString());
        assertServerRoundTrip(v4);
        ServerEndpoint v6 = ServerEndpoint.parse("udp:port=0:interface=\\:\\:1");
        assertEquals(ip("::1"), v6.interfaceAddress());
        assertServerRoundTrip(v6);
        assertEquals(ip("0.0.0.0"), ServerEndpoint.parse("udp:53").interfaceAddress());
    }

    @Test
    void tcpClientStringNamesHostPortAndTimeout() {
        ClientEndpoint endpoint = ClientEndpoint.parse("tcp:host=localhost:port=21567:timeout=5");
        assertEquals("localhost", endpoint.host());
        assertEquals(21567, endpoint.port());
        assertEquals(Duration.ofSeconds(5), endpoint.timeout());
        assertEquals("tcp:host=localhost:port=21567:timeout=5", endpoint.toString());
        assertEquals(endpoint, ClientEndpoint.parse(endpoint.toString()));
        assertEquals(endpoint, ClientEndpoint.parse("tcp:localhost:21567:5"), "by position too");
    }

    @Test
    void tcpClientDefaultsToThirtySecondsAndTakesFractionsAndIpv6Hosts() {
        assertEquals(Duration.ofSeconds(30), ClientEndpoint.parse("tcp:example.org:80").timeout());
        ClientEndpoint fraction = ClientEndpoint.parse("tcp:host=\\:\\:1:port=80:timeout=0.25");
        assertEquals("::1", fraction.host());
        assertEquals(Duration.ofMillis(250), fraction.timeout());
        assertEquals("tcp:host=\\:\\:1:port=80:timeout=0.25", fraction.toString());
        assertEquals(fraction, ClientEndpoint.parse(fraction.toString()));
    }

    @Test
    void backslashMakesAnyCharacterLiteralAndEscapingRoundTrips() {
        String awkward = "a:b=c\\d";
        assertEquals("a\\:b\\=c\\\\d", EndpointDescription.escape(awkward));
        EndpointDescription parsed = EndpointDescription.parse("tcp:host=" + EndpointDescription.escape(awkward) + ":x\\:y");
        assertEquals(awkward, parsed.fields().get("host"));
        assertEquals("x:y", parsed.positional().get(0));
        // Only the first '=' of a part separates the name; the rest belong to the value.
        assertEquals("a=b", EndpointDescription.parse("t:k=a=b").fields().get("k"));
    }

    @Test
    void ipLiteralsAreReadWithoutLookingNamesUp() {
        assertEquals(ip("10.0.0.1"), IpLiterals.parse("10.0.0.1"));
        assertEquals(null, IpLiterals.parse("localhost"));
        assertEquals(null, IpLiterals.parse("1.2.3"), "no BSD short forms");
        assertEquals(null, IpLiterals.parse("256.1.1.1"));
        assertEquals(null, IpLiterals.parse("cafe"), "a hex-looking name is still a name");
        assertEquals(null, IpLiterals.parse("1:::2"));
        assertTrue(IpLiterals.parse("fe80::1") instanceof java.net.Inet6Address);
    }

    // ------------------------------------------------------------------ bad strings

    @ParameterizedTest(name = "server ''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"                               | empty endpoint description: expected TYPE:VALUES",
        ":80                                | expected a type first",
        "sctp:80                            | unknown type 'sctp': expected tcp, tcp6, udp, unix or ssl",
        "unix:/var/run/app.sock:mode=8      | mode",
        "tls:443                            | type 'tls' is a client endpoint type",
        "ssl:443:certKey=c.pem              | field 'privateKey' is required for an ssl server",
        "tcp                                | field 'port' is required for a tcp server",
        "tcp:http                           | field 'port' expected a port number from 0 to 65535, got 'http'",
        "tcp:65536                          | field 'port' expected a port number from 0 to 65535, got '65536'",
        "tcp:-1                             | field 'port' expected a port number from 0 to 65535, got '-1'",
        "tcp:80:backlog=-1                  | field 'backlog' expected a whole number, 0 or more, got '-1'",
        "tcp:80:backlog=99999999999         | field 'backlog' expected a whole number, 0 or more",
        "tcp:80:interface=localhost         | field 'interface' expected an IPv4 address such as 127.0.0.1, got 'localhost'",
        "tcp:80:interface=\\:\\:1           | field 'interface' expected an IPv4 address",
        "tcp6:80:interface=127.0.0.1        | field 'interface' expected an IPv6 address",
        "udp:53:interface=example.org       | field 'interface' expected an IP address",
        "udp:53:backlog=5                   | unknown field 'backlog' for a udp port: expected port, interface",
        "tcp:80:colour=red                  | unknown field 'colour' for a tcp server: expected port, interface, backlog",
        "tcp:80:port=81                     | field 'port' is given twice",
        "tcp:80:backlog=1:backlog=2         | field 'backlog' is given twice",
        "tcp:80:0.0.0.0:50:extra            | expected at most 3 values without a name (port, interface, backlog)",
        "tcp:80:=5                          | expected a field name before '='",
        "tcp:80\\                           | ends with a backslash",
    })
    void badServerStringSaysWhichFieldAndWhatWasExpected(String description, String message) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServerEndpoint.parse(description));
        assertTrue(error.getMessage().contains(message), "'" + error.getMessage() + "' should contain '" + message + "'");
        assertTrue(error.getMessage().contains(description.isEmpty() ? "empty" : description), error.getMessage());
    }

    @ParameterizedTest(name = "client ''{0}''")
    @CsvSource(delimiter = '|', value = {
        "tcp:port=80                        | field 'host' is required for a tcp client",
        "tcp:host=:port=80                  | field 'host' expected a value",
        "tcp:host=example.org               | field 'port' is required for a tcp client",
        "tcp:host=example.org:port=0        | field 'port' expected a port number from 1 to 65535, got '0'",
        "tcp:host=example.org:port=80:timeout=soon | field 'timeout' expected a number of seconds above 0",
        "tcp:host=example.org:port=80:timeout=0    | field 'timeout' expected a number of seconds above 0",
        "tcp:host=example.org:port=80:timeout=-5   | field 'timeout' expected a number of seconds above 0",
        "tcp:host=example.org:port=80:bindAddress=x | field 'bindAddress' expected an IP address",
        "tcp:host=example.org:port=80:interface=x | unknown field 'interface' for a tcp client: expected host, port, timeout, bindAddress",
        "udp:host=example.org:port=53       | unknown client type 'udp': expected tcp, tls or unix",
        "unix:path=/tmp/s:mode=600          | mode",
    })
    void badClientStringSaysWhichFieldAndWhatWasExpected(String description, String message) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ClientEndpoint.parse(description));
        assertTrue(error.getMessage().contains(message), "'" + error.getMessage() + "' should contain '" + message + "'");
    }
}
