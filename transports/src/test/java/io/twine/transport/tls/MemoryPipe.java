package io.twine.transport.tls;

import io.twine.protocol.Protocol;
import io.twine.protocol.Reason;
import io.twine.testing.StringTransport;
import java.nio.ByteBuffer;

/**
 * Two protocols joined by two {@link StringTransport}s, as TCP would join them, with everything
 * stepped by {@link #pump()}: bytes one side wrote reach the other's current protocol (in pieces of
 * {@link #pieceSize} bytes, to cut records anywhere), queued loop work runs, and a side that
 * closed its transport delivers end of stream to the other.
 */
final class MemoryPipe {

    final ManualTlsLoop loop = new ManualTlsLoop();
    final StringTransport clientSide = new StringTransport();
    final StringTransport serverSide = new StringTransport(StringTransport.DEFAULT_PEER, StringTransport.DEFAULT_HOST);
    Protocol client;
    Protocol server;
    int pieceSize = Integer.MAX_VALUE;
    private boolean clientEnded;
    private boolean serverEnded;

    MemoryPipe connect(Protocol clientProtocol, Protocol serverProtocol) {
        this.client = clientProtocol;
        this.server = serverProtocol;
        serverSide.connect(serverProtocol);
        clientSide.connect(clientProtocol);
        return this;
    }

    /** Steps until nothing moves. */
    void pump() {
        boolean moved = true;
        while (moved) {
            moved = loop.runPending();
            moved |= move(clientSide, serverSide, true);
            moved |= move(serverSide, clientSide, false);
        }
    }

    private boolean move(StringTransport from, StringTransport toTransport, boolean towardsServer) {
        if (toTransport.isReadingPaused()) {
            return false;  // a paused transport reads nothing; the bytes wait, as in the kernel
        }
        boolean moved = false;
        byte[] bytes = from.value();
        from.clear();
        for (int offset = 0; offset < bytes.length; offset += pieceSize) {
            if (toTransport.closeReason() != null) {
                break;  // closed transports read nothing more
            }
            int length = Math.min(pieceSize, bytes.length - offset);
            toTransport.protocol().dataReceived(ByteBuffer.wrap(bytes, offset, length));
            moved = true;
            loop.runPending();
        }
        if (from.closeReason() != null && !ended(towardsServer)) {
            setEnded(towardsServer);
            from.finish(Reason.closedByUs());
            toTransport.finish(Reason.closedByPeer());
            moved = true;
        }
        return moved;
    }

    private boolean ended(boolean clientClosed) {
        return clientClosed ? clientEnded : serverEnded;
    }

    private void setEnded(boolean clientClosed) {
        if (clientClosed) {
            clientEnded = true;
        } else {
            serverEnded = true;
        }
    }
}
