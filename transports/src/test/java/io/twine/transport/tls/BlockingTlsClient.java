package io.twine.transport.tls;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** The JDK's blocking {@link SSLSocket}, trusting the test CA: a peer the test controls byte by byte. */
final class BlockingTlsClient {

    private BlockingTlsClient() {}

    static SSLSocket connect(InetSocketAddress server) throws Exception {
        return over(new java.net.Socket(server.getAddress(), server.getPort()), true);
    }

    /** TLS over {@code plain}; with {@code autoClose} false, closing the TLS socket leaves {@code plain} open. */
    static SSLSocket over(java.net.Socket plain, boolean autoClose) throws Exception {
        KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
        roots.load(null, null);
        try (InputStream in = java.nio.file.Files.newInputStream(TestCertificates.file("ca.pem"))) {
            roots.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(roots);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), autoClose);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName("localhost")));
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(20_000);
        return socket;
    }
}
