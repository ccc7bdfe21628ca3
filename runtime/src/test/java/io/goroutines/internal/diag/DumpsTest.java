package io.goroutines.internal.diag;

import io.goroutines.internal.sched.Goroutines.Info;
import io.goroutines.internal.sched.NoPanics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Goroutine dumps: the three formats on fixed data (live dumps: GoTest, DiagnosticsIT). */
@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DumpsTest
{
    private static final long MINUTE_NS = 60_000_000_000L;

    private static final Info RUNNING = new Info(1, "running", 0, List.of("a.Main.main(Main.java:3)"), null, 0);
    private static final Info RECV = new Info(7, "chan receive", 3 * MINUTE_NS + 5, List.of(
        "io.goroutines.Chan.recv(Chan.java:311)", "a.Worker.run(Worker.java:42)"), "a.Main.main(Main.java:17)", 1);

    @Test
    void shouldPrintGoDebug2BlocksWithMinutesAndCreator()
    {
        assertEquals("goroutine 1 [running]:\n" +
            "a.Main.main(Main.java:3)\n" +
            "\n" +
            "goroutine 7 [chan receive, 3 minutes]:\n" +
            "io.goroutines.Chan.recv(Chan.java:311)\n" +
            "a.Worker.run(Worker.java:42)\n" +
            "created by a.Main.main(Main.java:17)\n", Dumps.text(List.of(RUNNING, RECV)));
    }

    @Test
    void shouldShowMinutesOnlyAfterOneMinuteAsGoDoes()
    {
        assertEquals("sleep", new Info(2, "sleep", MINUTE_NS - 1, List.of(), null, 0).bracket());
        assertEquals("sleep, 1 minutes", new Info(2, "sleep", MINUTE_NS, List.of(), null, 0).bracket());
        assertEquals("select, 61 minutes", new Info(2, "select", 61 * MINUTE_NS, List.of(), null, 0).bracket());
    }

    @Test
    void shouldGroupIdenticalStacksWithCountsInDebug1()
    {
        final Info recv8 = new Info(8, "chan receive", 0, RECV.frames(), RECV.createdBy(), 1);
        final Info other = new Info(9, "chan receive", 0, List.of("a.Other.run(Other.java:5)"), null, 1);
        assertEquals("goroutine profile: total 4\n" +
            "2 @ [chan receive]\n" +
            "#\tio.goroutines.Chan.recv(Chan.java:311)\n" +
            "#\ta.Worker.run(Worker.java:42)\n" +
            "#\tcreated by a.Main.main(Main.java:17)\n" +
            "\n" +
            "1 @ [running]\n" +
            "#\ta.Main.main(Main.java:3)\n" +
            "\n" +
            "1 @ [chan receive]\n" +
            "#\ta.Other.run(Other.java:5)\n" +
            "\n", Dumps.profile(List.of(RUNNING, RECV, other, recv8)));
    }

    @Test
    void shouldWriteJsonWithEscapes()
    {
        final Info odd = new Info(3, "select", 0, List.of("a.\"Q\"\\x(\tX.java:1)\n"), null, 0);
        assertEquals("{\"total\":2,\"goroutines\":[" +
            "{\"id\":7,\"status\":\"chan receive\",\"waitSeconds\":180,\"frames\":[" +
            "\"io.goroutines.Chan.recv(Chan.java:311)\",\"a.Worker.run(Worker.java:42)\"]," +
            "\"createdBy\":\"a.Main.main(Main.java:17)\",\"parent\":1}," +
            "{\"id\":3,\"status\":\"select\",\"waitSeconds\":0,\"frames\":[\"a.\\\"Q\\\"\\\\x(\\tX.java:1)\\n\"]," +
            "\"createdBy\":null,\"parent\":0}]}", Dumps.json(List.of(RECV, odd)));
        final StringBuilder sb = new StringBuilder();
        Dumps.quote(sb, "\u0001");
        assertEquals("\"\\u0001\"", sb.toString());
    }
}
