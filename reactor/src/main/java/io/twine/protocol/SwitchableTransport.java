package io.twine.protocol;

/**
 * A transport that can hand its connection to another protocol mid-way: how
 * {@code Tls.startTls} puts a TLS layer between a live connection and its protocol (STARTTLS in
 * SMTP, IMAP, XMPP, Postgres). TCP's transport and the test kit's {@code StringTransport} are
 * switchable.
 *
 * <p>Thread: loop only.
 */
public interface SwitchableTransport extends Transport {

    /**
     * From now on, bytes read, the half-close events and {@code connectionLost} go to {@code next}
     * instead of the current protocol. Neither protocol is told; the caller arranges that.
     *
     * @param next the protocol that gets every event from now on
     */
    void switchProtocol(Protocol next);
}
