package io.twine.transport.tcp;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.Reactor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A server for {@link MemoryBudgetTest}, run in a child JVM with a small heap (and so a small
 * direct memory): every byte it receives asks for a 16 KiB reply, and it ignores flow control,
 * as a careless request/reply server would. Prints its port, then serves until killed.
 */
public final class FloodServer {

    static final int REPLY = 16 * 1024;

    private FloodServer() {}

    public static void main(String[] args) throws Exception {
        Reactor reactor = new Reactor();
        byte[] reply = new byte[REPLY];
        ListeningPort port = Tcp.listen(reactor, new InetSocketAddress("127.0.0.1", 0), Factory.forProtocol(() -> new Protocol() {
            @Override
            public void dataReceived(ByteBuffer data) {
                while (data.hasRemaining()) {
                    java.util.Arrays.fill(reply, data.get());
                    transport.write(reply);
                }
            }
        }));
        reactor.installShutdownHook();
        System.out.println("listening " + ((InetSocketAddress) port.getHost()).getPort() + " budget "
                + reactor.outboundMemoryBudget());
        System.out.flush();
        reactor.run();
    }
}
