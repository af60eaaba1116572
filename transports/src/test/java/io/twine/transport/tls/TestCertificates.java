package io.twine.transport.tls;

import java.nio.file.Path;

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
        return TlsOptions.server(file("localhost.pem"), file("localhost-key.pem"));
    }

    /** A client that trusts only the test CA. */
    static TlsOptions.Builder trustingClient() {
        return TlsOptions.client().trustRoots(file("ca.pem"));
    }
}
