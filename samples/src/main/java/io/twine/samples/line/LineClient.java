package io.twine.samples.line;

import io.twine.protocol.ClientFactory;
import io.twine.protocol.Connector;
import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.reactor.EventLoop;
import io.twine.samples.support.Addresses;
import io.twine.samples.support.ExitStatus;
import io.twine.samples.support.LineSource;
import io.twine.samples.support.Prompt;
import io.twine.samples.support.SampleArgs;
import io.twine.samples.support.SampleTls;
import io.twine.samples.support.StreamSockets;
import io.twine.samples.support.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * {@code line-client}: the seed's {@code tsTclntSS.py}, which opens a new connection for every
 * line. It prompts {@code > }, connects, sends the line with {@code \r\n}, prints the reply with
 * the whitespace around it stripped (Python's {@code data.strip()}), closes, and prompts again.
 * An empty line or the end of input ends it; so does a server that closes without answering, as
 * the seed's {@code if not data: break} does.
 *
 * <p>The seed reads the reply with one {@code recv(1024)}; this client reads it up to its first
 * {@code \n}, or until the server closes the connection (the seed's servers close right after
 * answering), so a reply that arrives in several pieces is still printed whole. Like the Python
 * peer, it connects after reading the line, not before: the seed's listing leaves one connection
 * open and unused when the user ends.
 *
 * <p>It talks to {@code line-server}, {@code threaded-line-server} and the seed's
 * {@code tsTservSS.py}; also to {@code tcp-server}, which answers and stays open.
 */
public final class LineClient {

    /** The longest reply read, in bytes: a line of {@link LineServer#MAX_LINE_LENGTH} and its stamp. */
    public static final int MAX_REPLY_LENGTH = LineServer.MAX_LINE_LENGTH + 256;

    private LineClient() {}

    /**
     * Converses with {@code server}, a connection per line. A
     * {@link io.twine.samples.support.ClientStarter}. Loop-only.
     */
    public static CompletableFuture<ExitStatus> start(EventLoop reactor, SocketAddress server, LineSource input,
            PrintStream out, SampleArgs args) throws UsageException {
        CompletableFuture<ExitStatus> outcome = new CompletableFuture<>();
        new Conversation(reactor, server, SampleTls.clientLayer(reactor, args), new Prompt(input, out), out, outcome)
                .askForLine();
        return outcome;
    }

    /**
     * The seed's {@code while True} loop: a line, a connection that carries it and its reply, and
     * again once that connection has closed.
     *
     * <p>Thread: loop only.
     */
    static final class Conversation implements LineSource.Listener {

        private final EventLoop reactor;
        private final SocketAddress server;
        private final UnaryOperator<ClientFactory> layer;
        private final Prompt prompt;
        private final PrintStream out;
        private final CompletableFuture<ExitStatus> outcome;

        Conversation(EventLoop reactor, SocketAddress server, UnaryOperator<ClientFactory> layer, Prompt prompt,
                PrintStream out, CompletableFuture<ExitStatus> outcome) {
            this.reactor = reactor;
            this.server = server;
            this.layer = layer;
            this.prompt = prompt;
            this.out = out;
            this.outcome = outcome;
        }

        void askForLine() {
            prompt.ask(this);
        }

        @Override
        public void lineRead(String line) {
            if (line.isEmpty()) {
                finish(ExitStatus.ok());
                return;
            }
            StreamSockets.connect(reactor, server, layer.apply(new Exchange(this, line)));
        }

        @Override
        public void inputEnded() {
            finish(ExitStatus.ok());
        }

        /** One connection's reply, the whole of it. */
        void replyReceived(String reply) {
            out.println(reply.strip());
        }

        /** The connection for one line has closed: ask for the next line, or end. */
        void exchangeEnded(Connector connector, Reason reason, boolean answered) {
            if (answered) {
                askForLine();
            } else if (reason.kind() == Reason.Kind.CLOSED_BY_PEER) {
                finish(ExitStatus.ok("the server at " + Addresses.hostPort(connector.getDestination())
                        + " closed the connection without answering"));
            } else {
                finish(ExitStatus.connectionEnded(connector.getDestination(), reason));
            }
        }

        void connectFailed(Connector connector, Reason reason) {
            finish(ExitStatus.connectFailed(connector.getDestination(), reason));
        }

        private void finish(ExitStatus status) {
            prompt.close();
            outcome.complete(status);
        }
    }

    /**
     * One line's connection: sends the line and reads the reply.
     *
     * <p>Thread: loop only.
     */
    static final class Exchange extends ClientFactory {

        private final Conversation conversation;
        private final String line;
        private boolean answered;

        Exchange(Conversation conversation, String line) {
            this.conversation = conversation;
            this.line = line;
        }

        @Override
        public Protocol buildProtocol(SocketAddress peer) {
            return new ReplyReader(this);
        }

        void replyReceived(String reply) {
            answered = true;
            conversation.replyReceived(reply);
        }

        @Override
        public void clientConnectionFailed(Connector connector, Reason reason) {
            conversation.connectFailed(connector, reason);
        }

        @Override
        public void clientConnectionLost(Connector connector, Reason reason) {
            conversation.exchangeEnded(connector, reason, answered);
        }
    }

    /** Sends the line, then collects the reply up to its {@code \n} or the server's close. */
    static final class ReplyReader extends Protocol {

        private final Exchange exchange;
        private final ByteArrayOutputStream reply = new ByteArrayOutputStream();
        private boolean done;

        ReplyReader(Exchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public void connectionMade() {
            transport.write((exchange.line + "\r\n").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining() && !done) {
                byte b = data.get();
                reply.write(b);
                if (b == '\n') {
                    deliver();
                    transport.loseConnection();
                } else if (reply.size() == MAX_REPLY_LENGTH) {
                    done = true;
                    transport.loseConnection(Reason.limitExceeded("a reply longer than " + MAX_REPLY_LENGTH
                            + " bytes without a line end"));
                }
            }
        }

        @Override
        public void connectionLost(Reason reason) {
            // The server closed cleanly before a \n: what it sent is the reply, as recv returns it.
            if (!done && reply.size() > 0 && reason.kind() == Reason.Kind.CLOSED_BY_PEER) {
                deliver();
            }
        }

        private void deliver() {
            done = true;
            exchange.replyReceived(reply.toString(StandardCharsets.UTF_8));
        }
    }
}
