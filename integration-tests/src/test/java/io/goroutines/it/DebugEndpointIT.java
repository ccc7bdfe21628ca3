package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.goroutines.it.apps.DiagnosticsApp;

/**
 * The HTTP debug endpoint (option {@code debug}): dumps in both forms, JSON, metrics, and the refusal
 * of an address other machines can reach unless {@code debugRemote} is given; and the dump printed
 * on a signal (option {@code dumpSignal}).
 */
class DebugEndpointIT
{
    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldServeDumpsJsonAndMetrics(final Java java)
    {
        final int port = freePort();
        try (ChildJvm.Running child = ChildJvm.of(java).agent("debug=127.0.0.1:" + port)
            .main(DiagnosticsApp.class, "serve").start())
        {
            child.awaitStdout(DiagnosticsApp.SERVING);
            final String base = "http://127.0.0.1:" + port;
            String dump = get(base + "/debug/goroutines?debug=2", 200);
            for (int i = 0; i < 200 && !dump.contains("[chan receive]"); i++)
            {
                dump = get(base + "/debug/goroutines?debug=2", 200); // goroutine 2 may not have parked yet
            }
            assertTrue(dump.contains("goroutine 1 [syscall]:\n"), dump);
            assertTrue(dump.contains("\n\ngoroutine 2 [chan receive]:\nio.goroutines.it.apps.DiagnosticsApp.waitOn(DiagnosticsApp.java:" +
                SourceLines.of(DiagnosticsApp.class, "line:waiterRecv") + ")\n"), dump);
            assertTrue(dump.contains("created by io.goroutines.it.apps.DiagnosticsApp.serve(DiagnosticsApp.java:" +
                SourceLines.of(DiagnosticsApp.class, "line:spawnServed") + ")\n"), dump);
            assertEquals(dump, get(base + "/debug/goroutines", 200), "debug=2 is the default");
            final String profile = get(base + "/debug/goroutines?debug=1", 200);
            assertTrue(profile.startsWith("goroutine profile: total 2\n"), profile);
            assertTrue(profile.contains("1 @ [chan receive]\n#\tio.goroutines.it.apps.DiagnosticsApp.waitOn(DiagnosticsApp.java:" +
                SourceLines.of(DiagnosticsApp.class, "line:waiterRecv") + ")\n"), profile);
            final String json = get(base + "/debug/goroutines.json", 200);
            assertTrue(json.startsWith("{\"total\":2,\"goroutines\":[{\"id\":1,\"status\":\"syscall\""), json);
            final String metrics = get(base + "/debug/metrics", 200);
            assertTrue(metrics.startsWith("{\"goroutines\":2,"), metrics);
            assertTrue(metrics.contains("\"goroutinesWaiting\":1,"), metrics);
            assertTrue(metrics.contains("\"goroutinesLeaked\":0,"), metrics);
            assertTrue(get(base + "/debug/goroutines?debug=7", 400).contains("accepted: debug=1, debug=2"));
            assertTrue(get(base + "/nothing", 404).contains("/debug/metrics"));
            child.writeLine("stop");
            final ChildJvm.Result result = child.await();
            assertEquals(0, result.exitCode(), result.describe());
            assertTrue(result.stderr().contains("goroutines: debug endpoint at http://127.0.0.1:" + port +
                "/debug/goroutines\n"), result.describe());
        }
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldRefuseAddressOtherMachinesReachUnlessDebugRemote(final Java java)
    {
        final ChildJvm.Result refused = ChildJvm.of(java).agent("debug=0.0.0.0:0").main(DiagnosticsApp.class, "timer")
            .run();
        assertEquals(2, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("bad value '0.0.0.0:0' for option 'debug': 0.0.0.0 is not a loopback" +
            " address"), refused.describe());
        assertEquals("", refused.stdout(), "main never ran: " + refused.describe());

        final ChildJvm.Result allowed = ChildJvm.of(java).agent("debug=0.0.0.0:0,debugRemote")
            .main(DiagnosticsApp.class, "timer").run();
        assertEquals(0, allowed.exitCode(), allowed.describe());
        assertTrue(allowed.stderr().startsWith("goroutines: debug endpoint at http://0.0.0.0:"), allowed.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldPrintEveryGoroutineOnTheDumpSignal(final Java java) throws Exception
    {
        try (ChildJvm.Running child = ChildJvm.of(java).agent("dumpSignal=USR2").main(DiagnosticsApp.class, "serve")
            .start())
        {
            child.awaitStdout(DiagnosticsApp.SERVING);
            final Process kill = new ProcessBuilder("kill", "-USR2", Long.toString(child.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -USR2");
            child.awaitStderr("goroutine 2 [");
            child.writeLine("stop");
            final ChildJvm.Result result = child.await();
            assertEquals(0, result.exitCode(), "the program carries on after the dump: " + result.describe());
            assertTrue(result.stderr().startsWith("goroutines: dump on SIGUSR2\n\ngoroutine 1 [syscall]:\n"),
                result.describe());
            assertTrue(result.stderr().contains("created by io.goroutines.it.apps.DiagnosticsApp.serve("),
                result.describe());
        }
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldRecordJfrEventsAndServeTheMBean(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "observe").run();

        assertEquals(0, result.exitCode(), result.describe());
        // 100 round trips: each side parks about once per trip; exactly one goroutine started and ended
        final Matcher m = Pattern.compile("jfr \\{io.goroutines.GoroutineEnd=1," +
            " io.goroutines.GoroutinePark=(\\d+), io.goroutines.GoroutineStart=1, io.goroutines.GoroutineUnpark=(\\d+)\\}")
            .matcher(result.stdout());
        assertTrue(m.find(), result.describe());
        assertTrue(Integer.parseInt(m.group(1)) >= 100 && Integer.parseInt(m.group(2)) >= 100, result.describe());
        assertTrue(result.stdout().contains("sum 5050\n"), result.describe());
        assertTrue(result.stdout().contains("mbean goroutines 1, parks>0 true, dump starts goroutine 1 [running]:"),
            result.describe());
    }

    private static int freePort()
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String get(final String url, final int expectedStatus)
    {
        try
        {
            final HttpURLConnection c = (HttpURLConnection)URI.create(url).toURL().openConnection();
            c.setConnectTimeout(10_000);
            c.setReadTimeout(10_000);
            assertEquals(expectedStatus, c.getResponseCode(), url);
            try (InputStream in = expectedStatus < 400 ? c.getInputStream() : c.getErrorStream())
            {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(url, ex);
        }
    }
}
