package io.twine.benchmarks.shootout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twine.benchmarks.echo.EchoKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The variants' bookkeeping without running anything: labels, ratios, CPU lists. */
class ShootoutVariantsTest {

    private static RunResult result(EchoKind server, Variant variant, double messagesPerSecond) {
        RunResult result = new RunResult(server, variant, Scenario.A);
        result.messagesPerSecond = messagesPerSecond;
        return result;
    }

    @Test
    void labelsAndTransportsNameTheVariant() {
        assertEquals("twine", new Variant(false, 1, false).label(EchoKind.TWINE));
        assertEquals("netty-nio unix x2", new Variant(true, 2, true).label(EchoKind.NETTY_NIO));
        assertEquals("tcp", new Variant(false, 1, false).transport());
        assertEquals("unix+tls", new Variant(true, 4, true).transport());
        assertThrows(IllegalArgumentException.class, () -> new Variant(false, 0, false));
    }

    @Test
    void ratiosCompareTheSameServerAcrossTransportsAndLoops() {
        Variant tcp = new Variant(false, 1, false);
        Variant unix = new Variant(true, 1, false);
        Variant tcpTwoLoops = new Variant(false, 2, false);
        Variant unixTwoLoops = new Variant(true, 2, false);
        RunResult twineTcp = result(EchoKind.TWINE, tcp, 100);
        RunResult twineUnix = result(EchoKind.TWINE, unix, 150);
        RunResult twineTcpTwo = result(EchoKind.TWINE, tcpTwoLoops, 180);
        RunResult twineUnixTwo = result(EchoKind.TWINE, unixTwoLoops, 300);
        RunResult nettyUnix = result(EchoKind.NETTY_NIO, unix, 50);
        RunResult cUnix = result(EchoKind.C_EPOLL, unix, 200);
        List<RunResult> all = List.of(twineTcp, twineUnix, twineTcpTwo, twineUnixTwo, nettyUnix, cUnix);

        assertEquals(1.5, Reports.ratioToTcp(twineUnix, all), 1e-9);
        assertEquals(300.0 / 180, Reports.ratioToTcp(twineUnixTwo, all), 1e-9);
        assertTrue(Double.isNaN(Reports.ratioToTcp(twineTcp, all)), "a TCP row has no unix/tcp ratio");
        assertEquals(1.8, Reports.ratioToOneLoop(twineTcpTwo, all), 1e-9);
        assertEquals(2.0, Reports.ratioToOneLoop(twineUnixTwo, all), 1e-9);
        assertTrue(Double.isNaN(Reports.ratioToOneLoop(twineUnix, all)), "one loop has no loops ratio");
        // Against Netty: the same transport and loops only; against C: the same transport, C's one loop.
        assertEquals(3.0, Reports.ratio(twineUnix, EchoKind.NETTY_NIO, all), 1e-9);
        assertTrue(Double.isNaN(Reports.ratio(twineTcp, EchoKind.NETTY_NIO, all)), "no Netty over TCP in this run");
        assertEquals(1.5, Reports.ratio(twineUnixTwo, EchoKind.C_EPOLL, all), 1e-9);
    }

    @Test
    void theMedianKeepsTheNegotiatedCipherInItsNote() {
        Variant tls = new Variant(false, 1, true);
        List<RunResult> runs = List.of(result(EchoKind.TWINE, tls, 300), result(EchoKind.TWINE, tls, 100),
                result(EchoKind.TWINE, tls, 200));
        for (RunResult run : runs) {
            run.note = "TLS: TLSv1.3 TLS_AES_128_GCM_SHA256";
        }
        RunResult median = Shootout.median(runs);
        assertEquals(200, median.messagesPerSecond, 1e-9);
        assertEquals("median of 3 runs; TLS: TLSv1.3 TLS_AES_128_GCM_SHA256", median.note);
    }

    @Test
    void cpuListsAreCountedAsTasksetReadsThem() {
        assertEquals(1, Shootout.cpuCount("3"));
        assertEquals(4, Shootout.cpuCount("0-3"));
        assertEquals(5, Shootout.cpuCount("0-3,6"));
        assertThrows(IllegalArgumentException.class, () -> Shootout.cpuCount("all"));
        assertThrows(IllegalArgumentException.class, () -> Shootout.cpuCount("3-1"));
    }
}
