package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.goroutines.it.apps.TraceApp;

/**
 * Option {@code trace=FILE} in child JVMs with the agent: the file is one JSON array in the Trace Event
 * Format (what Perfetto and chrome://tracing open), finished at a normal exit and at Go's panic exit,
 * with a slice per stretch a goroutine ran on a P, ending with why it left.
 */
class TraceIT
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldRecordEachWayAGoroutineLeavesItsP(final Java java) throws IOException
    {
        final Path file = dir.resolve("trace.json");
        final ChildJvm.Result result = ChildJvm.of(java).agent("procs=2,trace=" + file)
            .main(TraceApp.class, "work").run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(TraceApp.DONE + System.lineSeparator(), result.stdout(), result.describe());
        assertEquals("", result.stderr(), result.describe());
        final Trace trace = Trace.read(file);
        for (final String why : List.of("chan send", "chan receive", "sleep", "syscall", "yield",
            "sync.WaitGroup.Wait", "end"))
        {
            assertTrue(trace.thens.contains(why), "no slice ends with " + why + ": " + trace.thens);
        }
        assertTrue(trace.thens.stream().noneMatch(w -> w.equals("pinned")), "nothing pins here: " + trace.thens);
        assertEquals(7, trace.starts.size(), "main and six goroutines start: " + trace.starts);
        for (final long g : trace.starts.keySet())
        {
            assertEquals(1, trace.starts.get(g), "starts of G" + g);
            assertEquals(1, trace.ends.getOrDefault(g, 0), "ends of G" + g);
        }
        // P0 and P1, and more when a starved carrier's P was replaced by a new one (see SchedulerIT)
        assertTrue(trace.pTracks().containsAll(Set.of("P0", "P1")), "goroutines run on both Ps: " + trace.pTracks());
        assertTrue(trace.yields >= TraceApp.YIELDS, "yields: " + trace.yields);
        trace.assertNoOverlapOnPs();
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldFinishTheTraceWhenAPanicEndsTheProgram(final Java java) throws IOException
    {
        final Path file = dir.resolve("panic.json");
        final ChildJvm.Result result = ChildJvm.of(java).agent("trace=" + file).main(TraceApp.class, "panic").run();

        assertEquals(2, result.exitCode(), result.describe());
        assertTrue(result.stderr().startsWith("panic: java.lang.IllegalStateException: traced failure\n"),
            result.describe());
        final Trace trace = Trace.read(file);
        assertTrue(trace.thens.contains("panic"), "the failed goroutine's last slice: " + trace.thens);
    }

    /** What a trace file says, parsed as a whole (so it must be complete JSON). */
    private static final class Trace
    {
        final Set<String> thens = new TreeSet<>();
        final Map<Long, Integer> starts = new HashMap<>();
        final Map<Long, Integer> ends = new HashMap<>();
        final Map<Long, String> trackNames = new HashMap<>();
        final Map<Long, List<JsonObject>> slices = new HashMap<>();
        int yields;

        static Trace read(final Path file) throws IOException
        {
            final JsonArray events = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
            final Trace t = new Trace();
            for (final JsonElement element : events)
            {
                final JsonObject e = element.getAsJsonObject();
                final String name = e.get("name").getAsString();
                switch (e.get("ph").getAsString())
                {
                    case "X" ->
                    {
                        final String then = e.getAsJsonObject("args").get("then").getAsString();
                        final long g = e.getAsJsonObject("args").get("goroutine").getAsLong();
                        t.thens.add(then);
                        t.slices.computeIfAbsent(e.get("tid").getAsLong(), k -> new ArrayList<>()).add(e);
                        if ("end".equals(then) || "panic".equals(then))
                        {
                            t.ends.merge(g, 1, Integer::sum);
                        }
                        t.yields += "yield".equals(then) ? 1 : 0;
                    }
                    case "i" ->
                    {
                        if (name.startsWith("go G"))
                        {
                            t.starts.merge(e.getAsJsonObject("args").get("goroutine").getAsLong(), 1, Integer::sum);
                        }
                    }
                    case "M" ->
                    {
                        if ("thread_name".equals(name))
                        {
                            t.trackNames.put(e.get("tid").getAsLong(), e.getAsJsonObject("args").get("name").getAsString());
                        }
                    }
                    case "C" -> assertEquals("goroutines", name);
                    default -> throw new AssertionError("unexpected event " + e);
                }
            }
            return t;
        }

        /** Names of the P tracks that have slices. */
        Set<String> pTracks()
        {
            final Set<String> names = new TreeSet<>();
            for (final long track : slices.keySet())
            {
                final String name = trackNames.get(track);
                if (null != name && name.matches("P\\d+"))
                {
                    names.add(name);
                }
            }
            return names;
        }

        /** A P runs one goroutine at a time. */
        void assertNoOverlapOnPs()
        {
            for (final Map.Entry<Long, List<JsonObject>> track : slices.entrySet())
            {
                final List<JsonObject> list = track.getValue();
                list.sort(Comparator.comparingDouble(e -> e.get("ts").getAsDouble()));
                for (int i = 1; i < list.size(); i++)
                {
                    final JsonObject a = list.get(i - 1);
                    final double end = a.get("ts").getAsDouble() + a.get("dur").getAsDouble();
                    assertTrue(end <= list.get(i).get("ts").getAsDouble() + 0.002,
                        "overlapping slices on " + trackNames.get(track.getKey()) + ": " + a + " and " + list.get(i));
                }
            }
        }
    }
}
