package io.twine.samples.twisted;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.EventLoop;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.LineSource;
import io.twine.samples.support.Prompt;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.SampleTls;
import io.twine.samples.support.StreamSockets;
import io.twine.samples.support.UsageException;
import io.twine.samples.support.Utf8Text;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code twisted-client}: the seed's {@code tsTclntTW.py}. A {@link Protocol} whose
 * {@code sendData} prompts, prints {@code ...sending X...} and writes the line, or closes the
 * connection on an empty line; {@code connectionMade} and {@code dataReceived} (which prints the
 * reply) both call it. A {@link ClientFactory} ends everything when the connection is lost or
 * fails.
 *
 * <p>Two differences from the seed, both forced by doing it properly: the seed calls the
 * blocking {@code input()} inside a callback, which freezes its reactor while the user types;
 * here a {@link LineSource} delivers the line later, on the loop. And where the seed's factory
 * calls {@code reactor.stop()}, this one completes an outcome and lets whoever runs the loop
 * stop it (the launcher does at once, the demo goes on to its next conversation). The reply is
 * printed as text; the seed's {@code print(data)} shows Python's {@code b"..."} repr.
 */
public final class TwistedClient {

    private TwistedClient() {}

    /**
     * Connects to {@code server} and converses. A {@link io.twine.samples.support.ClientStarter}.
     * Loop-only.
     */
    public static CompletableFuture<ExitStatus> start(EventLoop reactor, SocketAddress server, LineSource input,
            PrintStream out, SampleArgs args) throws UsageException {
        CompletableFuture<ExitStatus> outcome = new CompletableFuture<>();
        StreamSockets.connect(reactor, server, SampleTls.client(reactor, args,
                new TimestampClientFactory(new Prompt(input, out), out, outcome::complete)));
        return outcome;
    }

    /**
     * The seed's {@code TSClntProtocol}.
     *
     * <p>Thread: loop only.
     */
    public static final class TimestampClientProtocol extends Protocol {

        private final Prompt prompt;
        private final PrintStream out;
        private final Utf8Text text = new Utf8Text();

        /**
         * @param prompt where lines to send come from
         * @param out where replies are printed
         */
        public TimestampClientProtocol(Prompt prompt, PrintStream out) {
            this.prompt = Objects.requireNonNull(prompt, "prompt");
            this.out = Objects.requireNonNull(out, "out");
        }

        /** Asks for a line; sends it, or closes the connection when it is empty or input ended. */
        void sendData() {
            prompt.ask(new LineSource.Listener() {
                @Override
                public void lineRead(String data) {
                    if (!transport.isConnected()) {
                        return;
                    }
                    if (!data.isEmpty()) {
                        out.println("...sending " + data + "...");
                        transport.write(data.getBytes(StandardCharsets.UTF_8));
                    } else {
                        transport.loseConnection();
                    }
                }

                @Override
                public void inputEnded() {
                    transport.loseConnection();
                }
            });
        }

        @Override
        public void connectionMade() {
            sendData();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            out.println(text.decode(data));
            sendData();
        }
    }

    /**
     * The seed's {@code TSClntFactory}: builds the protocol, and ends the program however the
     * connection ends ({@code clientConnectionLost = clientConnectionFailed = reactor.stop()}).
     *
     * <p>Thread: loop only.
     */
    public static final class TimestampClientFactory extends ClientFactory {

        private final Prompt prompt;
        private final PrintStream out;
        private final Consumer<ExitStatus> done;

        /** @param done called once, with how it ended: where the seed stops the reactor */
        public TimestampClientFactory(Prompt prompt, PrintStream out, Consumer<ExitStatus> done) {
            this.prompt = Objects.requireNonNull(prompt, "prompt");
            this.out = Objects.requireNonNull(out, "out");
            this.done = Objects.requireNonNull(done, "done");
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            return new TimestampClientProtocol(prompt, out);
        }

        @Override
        public void clientConnectionLost(Connector connector, Reason reason) {
            prompt.close();
            done.accept(ExitStatus.connectionEnded(connector.getDestination(), reason));
        }

        @Override
        public void clientConnectionFailed(Connector connector, Reason reason) {
            prompt.close();
            done.accept(ExitStatus.connectFailed(connector.getDestination(), reason));
        }
    }
}
