package io.twine.samples.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost and 127.0.0.1, valid two days, made with the JDK's
 * {@code keytool} in a temporary directory: a PKCS#12 file with the key for the server, and the
 * certificate as PEM for the client to trust. For demos only: nothing vouches for it.
 */
final class ThrowawayCertificate {

    static final char[] PASSWORD = "throwaway".toCharArray();

    private final Path directory;

    private ThrowawayCertificate(Path directory) {
        this.directory = directory;
    }

    /** Runs keytool twice: make the key pair, export the certificate. */
    static ThrowawayCertificate make() throws IOException {
        Path directory = Files.createTempDirectory("twine-tls-demo");
        ThrowawayCertificate made = new ThrowawayCertificate(directory);
        String password = new String(PASSWORD);
        keytool("-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-keystore", made.pkcs12().toString(), "-storetype", "PKCS12", "-storepass", password);
        keytool("-exportcert", "-rfc", "-alias", "localhost", "-keystore", made.pkcs12().toString(),
                "-storepass", password, "-file", made.pem().toString());
        return made;
    }

    Path pkcs12() {
        return directory.resolve("localhost.p12");
    }

    Path pem() {
        return directory.resolve("localhost.pem");
    }

    void delete() {
        try {
            Files.deleteIfExists(pkcs12());
            Files.deleteIfExists(pem());
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // A temporary directory; the system cleans it up eventually.
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        } finally {
            process.destroyForcibly();
        }
    }
}
