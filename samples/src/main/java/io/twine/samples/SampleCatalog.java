package io.twine.samples;

import io.twine.samples.chat.ChatServer;
import io.twine.samples.demo.Demo;
import io.twine.samples.echo.EchoServer;
import io.twine.samples.line.LineClient;
import io.twine.samples.line.LineServer;
import io.twine.samples.line.ThreadedLineServer;
import io.twine.samples.redis.MiniRedis;
import io.twine.samples.support.OptionSpec;
import io.twine.samples.support.SampleTls;
import io.twine.samples.tcp.TcpClient;
import io.twine.samples.tcp.TcpServer;
import io.twine.samples.tls.TlsDemo;
import io.twine.samples.twisted.TwistedClient;
import io.twine.samples.twisted.TwistedServer;
import io.twine.samples.udp.UdpClient;
import io.twine.samples.udp.UdpServer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every sample the launcher knows, in the order {@code --help} lists them. A new sample is one
 * more line in {@link #standard()}.
 *
 * <p>Immutable.
 */
public final class SampleCatalog {

    private final Map<String, Sample> samples = new LinkedHashMap<>();

    /** A catalog of {@code samples}; names must be unique. */
    public SampleCatalog(List<Sample> samples) {
        for (Sample sample : samples) {
            if (this.samples.put(sample.name(), sample) != null) {
                throw new IllegalArgumentException("two samples are named " + sample.name());
            }
        }
    }

    /** The samples of this project. */
    public static SampleCatalog standard() {
        return new SampleCatalog(List.of(
                Sample.other("demo", "runs each server with its client in this process and prints both sides",
                        Demo::run, Demo.PAUSE),
                Sample.server("echo-server", "sends back every byte; stops reading while the client is not reading",
                        EchoServer::start, EchoServer::start, OptionSpec.SERVER_UNIX, SampleTls.CERT, SampleTls.KEY),
                Sample.server("tcp-server", "tsTserv.py: answers every message with [ctime] message",
                        TcpServer::start, OptionSpec.SERVER_UNIX, SampleTls.CERT, SampleTls.KEY),
                Sample.client("tcp-client", "tsTclnt.py: sends each line typed, prints each reply",
                        TcpClient::start, OptionSpec.CLIENT_UNIX, SampleTls.TLS, SampleTls.CA),
                Sample.server("udp-server", "tsUserv.py: answers every datagram with [ctime] datagram",
                        UdpServer::start),
                Sample.client("udp-client", "tsUclnt.py: sends each line as a datagram, prints each reply",
                        UdpClient::start, UdpClient.TIMEOUT),
                Sample.server("line-server", "tsTservSS.py: reads one line, answers [ctime] line, closes",
                        LineServer::start, OptionSpec.SERVER_UNIX, SampleTls.CERT, SampleTls.KEY),
                Sample.server("threaded-line-server", "tsTservSS.py again, as a blocking handler on worker threads",
                        ThreadedLineServer::start, OptionSpec.SERVER_UNIX),
                Sample.client("line-client", "tsTclntSS.py: a new connection for every line",
                        LineClient::start, OptionSpec.CLIENT_UNIX, SampleTls.TLS, SampleTls.CA),
                Sample.server("twisted-server", "tsTservTW.py: the timestamp server as a Protocol and a Factory",
                        TwistedServer::start, OptionSpec.SERVER_UNIX, SampleTls.CERT, SampleTls.KEY),
                Sample.client("twisted-client", "tsTclntTW.py: the client as a Protocol and a ClientFactory",
                        TwistedClient::start, OptionSpec.CLIENT_UNIX, SampleTls.TLS, SampleTls.CA),
                Sample.other("tls-demo", "one TLS conversation in this process: prints version, cipher, ALPN, SNI",
                        TlsDemo::run),
                Sample.server("chat-server", "Twisted's broadcast chat: every line goes to everyone else",
                        ChatServer::start, ChatServer::start, ChatServer.MAX_QUEUED, OptionSpec.SERVER_UNIX, SampleTls.CERT, SampleTls.KEY),
                Sample.server("mini-redis", "a Redis-protocol server: redis-cli and redis-benchmark work with it",
                        OptionSpec.serverPort(MiniRedis.DEFAULT_PORT), MiniRedis::start, OptionSpec.SERVER_UNIX)));
    }

    /** The sample called {@code name}, or null. */
    public Sample find(String name) {
        return samples.get(name);
    }

    /** All samples, in order. */
    public List<Sample> all() {
        return List.copyOf(samples.values());
    }

    /** The launcher's {@code --help}: every sample and its options. */
    public void printHelp(PrintStream out) {
        out.println("twine samples: the seed's Python network programs, ported to the twine reactor.");
        out.println();
        out.println("usage: java -jar twine-samples.jar NAME [--host H] [--port P | --unix PATH] [options]");
        out.println("       java -jar twine-samples.jar NAME --help");
        out.println();
        out.println("Servers listen on 127.0.0.1:21567 (mini-redis: 6379) unless --host / --port say otherwise; stream servers and");
        out.println("clients take --unix PATH to use a Unix domain socket instead. Clients send");
        out.println("each line of standard input and print the replies; an empty line or end of input ends them.");
        out.println("Exit codes: 0 done, 2 bad options, 1 a failure: a connection refused or lost, a UDP");
        out.println("reply lost, or an address that cannot be listened on.");
        out.println();
        out.println("samples:");
        for (Sample sample : samples.values()) {
            printSample(out, sample);
        }
    }

    /** One sample's help: its summary and options with their defaults. */
    public static void printSample(PrintStream out, Sample sample) {
        out.println(String.format("  %-23s %s", sample.name(), sample.summary()));
        for (OptionSpec option : sample.options()) {
            out.println(String.format("      %-19s %s (default %s)", option.usage(), option.description(),
                    option.defaultValue()));
        }
    }
}
