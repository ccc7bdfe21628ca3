package io.goroutines.internal.sched;

import io.goroutines.internal.diag.Leaks;
import io.goroutines.internal.stack.Frames;
import io.goroutines.internal.stack.MethodRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry of goroutines: concurrent registration, sweeping of ended ones, weak references. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AllGsTest
{
    @Test
    void shouldListEveryRegisteredGoroutineUntilItEndsThenSweepIt() throws InterruptedException
    {
        final AllGs allgs = new AllGs();
        final int threads = 4;
        final int each = 5_000;
        final List<List<G>> made = new ArrayList<>();
        final List<Thread> workers = new ArrayList<>();
        final AtomicInteger ids = new AtomicInteger(100);
        for (int t = 0; t < threads; t++)
        {
            final List<G> mine = new ArrayList<>();
            made.add(mine);
            final Thread w = new Thread(() ->
            {
                for (int i = 0; i < each; i++)
                {
                    final G g = new G(ids.getAndIncrement(), null);
                    g.createdBy = "a.Main.main(Main.java:1)";
                    g.record = allgs.register(g);
                    mine.add(g);
                }
            });
            workers.add(w);
            w.start();
        }
        for (final Thread w : workers)
        {
            w.join();
        }
        final List<G> all = allgs.snapshot();
        assertEquals(threads * each, all.size(), "nothing lost under concurrent registration");
        for (int i = 1; i < all.size(); i++)
        {
            assertTrue(all.get(i - 1).id < all.get(i).id, "by id, each once");
        }
        // end every other goroutine: its record is cleared, and a sweep unlinks it
        int ended = 0;
        for (final List<G> mine : made)
        {
            for (int i = 0; i < mine.size(); i += 2)
            {
                mine.get(i).record.clear();
                ended++;
            }
        }
        assertEquals(threads * each, allgs.linked(), "ended ones stay linked until a sweep");
        assertTrue(allgs.sweepDue(0), "20,000 starts since the last sweep");
        allgs.sweep();
        assertFalse(allgs.sweepDue(0));
        assertEquals(threads * each - ended, allgs.linked());
        assertEquals(threads * each - ended, allgs.snapshot().size());
        assertNull(allgs.pollLeaked(), "cleared records are never queued as leaks");
        final G g = made.get(0).get(1);
        assertSame(g, g.record.get());
        assertEquals("a.Main.main(Main.java:1)", g.record.createdBy);
    }

    @Test
    void shouldNotListDeadGoroutines()
    {
        final AllGs allgs = new AllGs();
        final G g = new G(5, null);
        g.record = allgs.register(g);
        assertEquals(List.of(g), allgs.snapshot());
        assertTrue(g.casState(G.RUNNABLE, G.RUNNING) && g.casState(G.RUNNING, G.DEAD));
        assertEquals(List.of(), allgs.snapshot(), "dead, though not yet cleared");
    }

    @Test
    void shouldReportLeakWithReasonUserWaitSiteAndCreator()
    {
        final int chanRecv = MethodRegistry.register("io/goroutines/Chan", "recv", "()Ljava/lang/Object;", "Chan.java",
            new int[] {311});
        final int run = MethodRegistry.register("a/Leaky", "run", "()V", "Leaky.java", new int[] {40, 12});
        final Frames frames = new Frames();
        frames.push(chanRecv, 0, 0, 0); // the innermost frame is saved first
        frames.push(run, 1, 0, 0);
        final G leaky = new G(12, null);
        leaky.createdBy = "a.Leaky.main(Leaky.java:10)";
        final GRecord r = new GRecord(leaky, null);
        r.parked("chan receive", 0, frames, false);
        assertEquals("goroutines: goroutine 12 leaked [chan receive]: nothing else can reach what it waits on, so it" +
            " can never wake (it was collected)\n" +
            "    waiting at a.Leaky.run(Leaky.java:12)\n" +
            "    created by a.Leaky.main(Leaky.java:10)\n", Leaks.format(r));
        assertTrue(MethodRegistry.isRuntime(chanRecv));
        assertFalse(MethodRegistry.isRuntime(run));
    }
}
