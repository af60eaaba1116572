package io.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.twine.protocol.Factory;
import io.twine.protocol.basic.LineReceiver;
import io.twine.testing.sim.FaultProfile;
import io.twine.testing.sim.Simulations;
import io.twine.transport.endpoints.Endpoints;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class ShoutTest {
    static class Shout extends LineReceiver {  // the protocol under test
        @Override public void lineReceived(String line) { sendLine(line.toUpperCase()); }
    }

    static class Caller extends LineReceiver {
        final ArrayList<String> heard = new ArrayList<>();
        @Override public void connectionMade() { for (int i = 0; i < 50; i++) sendLine("hi " + i); }
        @Override public void lineReceived(String line) {
            heard.add(line);
            if (heard.size() == 50) transport.loseConnection();
        }
    }

    @Test
    void shoutsBackEveryLineInOrder() {
        Simulations.run(20, FaultProfile.HOSTILE.withoutFailures(), sim -> {
            Endpoints.server(sim.host("server"), "tcp:7000", Factory.forProtocol(Shout::new));
            Caller caller = new Caller();
            Endpoints.client(sim.host("client"), "tcp:host=server:port=7000", Factory.forProtocol(() -> caller));
            sim.runUntilIdle(Duration.ofHours(1));
            for (int i = 0; i < 50; i++) assertEquals("HI " + i, caller.heard.get(i));
            sim.finish();  // and every connection got connectionLost exactly once
        });
    }
}
