package io.goroutines.internal.diag;

import io.goroutines.Chan;
import io.goroutines.internal.sched.Events;
import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.Sched;
import io.goroutines.internal.sched.TestSupport;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trace file: what the scheduler did, readable by the Trace Event Format's viewers. Without the
 * agent every park here pins, so the goroutines' slices end with {@code pinned}; the agent's unwinding
 * path (slices ending with the wait reason) is tested in a child JVM by DiagnosticsIT.
 */
@Timeout(120)
class TraceTest
{
    private static final int ROUND_TRIPS = 300;
    private static final int ENDERS = 50;

    @TempDir
    Path dir;

    @Test
    void shouldRecordEveryGoroutinesRunsWakeUpsAndStartsOnceEach() throws Exception
    {
        final Path file = dir.resolve("trace.json");
        final Trace trace = Trace.start(file);
        final CountDownLatch done = new CountDownLatch(2 + ENDERS);
        final Chan<Integer> ping = Chan.make();
        final Chan<Integer> pong = Chan.make();
        final G pinger = Sched.spawn(() ->
        {
            for (int i = 0; i < ROUND_TRIPS; i++)
            {
                ping.send(i);
                pong.recv();
            }
            done.countDown();
        });
        final G ponger = Sched.spawn(() ->
        {
            for (int i = 0; i < ROUND_TRIPS; i++)
            {
                pong.send(ping.recv());
            }
            done.countDown();
        });
        final List<G> all = new ArrayList<>(List.of(pinger, ponger));
        final Set<Long> enders = new HashSet<>();
        for (int i = 0; i < ENDERS; i++)
        {
            final G g = Sched.spawn(done::countDown);
            enders.add(g.id);
            all.add(g);
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "goroutines did not finish");
        // their last slice is recorded just before they are marked dead
        TestSupport.await(() -> all.stream().allMatch(g -> G.DEAD == g.state()), "the goroutines' ends");
        trace.stop();

        assertFalse(Events.on, "the gate stays open after the trace stopped");
        final List<JsonObject> events = read(file);
        final Map<Long, Integer> starts = new HashMap<>();
        final Map<Long, Integer> ends = new HashMap<>();
        final Map<Long, Integer> unparks = new HashMap<>();
        final Map<Long, List<JsonObject>> slicesByTrack = new HashMap<>();
        final Map<Long, String> trackNames = new HashMap<>();
        boolean counter = false;
        for (final JsonObject e : events)
        {
            final String ph = e.get("ph").getAsString();
            final String name = e.get("name").getAsString();
            switch (ph)
            {
                case "X" ->
                {
                    final long g = e.getAsJsonObject("args").get("goroutine").getAsLong();
                    assertEquals("G" + g, name);
                    slicesByTrack.computeIfAbsent(e.get("tid").getAsLong(), k -> new ArrayList<>()).add(e);
                    if ("end".equals(e.getAsJsonObject("args").get("then").getAsString()))
                    {
                        ends.merge(g, 1, Integer::sum);
                    }
                }
                case "i" ->
                {
                    if (name.startsWith("handoff P"))
                    {
                        assertEquals("handoff P" + e.getAsJsonObject("args").get("p").getAsLong(), name);
                        continue;
                    }
                    final long g = e.getAsJsonObject("args").get("goroutine").getAsLong();
                    if (name.startsWith("go G"))
                    {
                        assertEquals("go G" + g, name);
                        starts.merge(g, 1, Integer::sum);
                    }
                    else if (name.startsWith("unpark G"))
                    {
                        unparks.merge(g, 1, Integer::sum);
                    }
                }
                case "M" ->
                {
                    if ("thread_name".equals(name))
                    {
                        assertTrue(null == trackNames.put(e.get("tid").getAsLong(),
                            e.getAsJsonObject("args").get("name").getAsString()), "track named twice: " + e);
                    }
                }
                case "C" -> counter |= "goroutines".equals(name) && e.getAsJsonObject("args").has("live");
                default -> throw new AssertionError("unexpected event " + e);
            }
        }
        for (final long g : enders)
        {
            assertEquals(1, starts.getOrDefault(g, 0), "starts of G" + g);
            assertEquals(1, ends.getOrDefault(g, 0), "ends of G" + g);
        }
        for (final G g : List.of(pinger, ponger))
        {
            assertEquals(1, starts.getOrDefault(g.id, 0), "starts of " + g);
            assertEquals(1, ends.getOrDefault(g.id, 0), "ends of " + g);
            assertTrue(unparks.getOrDefault(g.id, 0) >= 1, "wake-ups of " + g + ": " + unparks.get(g.id));
        }
        // a round trip is two meetings; whoever comes first waits, unless the other is about to
        // arrive (then its wake-up is a permit, not an event): most meetings wake someone
        final int woken = unparks.getOrDefault(pinger.id, 0) + unparks.getOrDefault(ponger.id, 0);
        assertTrue(woken >= ROUND_TRIPS / 2, "wake-ups of the pair: " + woken);
        assertTrue(counter, "no goroutines counter");
        assertTrue(slicesByTrack.size() >= 1);
        for (final Map.Entry<Long, List<JsonObject>> track : slicesByTrack.entrySet())
        {
            assertTrue(trackNames.containsKey(track.getKey()), "track " + track.getKey() + " has no name");
            assertNoOverlap(track.getValue());
        }
    }

    @Test
    void shouldRunOneTraceAtATimeAndStopIdempotently() throws IOException
    {
        final Trace first = Trace.start(dir.resolve("a.json"));
        try
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> Trace.start(dir.resolve("b.json")));
            assertTrue(ex.getMessage().startsWith("a trace is already being recorded into "), ex.getMessage());
        }
        finally
        {
            first.stop();
        }
        assertEquals(first.stop(), first.stop());
        Trace.start(dir.resolve("c.json")).stop();
        assertTrue(read(dir.resolve("c.json")).size() >= 2, "process name and counter");
    }

    @Test
    void shouldSaySoAndRunUntracedWhenTheFileCannotBeWritten()
    {
        final Path file = dir.resolve("no-such-directory").resolve("trace.json");
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try
        {
            Trace.configure(file.toString());
        }
        finally
        {
            System.setErr(old);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("goroutines: trace=" + file +
            ": cannot write the trace, so nothing is traced: java.nio.file.NoSuchFileException"), err.toString());
        assertFalse(Events.on);
    }

    /** Slices of one P follow each other: a P runs one goroutine at a time. */
    private static void assertNoOverlap(final List<JsonObject> slices)
    {
        slices.sort(Comparator.comparingDouble(e -> e.get("ts").getAsDouble()));
        for (int i = 1; i < slices.size(); i++)
        {
            final JsonObject a = slices.get(i - 1);
            final double aEnd = a.get("ts").getAsDouble() + a.get("dur").getAsDouble();
            final double bStart = slices.get(i).get("ts").getAsDouble();
            assertTrue(aEnd <= bStart + 0.002, "overlapping slices on one track: " + a + " and " + slices.get(i));
        }
    }

    /** The whole file must be one JSON array of objects. */
    static List<JsonObject> read(final Path file) throws IOException
    {
        final JsonArray array = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
        final List<JsonObject> out = new ArrayList<>();
        for (final JsonElement e : array)
        {
            out.add(e.getAsJsonObject());
        }
        return out;
    }
}
