package io.twine.transport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * Reads certificates and private keys from PEM files, so a server needs no keystore tool: a
 * certificate chain (the server's certificate first, then its intermediates) and a PKCS#8 key
 * ({@code -----BEGIN PRIVATE KEY-----}), RSA or EC.
 *
 * <p>Thread: any; it only reads files.
 */
final class PemFiles {

    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";

    private PemFiles() {}

    /**
     * Every certificate in {@code file}, in file order.
     *
     * @throws IllegalArgumentException naming the file if it holds no certificate or cannot be parsed
     * @throws IOException if it cannot be read
     */
    static X509Certificate[] certificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.Certificate> parsed =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return parsed.toArray(new X509Certificate[0]);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /**
     * The PKCS#8 private key in {@code file}, RSA or EC (Ed25519 and RSASSA-PSS too, where the
     * JDK has them).
     *
     * @throws IllegalArgumentException naming the file and saying how to convert a key in another format
     * @throws IOException if it cannot be read
     */
    static PrivateKey privateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf(KEY_BEGIN);
        int end = text.indexOf(KEY_END);
        if (begin < 0 || end < begin) {
            String hint = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
                    ? "it is encrypted; decrypt it with: openssl pkcs8 -in KEY -out KEY.pem -nocrypt"
                    : text.contains("PRIVATE KEY-----")
                            ? "it is in a traditional format; convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem"
                            : "no -----BEGIN PRIVATE KEY----- block found";
            throw new IllegalArgumentException(file + " is not an unencrypted PKCS#8 PEM private key: " + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the private key block is not valid base64", e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException tryTheNext) {
                // A PKCS#8 blob names its algorithm only by OID: trying each factory is the plain way.
            }
        }
        throw new IllegalArgumentException(file + " holds a PKCS#8 key that is neither RSA nor EC");
    }
}
