package io.twine.transport.tls;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The throw-away certificates in {@code src/test/resources/tls}, made by the script beside them.
 */
final class TestCertificates {

    static final Path DIRECTORY = Path.of("src/test/resources/tls").toAbsolutePath();

    private TestCertificates() {}

    static Path file(String name) {
        return DIRECTORY.resolve(name);
    }

    /** A server for localhost (RSA) whose CA is {@code ca.pem}. */
    static TlsOptions.Builder localhostServer() {
        return TlsOptions.server(file("localhost.pem"), file("localhost-key.pem")).handshakeTimeout(HANDSHAKE_BACKSTOP);
    }

    /** A client that trusts only the test CA. */
    static TlsOptions.Builder trustingClient() {
        return TlsOptions.client().trustRoots(file("ca.pem")).handshakeTimeout(HANDSHAKE_BACKSTOP);
    }

    /**
     * The handshake timeout of the test options: an upper bound only. Under stress-ng a first
     * handshake took more than the default 10 s and the connection a test was about was closed
     * in the middle of it; tests of the timeout set their own.
     */
    static final Duration HANDSHAKE_BACKSTOP = Duration.ofMinutes(5);
}
