package io.twine.samples.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Python peers themselves: each of the seed's pairs, as kept in the test resources, talks to
 * itself and replies in the seed's layout. The interop tests rely on these programs.
 */
@Timeout(60)
class PythonPairsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{1} talks to {0}")
    @CsvSource({
        "tsTserv.py, tsTclnt.py, false",
        "tsUserv.py, tsUclnt.py, false",
        "tsTservSS.py, tsTclntSS.py, false",
        "tsTservTW.py, tsTclntTW.py, true",
    })
    void pairTalksToItselfInTheSeedsLayout(String serverScript, String clientScript, boolean twisted) throws Exception {
        String python;
        if (twisted) {
            PythonPeer.requireTwisted();
            python = PythonPeer.SYSTEM_PYTHON;
        } else {
            PythonPeer.requirePython();
            python = PythonPeer.PYTHON;
        }
        try (PythonPeer server = PythonPeer.start(python, serverScript, "127.0.0.1", "0")) {
            Matcher listening = server.out().awaitLine("listening on 127\\.0\\.0\\.1:(\\d+)", WAIT);
            try (PythonPeer client = PythonPeer.start(python, clientScript, "127.0.0.1", listening.group(1))) {
                client.input("Hello\nWorld\n\n");
                assertEquals(0, client.awaitExit(WAIT), client.err().text());
                String text = client.out().text().replace("> ", "\n").replace("...sending Hello...\n", "")
                        .replace("...sending World...\n", "");
                String[] replies = text.strip().split("\n+");
                assertEquals(2, replies.length, client.out().text());
                SeedReplies.assertReply("Hello", replies[0]);
                SeedReplies.assertReply("World", replies[1]);
            }
        }
    }
}
