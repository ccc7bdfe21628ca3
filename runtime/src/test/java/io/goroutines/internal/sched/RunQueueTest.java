package io.goroutines.internal.sched;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-P run queue: Go's runqput/runqget/runqsteal semantics one by one, then a randomized
 * stress with one owner and several thieves in which every goroutine must come out exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunQueueTest
{
    private static G g(final long id)
    {
        return new G(id, null);
    }

    @Test
    void shouldServeRingInFifoOrder()
    {
        final RunQueue q = new RunQueue();
        final GlobalQueue global = new GlobalQueue();
        final G a = g(1);
        final G b = g(2);
        final G c = g(3);
        q.put(a, false, global);
        q.put(b, false, global);
        q.put(c, false, global);
        assertEquals(3, q.size());
        assertSame(a, q.get());
        assertFalse(q.lastWasNext);
        assertSame(b, q.get());
        assertSame(c, q.get());
        assertNull(q.get());
        assertTrue(q.isEmpty());
    }

    @Test
    void shouldRunRunnextFirstAndKickThePreviousOneToTheTail()
    {
        final RunQueue q = new RunQueue();
        final GlobalQueue global = new GlobalQueue();
        final G ring = g(1);
        final G x = g(2);
        final G y = g(3);
        q.put(ring, false, global);
        q.put(x, true, global);
        q.put(y, true, global); // x goes to the tail of the ring
        assertSame(y, q.get());
        assertTrue(q.lastWasNext, "runnext inherits the time slice");
        assertSame(ring, q.get());
        assertFalse(q.lastWasNext);
        assertSame(x, q.get());
        assertNull(q.get());
    }

    @Test
    void shouldMoveHalfOfFullRingAndNewOneToGlobalQueue()
    {
        final RunQueue q = new RunQueue();
        final GlobalQueue global = new GlobalQueue();
        for (int i = 0; i < RunQueue.SIZE; i++)
        {
            q.put(g(i), false, global);
        }
        assertEquals(0, global.size());
        q.put(g(RunQueue.SIZE), false, global);
        assertEquals(RunQueue.SIZE / 2 + 1, global.size(), "half of the ring plus the new one");
        assertEquals(RunQueue.SIZE / 2, q.size());
        // the oldest half went to the global queue, in order, then the new one
        for (int i = 0; i < RunQueue.SIZE / 2; i++)
        {
            assertEquals(i, global.get().id);
        }
        assertEquals(RunQueue.SIZE, global.get().id);
        assertEquals(RunQueue.SIZE / 2, q.get().id);
    }

    @Test
    void shouldStealHalfAndRunnextOnlyWhenAsked()
    {
        final RunQueue victim = new RunQueue();
        final RunQueue thief = new RunQueue();
        final GlobalQueue global = new GlobalQueue();
        for (int i = 0; i < 10; i++)
        {
            victim.put(g(i), false, global);
        }
        final G run = thief.steal(victim, false, false);
        assertEquals(4, run.id, "the last of the stolen half runs now, as Go's runqsteal");
        assertEquals(4, thief.size(), "5 stolen: one to run, four queued");
        assertEquals(0, thief.get().id);
        assertEquals(5, victim.size());
        final G next = g(99);
        final RunQueue lone = new RunQueue();
        lone.put(next, true, global);
        assertNull(new RunQueue().steal(lone, false, false), "runnext is not stolen before the last pass");
        assertSame(next, new RunQueue().steal(lone, true, false));
        assertTrue(lone.isEmpty());
    }

    @Test
    void shouldStealRunnextOfRunningVictimThatDoesNotTakeItWithinGrace()
    {
        final RunQueue stalled = new RunQueue();
        final G next = g(7);
        stalled.put(next, true, new GlobalQueue());
        final long t0 = System.nanoTime();
        assertSame(next, new RunQueue().steal(stalled, true, true), "a victim that does not run its runnext loses it");
        assertTrue(System.nanoTime() - t0 >= RunQueue.RUNNEXT_GRACE_NS, "but only after the grace");
        assertTrue(stalled.isEmpty());
    }

    @Test
    void shouldTreatARunningVictimsRingOfOneAsItsRunnext()
    {
        final GlobalQueue global = new GlobalQueue();
        final RunQueue victim = new RunQueue();
        final G one = g(5);
        victim.put(one, false, global);
        assertNull(new RunQueue().steal(victim, false, true), "not before the last pass while its owner runs");
        assertSame(one, new RunQueue().steal(victim, false, false), "an idle victim's ring of one is taken at once");
        victim.put(one, false, global);
        final long t0 = System.nanoTime();
        assertSame(one, new RunQueue().steal(victim, true, true), "a running victim that does not take it loses it");
        assertTrue(System.nanoTime() - t0 >= RunQueue.RUNNEXT_GRACE_NS, "but only after the grace");
        victim.put(g(6), false, global);
        victim.put(g(7), false, global);
        assertEquals(6, new RunQueue().steal(victim, false, true).id, "a ring of two is halved on any pass, as in Go");
        assertEquals(1, victim.size());
    }

    private static void busy(final long ns)
    {
        final long end = System.nanoTime() + ns;
        while (System.nanoTime() - end < 0)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * A victim that keeps taking and refilling its runnext with the same goroutine (one of a
     * communicating pair, at every hand-off) is left alone: Go's check (is runnext still the same
     * goroutine after the grace?) would take it nearly every time and split the pair.
     */
    @Test
    void shouldLeaveRunnextOfVictimThatRefillsItDuringGrace() throws Exception
    {
        final RunQueue victim = new RunQueue();
        final GlobalQueue global = new GlobalQueue();
        final G pair = g(1);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean stolen = new AtomicBoolean();
        final AtomicLong cycles = new AtomicLong();
        final Thread owner = new Thread(() -> {
            victim.put(pair, true, global);
            while (!stop.get())
            {
                cycles.lazySet(cycles.get() + 1);
                busy(400); // runnext waits while the current goroutine runs
                if (null == victim.get())
                {
                    stolen.set(true); // the thief has it: wait for the test to give it back
                    while (stolen.get() && !stop.get())
                    {
                        Thread.onSpinWait();
                    }
                }
                victim.put(pair, true, global); // it ran, and readied the same one again
            }
        });
        owner.start();
        while (cycles.get() < 10_000)
        {
            Thread.onSpinWait(); // the owner is cycling
        }
        int taken = 0;
        final int attempts = 200;
        try
        {
            for (int i = 0; i < attempts; i++)
            {
                while (victim.isEmpty())
                {
                    Thread.onSpinWait(); // try while runnext is filled
                }
                final G g = new RunQueue().steal(victim, true, true);
                if (null != g)
                {
                    assertSame(pair, g);
                    taken++;
                    while (!stolen.get())
                    {
                        Thread.onSpinWait();
                    }
                    stolen.set(false);
                }
            }
        }
        finally
        {
            stop.set(true);
            owner.join();
        }
        assertTrue(taken < attempts / 2, "a refilled runnext was stolen " + taken + " times of " + attempts);
    }

    @Test
    void shouldGetBatchFromGlobalQueueFairly()
    {
        final GlobalQueue global = new GlobalQueue();
        final G[] batch = new G[20];
        for (int i = 0; i < batch.length; i++)
        {
            batch[i] = g(i);
        }
        global.putBatch(batch, batch.length);
        final RunQueue local = new RunQueue();
        final G first = global.getBatch(local, 2); // min(20, 20 / 2 + 1, 128) = 11
        assertEquals(0, first.id);
        assertEquals(10, local.size());
        assertEquals(9, global.size());
        for (int i = 1; i <= 10; i++)
        {
            assertEquals(i, local.get().id);
        }
    }

    /**
     * One owner puts (sometimes into runnext) and pops; thieves steal into their own queues (half,
     * and runnext on some passes) and pop those; overflow goes to a global queue. Every goroutine
     * must be taken exactly once.
     */
    @RepeatedTest(5)
    void shouldHandEachGoroutineOutExactlyOnceUnderHeavyStealing() throws Exception
    {
        final int n = 200_000;
        final int thieves = 3;
        final AtomicIntegerArray taken = new AtomicIntegerArray(n);
        final RunQueue owner = new RunQueue();
        final GlobalQueue global = new GlobalQueue();
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CyclicBarrier start = new CyclicBarrier(thieves + 1);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < thieves; t++)
        {
            final int seed = t;
            final Thread thief = new Thread(() ->
            {
                final RunQueue mine = new RunQueue();
                final SplittableRandom random = new SplittableRandom(seed);
                try
                {
                    start.await();
                    while (!done.get() || !owner.isEmpty())
                    {
                        final G g = mine.steal(owner, random.nextInt(4) == 0, random.nextBoolean());
                        if (null != g)
                        {
                            taken.incrementAndGet((int)g.id);
                            for (G h = mine.get(); null != h; h = mine.get())
                            {
                                taken.incrementAndGet((int)h.id);
                            }
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            threads.add(thief);
            thief.start();
        }
        final SplittableRandom random = new SplittableRandom(42);
        start.await();
        for (int i = 0; i < n; i++)
        {
            owner.put(g(i), random.nextInt(3) == 0, global);
            if (random.nextInt(4) == 0)
            {
                final G g = owner.get();
                if (null != g)
                {
                    taken.incrementAndGet((int)g.id);
                }
            }
        }
        done.set(true);
        for (G g = owner.get(); null != g; g = owner.get())
        {
            taken.incrementAndGet((int)g.id);
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        for (G g = global.get(); null != g; g = global.get())
        {
            taken.incrementAndGet((int)g.id);
        }
        assertNull(failure.get());
        final Set<Integer> wrong = new HashSet<>();
        for (int i = 0; i < n; i++)
        {
            if (1 != taken.get(i) && wrong.size() < 10)
            {
                wrong.add(i);
            }
        }
        assertTrue(wrong.isEmpty(), "taken other than once: " + wrong);
    }
}
