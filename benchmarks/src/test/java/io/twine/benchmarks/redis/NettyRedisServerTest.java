package io.twine.benchmarks.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.Channel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Netty server of the mini-redis benchmark answers what redis-benchmark sends, as Redis does. */
@Timeout(60)
class NettyRedisServerTest {

    @Test
    void answersTheBenchmarksCommandsPipelinedAndSplitAnywhere() throws Exception {
        Channel server = NettyRedisServer.start(0);
        try (Socket socket = new Socket()) {
            socket.connect((InetSocketAddress) server.localAddress(), 10_000);
            socket.setSoTimeout(10_000);
            String requests = "PING\r\n*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nabc\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
                    + "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*3\r\n$5\r\nLPUSH\r\n$1\r\nl\r\n$1\r\nx\r\n*2\r\n$4\r\nLPOP\r\n$1\r\nl\r\n"
                    + "*2\r\n$4\r\nLPOP\r\n$1\r\nl\r\n*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\nsave\r\n";
            String expected = "+PONG\r\n+PONG\r\n+OK\r\n$3\r\nabc\r\n:1\r\n:1\r\n$1\r\nx\r\n$-1\r\n*2\r\n$4\r\nsave\r\n$0\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            byte[] bytes = requests.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < bytes.length; i += 7) {
                out.write(bytes, i, Math.min(7, bytes.length - i));
                out.flush();
            }
            InputStream in = socket.getInputStream();
            assertEquals(expected, new String(in.readNBytes(expected.length()), StandardCharsets.US_ASCII));
        } finally {
            server.close().sync();
        }
    }
}
