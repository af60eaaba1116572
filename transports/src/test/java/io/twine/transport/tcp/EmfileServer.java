package io.twine.transport.tcp;

import io.twine.protocol.Factory;
import io.twine.protocol.ListeningPort;
import io.twine.reactor.Reactor;
import io.twine.reactor.TcpOptions;
import io.twine.reactor.observe.LoopMetrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An echo server for {@link DescriptorExhaustionTest}, run in a child JVM whose open-file limit
 * the test has lowered. It answers commands on standard input, one line each:
 * {@code stats} prints its loop's counters now (turns of the loop,
 * failed accepts, error reports, open connections), {@code stats-after MS} prints them after MS
 * milliseconds of its own clock, {@code quit} stops it.
 */
public final class EmfileServer {

    private EmfileServer() {}

    public static void main(String[] args) throws Exception {
        Reactor reactor = new Reactor();
        long[] acceptReports = new long[1];
        reactor.setErrorReporter((context, error) -> {
            if (context.startsWith("accept failed")) {
                acceptReports[0]++;
            } else {
                System.err.println(context + ": " + error);
            }
        });
        TcpListener port = (TcpListener) Tcp.listen(reactor, new InetSocketAddress("127.0.0.1", 0),
                Factory.forProtocol(Loopback.Echo::new), TcpOptions.defaults().withBacklog(1024));
        System.out.println("listening " + ((InetSocketAddress) port.getHost()).getPort());
        System.out.flush();
        Runnable printStats = () -> {
            LoopMetrics metrics = reactor.metrics();
            System.out.println("stats iterations=" + metrics.iterations() + " failures=" + metrics.acceptFailures()
                    + " reports=" + acceptReports[0] + " open=" + port.openConnections()
                    + " listening=" + port.isListening());
            System.out.flush();
        };
        Thread commands = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("stats")) {
                        reactor.callFromThread(printStats);
                    } else if (line.startsWith("stats-after ")) {
                        Duration wait = Duration.ofMillis(Long.parseLong(line.substring(12)));
                        reactor.callFromThread(() -> reactor.callLater(wait, printStats));
                    } else if (line.equals("quit")) {
                        break;
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
            reactor.stop();
        });
        commands.setDaemon(true);
        commands.start();
        reactor.run();
    }
}
