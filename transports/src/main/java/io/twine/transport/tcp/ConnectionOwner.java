package io.twine.transport.tcp;

import io.twine.protocol.Reason;

/** Who made a connection and wants to know when it ends: its listener or its connector. */
interface ConnectionOwner {

    /** {@code connection} has closed and its protocol's {@code connectionLost} has run. Loop only. */
    void connectionClosed(TcpConnection connection, Reason reason);
}
