package io.twine.transport.tcp;

import static io.twine.transport.tcp.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.protocol.Protocol;
import io.twine.reactor.TcpOptions;
import io.twine.testing.ReactorThread;
import io.twine.transport.unix.Unix;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a listening port says about itself, and the backlog the kernel is given. */
@Timeout(60)
class ListeningPortTest {

    @Test
    void aTcpPortGivesItsBoundAddressAndPortWithoutACast() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort port = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> new Protocol() { })));
            InetSocketAddress host = port.getInetHost();
            assertEquals(port.getHost(), host);
            assertEquals(host.getPort(), port.getPort());
            assertTrue(port.getPort() > 0, "port 0 was asked for; the bound port is the one the system picked");
        }
    }

    @Test
    void aUnixPortSaysItHasNoIpAddress(@TempDir Path dir) throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            Path path = dir.resolve("p.sock");
            ListeningPort port = rt.call(() -> Unix.listen(rt.reactor(), path, Factory.forProtocol(() -> new Protocol() { })));
            IllegalStateException error = assertThrows(IllegalStateException.class, port::getPort);
            assertTrue(error.getMessage().contains("not to an IP address"), error.getMessage());
            assertThrows(IllegalStateException.class, port::getInetHost);
        }
    }

    /** Linux's {@code ss} shows a listening socket's backlog in its Send-Q column. */
    @Test
    void theKernelGetsTheSystemsLargestBacklogByDefaultAndASetOneOtherwise() throws Exception {
        try (ReactorThread rt = ReactorThread.start()) {
            ListeningPort byDefault = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> new Protocol() { })));
            ListeningPort set = rt.call(() -> Tcp.listen(rt.reactor(), ANY_PORT, Factory.forProtocol(() -> new Protocol() { }),
                    TcpOptions.defaults().withBacklog(7)));
            assertEquals(TcpOptions.defaults().backlog(), kernelBacklog(byDefault.getPort()));
            assertEquals(7, kernelBacklog(set.getPort()));
        }
    }

    private static int kernelBacklog(int port) throws IOException, InterruptedException {
        Process ss;
        try {
            ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + port).redirectErrorStream(true).start();
        } catch (IOException missing) {
            String reason = "no ss (Debian package iproute2) to read a listening socket's backlog: " + missing.getMessage();
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + "; CI=true, and CI installs every peer (.ci/run)");
            }
            Assumptions.abort(reason);
            throw missing;
        }
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(ss.waitFor(10, TimeUnit.SECONDS), "ss did not finish");
        // State Recv-Q Send-Q Local-Address Peer-Address: for a listener Send-Q is the backlog.
        String[] fields = out.split("\\s+");
        assertEquals("LISTEN", fields[0], out);
        return Integer.parseInt(fields[2]);
    }
}
