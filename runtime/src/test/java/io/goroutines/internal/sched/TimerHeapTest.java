package io.goroutines.internal.sched;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timer heap against a model (a plain list of the pending timers) over random histories of
 * adds, cancels and runs: every run fires exactly the timers due, in deadline order, a cancel
 * answers true exactly for a pending timer, and the earliest deadline and the size always match.
 * Deadlines come from a small range, so that many are equal, and some lie past the clock's wrap.
 */
class TimerHeapTest
{
    @Test
    void shouldMatchModelOverRandomHistories()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            final long base = seed % 2 == 0 ? 0L : Long.MAX_VALUE - 2_000L; // odd seeds: the clock wraps
            try
            {
                runHistory(new SplittableRandom(seed), base);
            }
            catch (final AssertionError e)
            {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void shouldMoveEveryTimerToAnotherHeap()
    {
        final TimerHeap from = new TimerHeap();
        final TimerHeap to = new TimerHeap();
        final List<Long> fired = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(3);
        final List<Long> deadlines = new ArrayList<>();
        for (int i = 0; i < 500; i++)
        {
            final long when = 100 + random.nextInt(1_000);
            deadlines.add(when);
            (i % 2 == 0 ? from : to).add(new Timers.Timer(when, null, () -> fired.add(when)));
        }
        from.moveTo(to);
        assertEquals(0, from.size());
        assertEquals(TimerHeap.NONE, from.nextWhen());
        assertEquals(500, to.size());
        deadlines.sort(Comparator.naturalOrder());
        assertEquals(deadlines.get(0), to.nextWhen());
        assertEquals(500, to.runDue(10_000));
        assertEquals(deadlines, fired);
    }

    private static void runHistory(final SplittableRandom random, final long base)
    {
        final TimerHeap heap = new TimerHeap();
        final List<Timers.Timer> pending = new ArrayList<>();
        final List<Timers.Timer> all = new ArrayList<>();
        final List<Timers.Timer> fired = new ArrayList<>();
        long now = base;
        final int ops = 50 + random.nextInt(2_000);
        for (int op = 0; op < ops; op++)
        {
            final int kind = random.nextInt(10);
            if (kind < 5)
            {
                long when = now + 1 + random.nextInt(200);
                if (TimerHeap.NONE == when)
                {
                    when++; // that one value means "no timer" (nanoTime reaching it exactly is not a case)
                }
                final long deadline = when;
                final Timers.Timer[] self = new Timers.Timer[1];
                final Timers.Timer t = new Timers.Timer(deadline, null, () -> fired.add(self[0]));
                self[0] = t;
                final boolean earliest = heap.add(t);
                final boolean expected = pending.stream().allMatch(p -> deadline - p.deadlineNs < 0);
                assertEquals(expected, earliest, "add answers whether it is now the earliest");
                pending.add(t);
                all.add(t);
            }
            else if (kind < 8 && !all.isEmpty())
            {
                final Timers.Timer t = all.get(random.nextInt(all.size()));
                assertEquals(pending.remove(t), heap.remove(t), "cancel answers whether it was pending");
            }
            else
            {
                now += random.nextInt(60);
                final long at = now;
                final Set<Timers.Timer> due = new HashSet<>();
                for (final Timers.Timer p : pending)
                {
                    if (p.deadlineNs - at <= 0)
                    {
                        due.add(p);
                    }
                }
                fired.clear();
                assertEquals(due.size(), heap.runDue(at), "fired count");
                assertEquals(due, new HashSet<>(fired), "fired exactly the due timers");
                for (int i = 1; i < fired.size(); i++)
                {
                    assertTrue(fired.get(i).deadlineNs - fired.get(i - 1).deadlineNs >= 0, "deadline order");
                }
                pending.removeAll(due);
            }
            assertEquals(pending.size(), heap.size(), "size");
            long min = TimerHeap.NONE;
            for (final Timers.Timer p : pending)
            {
                if (TimerHeap.NONE == min || p.deadlineNs - min < 0)
                {
                    min = p.deadlineNs;
                }
            }
            assertEquals(min, heap.nextWhen(), "earliest deadline");
        }
    }
}
