package io.twine.benchmarks.echo;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKCS#12 key store with a self-signed EC P-256 certificate for localhost (and
 * 127.0.0.1), made with the JDK's keytool; its password is {@link EchoSetup#KEY_STORE_PASSWORD}.
 * Every TLS server of the benchmarks serves one, so they all sign with the same kind of key.
 */
public final class SelfSignedKeyStore {

    private SelfSignedKeyStore() {}

    /**
     * Makes the key store at {@code file} (which must not exist), with keytool's output in {@code log}.
     *
     * @throws IOException if keytool fails or takes more than two minutes
     */
    public static Path create(Path file, Path log) throws IOException, InterruptedException {
        String password = EchoSetup.KEY_STORE_PASSWORD;
        Process keytool = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "7",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!keytool.waitFor(120, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            keytool.destroyForcibly();
            throw new IOException("keytool could not make a key store at " + file + "; see " + log);
        }
        return file;
    }
}
