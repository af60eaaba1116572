package io.twine.samples.udp;

import io.twine.protocol.DatagramProtocol;
import io.twine.protocol.DatagramTransport;
import io.twine.reactor.DelayedCall;
import io.twine.reactor.Reactor;
import io.twine.reactor.Scheduler;
import io.twine.samples.support.Addresses;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.LineSource;
import io.twine.samples.support.OptionSpec;
import io.twine.samples.support.Prompt;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.UsageException;
import io.twine.transport.udp.Udp;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * {@code udp-client}: the UDP timestamp client the seed means by {@code tsUclnt.py} (its listing
 * is a copy of the server's). It prompts {@code > }, sends the line as one datagram, prints the
 * datagram that comes back, and prompts again; an empty line or the end of input ends it.
 *
 * <p>UDP promises nothing: a datagram or its reply can be lost, and the seed's blocking
 * {@code recvfrom} would then wait forever. This client waits {@code --timeout} milliseconds (5
 * seconds by default) for each reply, then ends with exit code 1 and a line saying the reply was
 * lost. Its port is {@linkplain DatagramTransport#connect connected} to the server, so it hears
 * only from the server, and when nothing listens there the host's "port unreachable" answer ends
 * it at once, with a line saying so, instead of after the timeout.
 *
 * <p>A line too long for one datagram (over 65,507 bytes of UTF-8 to an IPv4 server) is not
 * sent: the client says so and asks for the next. The reply is printed as UTF-8 text; the seed's
 * transcript shows Python's {@code b"..."} repr of it.
 */
public final class UdpClient {

    /** {@code --timeout MS}: how long to wait for each reply. */
    public static final OptionSpec TIMEOUT = new OptionSpec("timeout", "MS",
            "how long to wait for each reply before giving it up as lost", "5000");

    private UdpClient() {}

    /**
     * Opens a port, connects it to {@code server} and converses, with {@code --timeout} from
     * {@code args}. A {@link io.twine.samples.support.ClientStarter}. Loop-only.
     *
     * @throws UsageException if {@code --timeout} is not 1 to 600,000 milliseconds
     */
    public static CompletableFuture<ExitStatus> start(Reactor reactor, SocketAddress server, LineSource input,
            PrintStream out, SampleArgs args) throws UsageException {
        Duration timeout = Duration.ofMillis(args.number(TIMEOUT.name(), 1, 600_000));
        return start(reactor, reactor, Addresses.internet(server), input, out, timeout);
    }

    /**
     * Like {@link #start(Reactor, SocketAddress, LineSource, PrintStream, SampleArgs)}, with
     * the reply timeout given and timed by {@code timers} (a test's manual clock, or the reactor).
     */
    public static CompletableFuture<ExitStatus> start(Reactor reactor, Scheduler timers, InetSocketAddress server,
            LineSource input, PrintStream out, Duration timeout) {
        CompletableFuture<ExitStatus> outcome = new CompletableFuture<>();
        Prompt prompt = new Prompt(input, out);
        Talker talker = new Talker(timers, server, prompt, out, timeout, outcome);
        // Any free port, of the server's family: what Python's first sendto picks.
        InetSocketAddress local = new InetSocketAddress(
                server.getAddress() instanceof Inet4Address ? "0.0.0.0" : "::", 0);
        DatagramTransport port = null;
        try {
            port = Udp.listen(reactor, local, talker);
            port.connect(server);
        } catch (IOException | RuntimeException e) {
            if (port != null) {
                port.stopListening();
            }
            prompt.close();
            outcome.complete(ExitStatus.failed("cannot talk to UDP " + Addresses.hostPort(server) + ": " + e.getMessage()));
            return outcome;
        }
        prompt.ask(talker);
        return outcome;
    }

    /**
     * The conversation: a line out, its reply in (or the timeout), and again.
     *
     * <p>Thread: loop only.
     */
    static final class Talker extends DatagramProtocol implements LineSource.Listener {

        private final Scheduler timers;
        private final InetSocketAddress server;
        private final Prompt prompt;
        private final PrintStream out;
        private final Duration timeout;
        private final CompletableFuture<ExitStatus> outcome;
        /** Armed while a reply is awaited. */
        private DelayedCall replyTimer;
        /** How the conversation ended, once it has; the outcome gets it when the port has closed. */
        private ExitStatus ending;

        Talker(Scheduler timers, InetSocketAddress server, Prompt prompt, PrintStream out, Duration timeout,
                CompletableFuture<ExitStatus> outcome) {
            this.timers = Objects.requireNonNull(timers, "timers");
            this.server = Objects.requireNonNull(server, "server");
            this.prompt = Objects.requireNonNull(prompt, "prompt");
            this.out = Objects.requireNonNull(out, "out");
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            this.outcome = Objects.requireNonNull(outcome, "outcome");
        }

        @Override
        public void lineRead(String line) {
            if (ending != null) {
                return;
            }
            if (line.isEmpty()) {
                finish(ExitStatus.ok());
                return;
            }
            byte[] datagram = line.getBytes(StandardCharsets.UTF_8);
            int limit = server.getAddress() instanceof Inet4Address
                    ? DatagramTransport.MAX_IPV4_PAYLOAD
                    : DatagramTransport.MAX_IPV6_PAYLOAD;
            if (datagram.length > limit) {
                out.println("(not sent: " + datagram.length + " bytes do not fit in one datagram of at most "
                        + limit + " bytes)");
                prompt.ask(this);
                return;
            }
            transport.write(datagram);
            replyTimer = timers.callLater(timeout, this::replyLost);
        }

        @Override
        public void inputEnded() {
            finish(ExitStatus.ok());
        }

        /** The reply: printed, then the next line. Anything else (a late reply) is ignored. */
        @Override
        public void datagramReceived(ByteBuffer data, InetSocketAddress sender) {
            if (replyTimer == null || !replyTimer.isActive() || ending != null) {
                return;
            }
            replyTimer.cancel();
            replyTimer = null;
            out.println(StandardCharsets.UTF_8.decode(data));
            prompt.ask(this);
        }

        /** The server's host said nothing listens on that port. */
        @Override
        public void connectionRefused() {
            finish(ExitStatus.failed("no UDP server at " + Addresses.hostPort(server) + " (port unreachable)"));
        }

        @Override
        public void errorReceived(IOException error) {
            finish(ExitStatus.failed("UDP error talking to " + Addresses.hostPort(server) + ": " + error.getMessage()));
        }

        private void replyLost() {
            finish(ExitStatus.failed("no reply from " + Addresses.hostPort(server) + " within " + timeout.toMillis()
                    + " ms: the datagram or its reply was lost (UDP does not resend)"));
        }

        /** Ends the conversation; the outcome completes once the port has closed ({@link #stopProtocol}). */
        private void finish(ExitStatus status) {
            if (ending != null) {
                return;
            }
            ending = status;
            if (replyTimer != null && replyTimer.isActive()) {
                replyTimer.cancel();
            }
            replyTimer = null;
            prompt.close();
            transport.stopListening();
        }

        /**
         * The port has closed: only now is the client over, so whoever waits for the outcome may
         * count ports and find this one gone. A port closed by the reactor's stop, with the
         * conversation still going, leaves the outcome incomplete, as before.
         */
        @Override
        public void stopProtocol() {
            if (ending != null) {
                outcome.complete(ending);
            }
        }
    }
}
