package io.twine.transport.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Our own certificates. A server's: a default one, and one per host name for clients that ask
 * for that name with SNI. A client's (mutual TLS): the default one. The JDK asks this key manager
 * which alias to use during each handshake; the alias is the host name ({@code ""} for the
 * default).
 *
 * <p>Thread: any; immutable once built, and the JDK calls it from the loop or a worker thread.
 */
final class LocalCertificates extends X509ExtendedKeyManager {

    static final String DEFAULT_ALIAS = "";

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    record Entry(PrivateKey key, X509Certificate[] chain) {}

    /** Adds the certificate for {@code hostName} (lower-cased), or the default one for {@link #DEFAULT_ALIAS}. */
    void put(String hostName, PrivateKey key, X509Certificate[] chain) {
        entries.put(hostName.toLowerCase(Locale.ROOT), new Entry(key, chain));
    }

    boolean hasDefault() {
        return entries.containsKey(DEFAULT_ALIAS);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        String requested = requestedHostName(engine.getHandshakeSession());
        if (requested != null) {
            Entry named = entries.get(requested.toLowerCase(Locale.ROOT));
            if (named != null && fits(named, keyType)) {
                return requested.toLowerCase(Locale.ROOT);
            }
        }
        Entry fallback = entries.get(DEFAULT_ALIAS);
        return fallback != null && fits(fallback, keyType) ? DEFAULT_ALIAS : null;
    }

    /** The host name a client asked for with SNI, or null. */
    static String requestedHostName(SSLSession session) {
        if (!(session instanceof ExtendedSSLSession)) {
            return null;
        }
        List<SNIServerName> names = ((ExtendedSSLSession) session).getRequestedServerNames();
        for (SNIServerName name : names) {
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                return ((SNIHostName) name).getAsciiName();
            }
        }
        return null;
    }

    /** The JDK asks once per key type its signature schemes allow ("RSA", "EC", "RSASSA-PSS", ...). */
    private static boolean fits(Entry entry, String keyType) {
        String algorithm = entry.key().getAlgorithm();
        return algorithm.equals(keyType)
                || ("EC".equals(algorithm) && keyType.startsWith("EC"))
                || ("RSA".equals(algorithm) && keyType.startsWith("RSA_"));
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry entry = entries.get(alias);
        return entry == null ? null : entry.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry entry = entries.get(alias);
        return entry == null ? null : entry.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return entries.keySet().toArray(new String[0]);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return hasDefault() ? DEFAULT_ALIAS : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        Entry own = entries.get(DEFAULT_ALIAS);
        if (own != null) {
            for (String keyType : keyTypes) {
                if (fits(own, keyType)) {
                    return DEFAULT_ALIAS;
                }
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return hasDefault() ? new String[] {DEFAULT_ALIAS} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
