package io.twine.transport.tcp;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Small helpers shared by the TCP tests. */
final class Loopback {

    static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private Loopback() {}

    /** The byte at {@code index} of the test pattern: cheap to generate and to check. */
    static byte pattern(long index) {
        return (byte) (index % 251);
    }

    static byte[] patternBytes(long from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = pattern(from + i);
        }
        return bytes;
    }

    /**
     * Reads until end of stream, checking every byte against the pattern.
     *
     * @return how many bytes arrived
     * @throws AssertionError at the first byte that differs
     */
    static long readPatternUntilEof(InputStream in, int chunk) throws IOException {
        return readPatternUntilEof(in, chunk, new java.util.concurrent.atomic.AtomicLong());
    }

    /** As {@link #readPatternUntilEof(InputStream, int)}, adding each read's bytes to {@code progress}. */
    static long readPatternUntilEof(InputStream in, int chunk, java.util.concurrent.atomic.AtomicLong progress)
            throws IOException {
        byte[] buffer = new byte[chunk];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] != pattern(total + i)) {
                    throw new AssertionError("byte " + (total + i) + " differs");
                }
            }
            total += n;
            progress.addAndGet(n);
        }
        return total;
    }

    /** Open file descriptors of this process (Linux). */
    static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * Waits, by running loop iterations (never sleeping), until this process has at most
     * {@code limit} descriptors open. A closed channel frees its descriptor only when a select
     * of its selector processes the cancelled key, so this gives the loop a bounded number of
     * turns to do so, then fails naming what is still open.
     */
    static void awaitDescriptorsAtMost(io.twine.testing.ReactorThread rt, long limit) throws IOException {
        for (int turn = 0; turn < 1000; turn++) {
            if (openDescriptors() <= limit) {
                return;
            }
            rt.call(() -> null);
        }
        throw new AssertionError("expected at most " + limit + " descriptors open, found "
                + openDescriptors() + ": " + describeDescriptors());
    }

    /**
     * Each open descriptor of this process as "number->what it points at" (Linux): the ones a
     * piece of code leaves open are those in the set after it and not before, whatever other
     * threads of the JVM closed meanwhile. The listing's own descriptor (the {@code /proc/PID/fd}
     * directory) is left out: it takes the lowest free number, which another thread's open or
     * close between two listings can change, and it is closed again before this returns.
     */
    static Set<String> openDescriptorSet() throws IOException {
        Set<String> open = new TreeSet<>();
        Path listed = Path.of("/proc/self/fd").toRealPath();
        try (Stream<Path> fds = Files.list(listed)) {
            fds.forEach(fd -> {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (!target.equals(listed)) {
                        open.add(fd.getFileName() + "->" + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // gone between the listing and the look: not open
                }
            });
        }
        return open;
    }

    /** What each open descriptor points at, for a failure message. */
    static String describeDescriptors() throws IOException {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    out.append(fd.getFileName()).append("->").append(Files.readSymbolicLink(fd)).append(' ');
                } catch (IOException e) {
                    out.append(fd.getFileName()).append("->? ");
                }
            });
        }
        return out.toString();
    }

    /**
     * Outbound chunks taken from the loop's pool and not given back, read through the connection
     * of {@code protocol} (the pool is no method of the reactor). Loop thread only.
     */
    static long chunksInUse(Protocol protocol) {
        return ((TcpConnection) protocol.transport()).loop.chunkPool().inUse();
    }

    /** A protocol that records how its connection ended. */
    static class Recording extends Protocol {
        final CompletableFuture<Protocol> made = new CompletableFuture<>();
        final CompletableFuture<Reason> lost = new CompletableFuture<>();

        @Override
        public void connectionMade() {
            made.complete(this);
        }

        @Override
        public void connectionLost(Reason reason) {
            lost.complete(reason);
        }
    }

    /** A client factory that records failures and losses and builds from {@code protocols}. */
    static final class RecordingClientFactory extends ClientFactory {
        final Supplier<? extends Protocol> protocols;
        final CompletableFuture<Reason> failed = new CompletableFuture<>();
        final CompletableFuture<Reason> lost = new CompletableFuture<>();

        RecordingClientFactory(Supplier<? extends Protocol> protocols) {
            this.protocols = protocols;
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            return protocols.get();
        }

        @Override
        public void clientConnectionFailed(Connector connector, Reason reason) {
            failed.complete(reason);
        }

        @Override
        public void clientConnectionLost(Connector connector, Reason reason) {
            lost.complete(reason);
        }
    }

    /**
     * Echoes what it reads, and stops reading while its own outbound buffer is above the high
     * mark (the transport registered as the producer of its own writes), noting when it does.
     */
    static final class Echo extends Recording {
        final CompletableFuture<Void> firstPause = new CompletableFuture<>();
        long largestWriteBuffer;

        @Override
        public void connectionMade() {
            transport.registerProducer(new io.twine.protocol.Producer() {
                @Override
                public void pauseProducing() {
                    firstPause.complete(null);
                    transport.pauseProducing();
                }

                @Override
                public void resumeProducing() {
                    transport.resumeProducing();
                }

                @Override
                public void stopProducing() {
                    transport.stopProducing();
                }
            }, true);
            super.connectionMade();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
            largestWriteBuffer = Math.max(largestWriteBuffer, transport.getWriteBufferSize());
        }
    }
}
