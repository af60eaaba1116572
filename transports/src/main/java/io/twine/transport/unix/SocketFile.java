package io.twine.transport.unix;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The file a listening Unix domain socket lives at, from the checks before it is bound to its
 * removal: the path's length, the optional lock file, a stale file left by a process that died
 * (replaced) or a live server (never stolen), the mode, and removing exactly the file this
 * listener made.
 *
 * <p>Thread: the loop's (or the thread that sets the reactor up before {@code run()}). The
 * checks make one blocking connect to a local path, which answers at once.
 */
final class SocketFile {

    /** {@code sizeof(sun_path)} less the terminating NUL: 108 - 1 on Linux, 104 - 1 on BSD and macOS. */
    static final int MAX_PATH_BYTES = isLinux() ? 107 : 103;
    private static final int SOCKET_TYPE_BITS = 0170000;
    private static final int SOCKET_TYPE = 0140000;

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** The bound socket's identity (device and inode), so {@link #remove()} never deletes a successor's. */
    private Object fileKey;
    private boolean removed;

    private SocketFile(Path path, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Checks {@code path} can be listened on and clears the way: takes the lock file if asked,
     * removes a stale socket file, and refuses a path a running server answers on.
     *
     * @throws IOException naming the path and what is wrong with it; nothing is left behind
     */
    static SocketFile claim(Path path, boolean useLockFile) throws IOException {
        checkLength(path);
        FileChannel lockChannel = null;
        FileLock lock = null;
        if (useLockFile) {
            Path lockPath = lockPath(path);
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;  // this JVM holds it already
            }
            if (lock == null) {
                lockChannel.close();
                throw new IOException("cannot listen on " + path + ": it is in use by a running server (its lock file "
                        + lockPath + " is held)");
            }
        }
        SocketFile file = new SocketFile(path, lockChannel, lock);
        try {
            file.clearStale();
        } catch (IOException | RuntimeException e) {
            file.releaseLock();
            throw e;
        }
        return file;
    }

    /** Fails, before anything is created, if the path does not fit in a socket address. */
    static void checkLength(Path path) throws IOException {
        int bytes = path.toString().getBytes(pathCharset()).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new IOException("cannot use " + path + " as a Unix socket: the path is " + bytes
                    + " bytes long and the system allows at most " + MAX_PATH_BYTES);
        }
    }

    private void clearStale() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new FileAlreadyExistsException(path.toString(), null,
                    "cannot listen: the path exists and is not a socket; not replacing it");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException refused) {
            // Nobody accepts on it: a process that died left it behind. Replace it.
            Files.deleteIfExists(path);
            return;
        }
        throw new IOException("cannot listen on " + path + ": it is in use by a running server");
    }

    /** Sets the mode of the freshly bound socket and remembers which file it is. */
    void bound(OptionalInt mode) throws IOException {
        Set<PosixFilePermission> permissions;
        if (mode.isPresent()) {
            permissions = permissions(mode.getAsInt());
        } else {
            // bind() made the file 0777 & ~umask; the default is 0666 & ~umask: drop the execute bits.
            permissions = EnumSet.copyOf(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
            permissions.removeAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
        }
        Files.setPosixFilePermissions(path, permissions);
        fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /**
     * Removes the socket file (if it is still the one this listener bound) and the lock file.
     * Idempotent: the port's {@code stopListening} and the reactor's shutdown both call it.
     */
    void remove() {
        if (removed) {
            return;
        }
        removed = true;
        try {
            if (fileKey != null && Files.exists(path, LinkOption.NOFOLLOW_LINKS) && Objects.equals(fileKey,
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey())) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // Gone already, or not ours to delete: either way nothing is left to do.
        } finally {
            releaseLock();
        }
    }

    private void releaseLock() {
        if (lockChannel == null) {
            return;
        }
        try {
            lock.release();
            lockChannel.close();
            Files.deleteIfExists(lockPath(path));
        } catch (IOException e) {
            // The lock goes with the descriptor; a leftover lock file is harmless (it is not held).
        }
    }

    static Path lockPath(Path path) {
        return path.resolveSibling(path.getFileName() + ".lock");
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & SOCKET_TYPE_BITS) == SOCKET_TYPE;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // No "unix" attribute view: a socket is neither a file, a directory nor a link.
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        }
    }

    /** The charset the JDK encodes socket paths with. */
    private static Charset pathCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }
}
