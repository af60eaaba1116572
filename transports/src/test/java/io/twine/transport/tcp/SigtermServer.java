package io.twine.transport.tcp;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.Reactor;
import io.twine.reactor.ShutdownPhase;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A server for {@link SigtermTest}, run in a child JVM: it queues {@link #PAYLOAD} bytes for each
 * client at once (more than the kernel's buffers hold while the client does not read), says so
 * on standard output, and relies on {@link Reactor#installShutdownHook()} alone to deliver them
 * when it gets SIGTERM. Its shutdown triggers print what they see.
 */
public final class SigtermServer {

    static final int PAYLOAD = 32 * 1024 * 1024;
    static final Duration GRACE = Duration.ofSeconds(20);

    private SigtermServer() {}

    /** The byte at {@code index} of the payload: a pattern that shows a lost or reordered chunk. */
    static byte payloadByte(long index) {
        return (byte) (index * 31 + (index >>> 14));
    }

    public static void main(String[] args) throws Exception {
        Reactor reactor = new Reactor();
        reactor.setShutdownGracePeriod(GRACE);
        Protocol[] client = new Protocol[1];
        reactor.addShutdownTrigger(ShutdownPhase.BEFORE, () -> say("before queued="
                + (client[0] == null ? -1 : client[0].transport().getWriteBufferSize())));
        reactor.addShutdownTrigger(ShutdownPhase.AFTER, () -> say("after"));
        ListeningPort port = Tcp.listen(reactor, new InetSocketAddress("127.0.0.1", 0), Factory.forProtocol(() -> new Protocol() {
            @Override
            public void connectionMade() {
                client[0] = this;
                byte[] block = new byte[64 * 1024];
                for (long sent = 0; sent < PAYLOAD; sent += block.length) {
                    for (int i = 0; i < block.length; i++) {
                        block[i] = payloadByte(sent + i);
                    }
                    transport.write(block);
                }
                say("queued");
            }
        }));
        reactor.installShutdownHook();
        say("listening " + ((InetSocketAddress) port.getHost()).getPort());
        reactor.run();
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
