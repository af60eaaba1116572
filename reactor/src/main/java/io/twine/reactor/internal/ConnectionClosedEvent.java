package io.twine.reactor.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** Flight Recorder event: a connection closed, with why and how many bytes it carried. */
@Name("io.twine.ConnectionClosed")
@Label("Connection Closed")
@Category({"twine", "Connections"})
@Description("A twine connection closed")
@StackTrace(false)
public final class ConnectionClosedEvent extends Event {

    @Label("Protocol Class")
    public String protocolClass;

    @Label("Connection")
    public String connection;

    @Label("Reason")
    @Description("The Reason.Kind: CLOSED_BY_US, CLOSED_BY_PEER, RESET, LOST, ABORTED, TIMED_OUT, LIMIT_EXCEEDED or ERROR")
    public String reason;

    @Label("Message")
    public String message;

    @Label("Bytes In")
    @DataAmount
    public long bytesIn;

    @Label("Bytes Out")
    @DataAmount
    public long bytesOut;
}
