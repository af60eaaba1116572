package io.twine.samples.tcp;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.Reactor;
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
import java.util.concurrent.CompletableFuture;

/**
 * {@code tcp-client}: the seed's {@code tsTclnt.py}. It prompts {@code > }, sends the line
 * (without its newline, as the seed does), prints what comes back, and prompts again; an empty
 * line or the end of input closes the connection, and so does the server closing it.
 *
 * <p>The seed's loop ({@code input}, {@code send}, {@code recv}, {@code print}) becomes events:
 * the line source plays {@code input()}, {@code dataReceived} plays {@code recv(1024)}. As with
 * {@code recv}, each chunk that arrives is printed as one reply. The reply is printed as text
 * (UTF-8), where the seed prints {@code data.decode('utf-8')} too.
 *
 * <p>It talks to any server that answers each line: {@code tcp-server}, {@code twisted-server},
 * {@code echo-server}, or the seed's Python servers.
 */
public final class TcpClient {

    private TcpClient() {}

    /**
     * Connects to {@code server} and converses. A {@link io.twine.samples.support.ClientStarter}.
     * Loop-only.
     */
    public static CompletableFuture<ExitStatus> start(Reactor reactor, SocketAddress server, LineSource input,
            PrintStream out, SampleArgs args) throws UsageException {
        CompletableFuture<ExitStatus> outcome = new CompletableFuture<>();
        StreamSockets.connect(reactor, server,
                SampleTls.client(reactor, args, new Conversation(new Prompt(input, out), out, outcome)));
        return outcome;
    }

    /** Builds the one {@link Talker} and turns how the connection ended into an exit status. */
    static final class Conversation extends ClientFactory {

        private final Prompt prompt;
        private final PrintStream out;
        private final CompletableFuture<ExitStatus> outcome;

        Conversation(Prompt prompt, PrintStream out, CompletableFuture<ExitStatus> outcome) {
            this.prompt = prompt;
            this.out = out;
            this.outcome = outcome;
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            return new Talker(prompt, out);
        }

        @Override
        public void clientConnectionFailed(Connector connector, Reason reason) {
            prompt.close();
            outcome.complete(ExitStatus.connectFailed(connector.getDestination(), reason));
        }

        @Override
        public void clientConnectionLost(Connector connector, Reason reason) {
            prompt.close();
            outcome.complete(ExitStatus.connectionEnded(connector.getDestination(), reason));
        }
    }

    /** The conversation: a line out, a reply in, and again. */
    static final class Talker extends Protocol implements LineSource.Listener {

        private final Prompt prompt;
        private final PrintStream out;
        private final Utf8Text text = new Utf8Text();

        Talker(Prompt prompt, PrintStream out) {
            this.prompt = prompt;
            this.out = out;
        }

        @Override
        public void connectionMade() {
            prompt.ask(this);
        }

        @Override
        public void lineRead(String line) {
            if (!transport.isConnected()) {
                return;
            }
            if (line.isEmpty()) {
                transport.loseConnection();
                return;
            }
            transport.write(line.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void inputEnded() {
            transport.loseConnection();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            out.println(text.decode(data));
            prompt.ask(this);
        }
    }
}
