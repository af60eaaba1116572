package io.twine.transport.tls;

/**
 * A protocol that wants to hear when a TLS handshake has finished (Twisted's
 * {@code IHandshakeListener}). After {@link Tls#startTls} this is the moment the peer is known;
 * under {@link Tls#server} and {@link Tls#client} it comes right after {@code connectionMade},
 * which already waits for the handshake.
 *
 * <p>Thread: loop only.
 */
public interface TlsHandshakeListener {

    /** The handshake has finished; the protocol's transport is a {@link TlsTransport}. */
    void handshakeCompleted();
}
