package io.twine.transport.tls;

import io.twine.protocol.Transport;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * The transport a protocol gets under TLS: a plain {@link Transport} (the protocol cannot tell it
 * from TCP) plus what TLS adds. Cast to it where the protocol wants to know:
 * <pre>{@code
 * TlsTransport tls = (TlsTransport) transport;
 * System.out.println(tls.protocolVersion() + " " + tls.cipherSuite() + " " + tls.applicationProtocol());
 * }</pre>
 *
 * <p>Every method answers from the finished handshake, so from {@code connectionMade} on (or, after
 * {@link Tls#startTls}, from {@link TlsHandshakeListener#handshakeCompleted()} on).
 *
 * <p>Thread: loop only.
 */
public interface TlsTransport extends Transport {

    /**
     * The session the handshake established.
     *
     * @return the session
     */
    SSLSession session();

    /**
     * The protocol agreed with ALPN ({@code "h2"}, {@code "http/1.1"}, ...), or null if none was.
     *
     * @return the protocol name, or null
     */
    String applicationProtocol();

    /**
     * The host name of the connection: on a server, the one the client asked for with SNI (null if
     * it sent none); on a client, the one it checked the certificate against.
     *
     * @return the name, or null
     */
    String serverName();

    /**
     * The peer's certificate chain, its own certificate first; empty if it showed none.
     *
     * @return an unmodifiable list
     */
    List<X509Certificate> peerCertificates();

    /**
     * {@code "TLSv1.3"} or {@code "TLSv1.2"}.
     *
     * @return the version the handshake agreed on
     */
    default String protocolVersion() {
        return session().getProtocol();
    }

    /**
     * The negotiated cipher suite, for instance {@code "TLS_AES_256_GCM_SHA384"}.
     *
     * @return the JDK's name of the suite
     */
    default String cipherSuite() {
        return session().getCipherSuite();
    }
}
