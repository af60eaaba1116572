package io.twine.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Reason;
import io.twine.testing.ReactorThread;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class TcpEchoTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void echoesRandomChunksByteExactOverIpv4AndIpv6(String address) throws Exception {
        CompletableFuture<Loopback.Echo> server = new CompletableFuture<>();
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(),
                    new InetSocketAddress(InetAddress.getByName(address), 0), Factory.forProtocol(() -> {
                        Loopback.Echo echo = new Loopback.Echo();
                        server.complete(echo);
                        return echo;
                    })));
            InetSocketAddress bound = (InetSocketAddress) port.getHost();
            Random random = new Random(42);
            byte[] sent = new byte[1 << 20];
            random.nextBytes(sent);
            byte[] received = new byte[sent.length];
            try (Socket socket = new Socket(bound.getAddress(), bound.getPort())) {
                socket.setSoTimeout(20_000);
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = socket.getOutputStream();
                        int offset = 0;
                        while (offset < sent.length) {
                            int n = Math.min(sent.length - offset, 1 + random.nextInt(8192));
                            out.write(sent, offset, n);
                            offset += n;
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                writer.start();
                InputStream in = socket.getInputStream();
                int offset = 0;
                while (offset < received.length) {
                    int n = in.read(received, offset, received.length - offset);
                    if (n < 0) {
                        break;
                    }
                    offset += n;
                }
                writer.join(20_000);
                assertEquals(sent.length, offset);
                assertArrayEquals(sent, received);
            }
            Reason reason = ReactorThread.await(server.thenCompose(e -> e.lost));
            assertEquals(Reason.Kind.CLOSED_BY_PEER, reason.kind());
        }
    }
}
