package io.goroutines.internal.sched;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.goroutines.internal.sched.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimersTest
{
    @Test
    void shouldFireInDeadlineOrderAndNeverCancelled()
    {
        final int before = Timers.pending();
        final ConcurrentLinkedQueue<Integer> fired = new ConcurrentLinkedQueue<>();
        final List<Timers.Timer> timers = new ArrayList<>();
        final int n = 200;
        final List<Integer> order = new ArrayList<>();
        final List<Runnable> actions = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final int k = i;
            order.add(i);
            actions.add(() -> fired.add(k)); // linked before the clock starts: cold, that takes milliseconds
            timers.add(null);
        }
        java.util.Collections.shuffle(order, new java.util.Random(7));
        // far enough ahead that every timer is still pending when the cancels below run, on a cold JVM too
        final long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        for (final int k : order)
        {
            timers.set(k, Timers.schedule(base + k * 10_000L, actions.get(k)));
        }
        int cancelled = 0;
        for (int k = 0; k < n; k += 3)
        {
            assertTrue(Timers.cancel(timers.get(k)));
            assertFalse(Timers.cancel(timers.get(k)), "cancel twice");
            cancelled++;
        }
        final int expected = n - cancelled;
        await(() -> expected == fired.size(), "the timers to fire");
        int last = -1;
        for (final int k : fired)
        {
            assertTrue(k > last, "fired in deadline order");
            assertTrue(0 != k % 3, "a cancelled timer fired");
            last = k;
        }
        assertFalse(Timers.cancel(timers.get(1)), "cancel after firing");
        await(() -> Timers.pending() <= before, "the heap to empty");
    }

    @Test
    void shouldKeepHeapConsistentUnderRandomCancels()
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final List<Timers.Timer> timers = new ArrayList<>();
        final long far = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        final int before = Timers.pending();
        for (int i = 0; i < 1_000; i++)
        {
            timers.add(Timers.schedule(far + random.nextLong(1_000_000), () -> { }));
        }
        java.util.Collections.shuffle(timers);
        for (final Timers.Timer t : timers)
        {
            assertTrue(Timers.cancel(t));
        }
        assertEquals(before, Timers.pending());
    }
}
