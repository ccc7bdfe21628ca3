package io.goroutines.internal.sched;

import io.goroutines.Go;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.goroutines.internal.sched.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SchedTest
{

    @BeforeAll
    static void setUp()
    {
        TestSupport.recordPanics();
    }

    @AfterEach
    void noPanics()
    {
        assertEquals(0, Resumable.overlaps.get(), "a goroutine ran on two carriers at once");
        TestSupport.assertNoPanics();
    }

    @Test
    void shouldGrowAndShrinkTheSetOfPsWhileGoroutinesRun()
    {
        final int before = Sched.maxProcs(0);
        final int live = Go.numGoroutine();
        try
        {
            for (final int n : new int[] {3, 1, 4, 2})
            {
                Sched.maxProcs(n);
                assertEquals(n, Sched.maxProcs(0));
                // idle Ps go at once; a P whose carrier is busy goes at that carrier's next schedule
                try
                {
                    await(() -> n == Sched.get().ps().length, n + " live Ps");
                }
                catch (final AssertionError ex)
                {
                    // a retired P goes when its carrier next schedules: say what the carriers run
                    final StringBuilder sb = new StringBuilder(ex.getMessage()).append(":");
                    for (final P p : Sched.get().ps())
                    {
                        sb.append("\n  ").append(p.describe());
                    }
                    for (final Carrier c : Sched.get().carriers)
                    {
                        sb.append("\n  carrier ").append(c.getName()).append(' ').append(c.getState()).append(" p ")
                            .append(c.p).append(" spinning ").append(c.spinning).append(" at ")
                            .append(java.util.Arrays.toString(java.util.Arrays.copyOf(c.getStackTrace(),
                                Math.min(8, c.getStackTrace().length))));
                    }
                    throw new AssertionError(sb.append('\n').append(io.goroutines.Go.stack(true)).toString(), ex);
                }
                final int rounds = 200;
                final AtomicInteger ran = new AtomicInteger();
                for (int i = 0; i < rounds; i++)
                {
                    Sched.spawn(ran::incrementAndGet);
                }
                await(() -> rounds == ran.get() && Go.numGoroutine() <= live, "every goroutine to run on " + n + " Ps and end");
                for (final P p : Sched.get().ps())
                {
                    assertTrue(P.DEAD != p.status(), "a destroyed P is not live: " + p);
                }
            }
        }
        finally
        {
            Sched.maxProcs(before);
        }
    }

    /**
     * Timers survive the destruction of their P: goroutines keep adding short timers while the set
     * of Ps grows and shrinks under them (idle Ps go at once, busy ones when their carrier next
     * schedules), and every timer fires exactly once. A P's timers once moved, outside the
     * scheduler's lock, to a P that was itself being destroyed, and stayed there forever.
     */
    @Test
    void shouldFireEveryTimerWhileItsPIsDestroyed() throws InterruptedException
    {
        final int before = Sched.maxProcs(0);
        final int live = Go.numGoroutine();
        final int goroutines = 8;
        final int perGoroutine = 400;
        final AtomicInteger fired = new AtomicInteger();
        final AtomicInteger twice = new AtomicInteger();
        final AtomicInteger added = new AtomicInteger();
        try
        {
            for (int i = 0; i < goroutines; i++)
            {
                Sched.spawn(() ->
                {
                    for (int k = 0; k < perGoroutine; k++)
                    {
                        final AtomicInteger once = new AtomicInteger();
                        Timers.schedule(System.nanoTime() + ThreadLocalRandom.current().nextLong(2_000_000), () ->
                        {
                            if (1 == once.incrementAndGet())
                            {
                                fired.incrementAndGet();
                            }
                            else
                            {
                                twice.incrementAndGet();
                            }
                        });
                        added.incrementAndGet();
                        final long spinUntil = System.nanoTime() + 20_000; // stay on the P a little
                        while (System.nanoTime() - spinUntil < 0)
                        {
                            Thread.onSpinWait();
                        }
                    }
                });
            }
            // goroutines that spin past two slices in code with no preemption point: the monitor
            // replaces their Ps, which are destroyed when their carriers come back (the first P too)
            final AtomicInteger runawaysDone = new AtomicInteger();
            final int runaways = 8;
            for (int i = 0; i < runaways; i++)
            {
                Sched.spawn(() ->
                {
                    final long spinUntil = System.nanoTime() + 3 * Sched.DEFAULT_PREEMPT_NS;
                    while (System.nanoTime() - spinUntil < 0)
                    {
                        Thread.onSpinWait();
                    }
                    runawaysDone.incrementAndGet();
                });
            }
            final int total = goroutines * perGoroutine;
            int flips = 0;
            while (added.get() < total)
            {
                Sched.maxProcs(1 + flips++ % 4);
                LockSupport.parkNanos(200_000); // pace the resizes
            }
            Sched.maxProcs(before);
            await(() -> total == fired.get() && runaways == runawaysDone.get(),
                "all " + total + " timers to fire (" + flips + " resizes, " + fired.get() + " fired)");
            assertEquals(0, twice.get(), "a timer fired twice");
            // a P is marked DEAD, loses its timers, then leaves the set: the set settles without one
            await(() -> java.util.Arrays.stream(Sched.get().ps()).noneMatch(p -> P.DEAD == p.status()),
                "no destroyed P in the set of Ps");
            await(() -> Go.numGoroutine() <= live, "every goroutine of the test to end");
        }
        finally
        {
            Sched.maxProcs(before);
        }
    }

    @Test
    void shouldRunEveryGoroutineExactlyOnce() throws InterruptedException
    {
        final int n = 20_000;
        final AtomicIntegerArray runs = new AtomicIntegerArray(n);
        final CountDownLatch done = new CountDownLatch(n);
        final Set<Long> ids = ConcurrentHashMap.newKeySet();
        // half are spawned by this plain thread (ids from the shared counter), and each of those spawns
        // one more from its carrier (ids from its P's batch): the two kinds must not collide
        for (int i = 0; i < n; i += 2)
        {
            final int k = i;
            Go.go(() ->
            {
                Go.go(() ->
                {
                    runs.incrementAndGet(k + 1);
                    ids.add(G.current().id);
                    done.countDown();
                });
                runs.incrementAndGet(k);
                ids.add(G.current().id);
                done.countDown();
            });
        }
        assertTrue(done.await(20, TimeUnit.SECONDS), "not every goroutine ran");
        for (int i = 0; i < n; i++)
        {
            assertEquals(1, runs.get(i), "runs of goroutine " + i);
        }
        assertEquals(n, ids.size(), "goroutine ids are distinct");
        assertFalse(ids.contains(Sched.MAIN_ID), "id 1 is the main goroutine's");
    }

    @Test
    void shouldResumeArmedGoroutineAfterUnpark()
    {
        final AtomicInteger steps = new AtomicInteger();
        final Resumable task = new Resumable()
        {
            @Override
            int step()
            {
                return 0 == steps.getAndIncrement() ? PARK : DONE;
            }
        };
        final G g = Sched.get().spawn(task, true);
        await(() -> G.WAITING == g.state(), "the goroutine to park");
        assertEquals(1, task.unwinds);
        assertEquals(1, g.depth(), "its frame is saved while parked");
        Sched.unpark(g);
        await(() -> G.DEAD == g.state(), "the goroutine to finish");
        assertEquals(2, steps.get());
        assertEquals(0, g.depth());
    }

    @Test
    void shouldReturnAtOnceWhenUnparkedBeforePark()
    {
        final AtomicInteger phase = new AtomicInteger();
        final Resumable task = new Resumable()
        {
            @Override
            int step()
            {
                switch (phase.get())
                {
                    case 0:
                        return AGAIN; // spin until the test has unparked us (no park yet)
                    case 1:
                        phase.set(2);
                        return PARK; // the permit is there: returns without unwinding
                    default:
                        return DONE;
                }
            }
        };
        final G g = Sched.get().spawn(task, true);
        await(() -> G.RUNNING == g.state(), "the goroutine to run");
        Sched.unpark(g);
        phase.set(1);
        await(() -> G.DEAD == g.state(), "the goroutine to finish");
        assertEquals(0, task.unwinds, "a permit makes park return without unwinding");
    }

    @Test
    void shouldNotLoseWakeupsRacingTheUnwind()
    {
        final int rounds = 2_000;
        final int width = 4;
        for (int r = 0; r < rounds; r++)
        {
            final List<G> gs = new ArrayList<>(width);
            final List<Flag> flags = new ArrayList<>(width);
            for (int i = 0; i < width; i++)
            {
                final Flag f = new Flag(r * 37 % 400);
                flags.add(f);
                gs.add(Sched.get().spawn(f, true));
            }
            for (int i = 0; i < width; i++)
            {
                final Flag f = flags.get(i);
                await(() -> f.parking, "goroutine to decide to park");
                f.set = true;
                Sched.unpark(gs.get(i)); // lands before, during or after the unwind and the commit
            }
            for (final G g : gs)
            {
                await(() -> G.DEAD == g.state(), "goroutine " + g.id + " to see its wake-up");
            }
        }
    }

    @Test
    void shouldNotLoseWakeupFromPlainThreadWhileCarrierGoesIdle()
    {
        final int previous = Go.maxProcs(1);
        try
        {
            final int rounds = 30_000;
            final Thread self = Thread.currentThread();
            final AtomicInteger turn = new AtomicInteger(); // even: the goroutine's turn, odd: the thread's
            final Resumable task = new Resumable()
            {
                @Override
                int step()
                {
                    final int t = turn.get();
                    if (t >= 2 * rounds)
                    {
                        return DONE;
                    }
                    if (0 != (t & 1))
                    {
                        return PARK;
                    }
                    turn.set(t + 1);
                    LockSupport.unpark(self);
                    return PARK; // parks (or finds the thread's permit) while the thread readies it
                }
            };
            final G g = Sched.get().spawn(task, true);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int r = 0; r < rounds; r++)
            {
                final int mine = 2 * r + 1;
                while (turn.get() != mine)
                {
                    assertTrue(System.nanoTime() - deadline < 0, "lost wake-up in round " + r);
                    LockSupport.parkNanos(1_000_000);
                }
                turn.set(mine + 1);
                Sched.unpark(g); // the only carrier is going idle right now
            }
            await(() -> G.DEAD == g.state(), "the goroutine to finish");
        }
        finally
        {
            Go.maxProcs(previous);
        }
    }

    @Test
    void shouldParkAndWakeManyGoroutinesConcurrently()
    {
        final int n = 3_000;
        final List<G> gs = new ArrayList<>(n);
        final List<Flag> flags = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final Flag f = new Flag(i % 50);
            flags.add(f);
            gs.add(Sched.get().spawn(f, true));
        }
        final Thread[] wakers = new Thread[4];
        for (int w = 0; w < wakers.length; w++)
        {
            final int first = w;
            wakers[w] = new Thread(() ->
            {
                for (int i = first; i < n; i += wakers.length)
                {
                    flags.get(i).set = true;
                    Sched.unpark(gs.get(i));
                }
            });
            wakers[w].start();
        }
        for (final Thread t : wakers)
        {
            TestSupport.join(t);
        }
        for (final G g : gs)
        {
            await(() -> G.DEAD == g.state(), "goroutine " + g.id + " to see its wake-up");
        }
    }

    /** Parks until {@code set}; its unwind takes a while (a deep stack to save). */
    private static final class Flag extends Resumable
    {
        /** Spins while unwinding. */
        private final int unwindSpins;
        /** Set just before the goroutine parks. */
        volatile boolean parking;
        /** The condition it waits for. */
        volatile boolean set;

        Flag(final int unwindSpins)
        {
            this.unwindSpins = unwindSpins;
        }

        Flag()
        {
            this(0);
        }

        @Override
        int step()
        {
            if (set)
            {
                return DONE;
            }
            parking = true;
            return PARK;
        }

        @Override
        void unwinding()
        {
            for (int i = 0; i < unwindSpins; i++)
            {
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void shouldWakeArmedGoroutineAtParkTimeout()
    {
        final int timersBefore = Timers.pending();
        final AtomicLong elapsedNs = new AtomicLong(-1);
        final Resumable task = new Resumable()
        {
            private long start;

            @Override
            int step()
            {
                if (0 == start)
                {
                    start = System.nanoTime();
                    parkNanos = TimeUnit.MILLISECONDS.toNanos(20);
                    return PARK_NANOS;
                }
                elapsedNs.set(System.nanoTime() - start);
                return DONE;
            }
        };
        final G g = Sched.get().spawn(task, true);
        await(() -> G.DEAD == g.state(), "the goroutine to wake at its timeout");
        assertTrue(elapsedNs.get() >= TimeUnit.MILLISECONDS.toNanos(20), "parked " + elapsedNs.get() + " ns");
        assertEquals(1, task.unwinds, "it unwound instead of blocking the carrier");
        await(() -> Timers.pending() <= timersBefore, "its timer to leave the heap");
    }

    @Test
    void shouldCancelParkTimerWhenUnparkedEarly()
    {
        final int timersBefore = Timers.pending();
        final AtomicInteger steps = new AtomicInteger();
        final Resumable task = new Resumable()
        {
            @Override
            int step()
            {
                parkNanos = TimeUnit.HOURS.toNanos(1);
                return 0 == steps.getAndIncrement() ? PARK_NANOS : DONE;
            }
        };
        final G g = Sched.get().spawn(task, true);
        await(() -> G.WAITING == g.state(), "the goroutine to park");
        assertEquals(timersBefore + 1, Timers.pending());
        Sched.unpark(g);
        await(() -> G.DEAD == g.state(), "the goroutine to wake early");
        assertEquals(timersBefore, Timers.pending(), "the resumed leaf cancelled its timer");
    }

    @Test
    void shouldPassTokenAroundRingWithSpuriousUnparks() throws InterruptedException
    {
        final int n = 16;
        final int laps = 2_000;
        final AtomicInteger turn = new AtomicInteger();
        final G[] gs = new G[n];
        final CountDownLatch spawned = new CountDownLatch(1);
        final Resumable[] tasks = new Resumable[n];
        for (int i = 0; i < n; i++)
        {
            final int me = i;
            tasks[i] = new Resumable()
            {
                private int passes;

                @Override
                int step()
                {
                    if (passes == laps)
                    {
                        return DONE;
                    }
                    if (turn.get() % n != me)
                    {
                        return PARK;
                    }
                    passes++;
                    turn.incrementAndGet();
                    awaitSpawned(spawned);
                    Sched.unpark(gs[(me + 1) % n]);
                    return 0 == (passes & 7) ? YIELD : AGAIN;
                }
            };
        }
        for (int i = 0; i < n; i++)
        {
            gs[i] = Sched.get().spawn(tasks[i], true);
        }
        spawned.countDown();
        final Thread chaos = new Thread(() ->
        {
            final ThreadLocalRandom random = ThreadLocalRandom.current();
            while (!Thread.currentThread().isInterrupted())
            {
                Sched.unpark(gs[random.nextInt(n)]); // spurious wake-ups must be harmless
                Thread.yield();
            }
        });
        chaos.start();
        try
        {
            for (final G g : gs)
            {
                await(() -> G.DEAD == g.state(), "goroutine " + g.id + " to finish its laps");
            }
        }
        finally
        {
            chaos.interrupt();
            TestSupport.join(chaos);
        }
        assertEquals(n * laps, turn.get());
    }

    private static void awaitSpawned(final CountDownLatch spawned)
    {
        try
        {
            spawned.await();
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void shouldLetOthersRunOnYieldWithOneProc()
    {
        final int previous = Go.maxProcs(1);
        try
        {
            final AtomicInteger flag = new AtomicInteger();
            final Resumable waiter = new Resumable()
            {
                @Override
                int step()
                {
                    return 0 != flag.get() ? DONE : YIELD;
                }
            };
            final Resumable setter = new Resumable()
            {
                @Override
                int step()
                {
                    flag.set(1);
                    return DONE;
                }
            };
            final G a = Sched.get().spawn(waiter, true);
            final G b = Sched.get().spawn(setter, true);
            await(() -> G.DEAD == a.state() && G.DEAD == b.state(), "both goroutines to finish");
            assertTrue(waiter.unwinds >= 1, "the waiter yielded by unwinding");
        }
        finally
        {
            Go.maxProcs(previous);
        }
    }

    @Test
    void shouldPreemptGoroutineThatRunsPastItsSlice()
    {
        final int previous = Go.maxProcs(1);
        try
        {
            final AtomicInteger flag = new AtomicInteger();
            final AtomicInteger preempted = new AtomicInteger();
            final Resumable spinner = new Resumable()
            {
                @Override
                int step()
                {
                    if (0 != flag.get() && 0 != preempted.get())
                    {
                        return DONE;
                    }
                    if (Carrier.here().preempt) // the back-edge check the agent emits
                    {
                        preempted.incrementAndGet();
                        return PREEMPT;
                    }
                    return AGAIN;
                }
            };
            final G a = Sched.get().spawn(spinner, true);
            final G b = Sched.get().spawn(new Resumable()
            {
                @Override
                int step()
                {
                    flag.set(1);
                    return DONE;
                }
            }, true);
            await(() -> G.DEAD == a.state() && G.DEAD == b.state(), "the spinner to be preempted");
            assertTrue(preempted.get() >= 1, "the monitor set the preempt flag");
        }
        finally
        {
            Go.maxProcs(previous);
        }
    }

    @Test
    void shouldHandOffProcWhenGoroutinePins()
    {
        final int previous = Go.maxProcs(1);
        try
        {
            final AtomicReference<G> pinned = new AtomicReference<>();
            final CountDownLatch woke = new CountDownLatch(1);
            Go.go(() ->
            {
                pinned.set(G.current());
                Suspend.park(); // not rewritten: pins this carrier; returns only with the permit
                woke.countDown();
            });
            await(() -> null != pinned.get() && G.PINNED == pinned.get().state(), "the goroutine to pin");
            // the only P was handed off: another goroutine can run and wake it
            Go.go(() -> Sched.unpark(pinned.get()));
            await(() -> 0 == woke.getCount(), "the pinned goroutine to be woken by another goroutine");
        }
        finally
        {
            Go.maxProcs(previous);
        }
    }

    @Test
    void shouldCountLiveGoroutines()
    {
        final int before = Go.numGoroutine();
        final int n = 200;
        final List<Flag> flags = new ArrayList<>();
        final List<G> gs = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final Flag f = new Flag();
            flags.add(f);
            gs.add(Sched.get().spawn(f, true));
        }
        await(() -> gs.stream().allMatch((g) -> G.WAITING == g.state()), "every goroutine to park");
        assertEquals(before + n, Go.numGoroutine());
        for (int i = 0; i < n; i++)
        {
            flags.get(i).set = true;
            Sched.unpark(gs.get(i));
        }
        await(() -> Go.numGoroutine() == before, "the count to drop back");
    }

    @Test
    void shouldReportPanicWithGoroutineId()
    {
        final AtomicReference<G> self = new AtomicReference<>();
        final int before = Go.numGoroutine();
        Go.go(() ->
        {
            self.set(G.current());
            throw new IllegalStateException("boom");
        });
        final List<TestSupport.Panic> panics = new ArrayList<>();
        await(() -> panics.addAll(TestSupport.drainPanics()) || !panics.isEmpty(), "the panic");
        assertEquals(1, panics.size());
        assertSame(self.get(), panics.get(0).g());
        assertEquals("boom", panics.get(0).failure().getMessage());
        assertEquals(G.DEAD, self.get().state());
        await(() -> Go.numGoroutine() == before, "the dead goroutine to leave the count");
    }

    @Test
    void shouldReportResumeOutOfOrderAsPanic()
    {
        final G g = Sched.get().spawn(() -> G.current().push(1, 0, 0, 0), false);
        final List<TestSupport.Panic> panics = new ArrayList<>();
        await(() -> panics.addAll(TestSupport.drainPanics()) || !panics.isEmpty(), "the panic");
        assertSame(g, panics.get(0).g());
        assertTrue(panics.get(0).failure().getMessage().startsWith("sched: "), panics.get(0).failure().getMessage());
    }

    @Test
    void shouldKeepThePHandedOffUntilTheOutermostBlockingSectionEnds() throws Exception
    {
        final int previous = Go.maxProcs(1);
        try
        {
            final CountDownLatch release = new CountDownLatch(1);
            final CountDownLatch done = new CountDownLatch(1);
            Go.go(() ->
            {
                Go.blocking(() ->
                {
                    Go.blocking(() -> 1); // an inner section ending must not take the P back
                    release.await();      // still blocking: the only P must stay with the others
                    return null;
                });
                done.countDown();
            });
            Go.go(release::countDown); // needs the P while the first goroutine still blocks
            assertTrue(done.await(20, TimeUnit.SECONDS), "the other goroutine ran during the blocking call");
        }
        finally
        {
            Go.maxProcs(previous);
        }
    }

    @Test
    void shouldRunBlockingCallWithoutStoppingOthers() throws Exception
    {
        final int previous = Go.maxProcs(1);
        try
        {
            final CountDownLatch release = new CountDownLatch(1);
            final CountDownLatch done = new CountDownLatch(1);
            final AtomicReference<String> result = new AtomicReference<>();
            Go.go(() ->
            {
                result.set(Go.blocking(() ->
                {
                    release.await(); // a blocking call: the only P must go to another carrier
                    return "ok";
                }));
                done.countDown();
            });
            Go.go(release::countDown);
            assertTrue(done.await(20, TimeUnit.SECONDS), "the blocking goroutine finished");
            assertEquals("ok", result.get());
            assertEquals("plain", Go.blocking(() -> "plain"));
        }
        finally
        {
            Go.maxProcs(previous);
        }
    }

    @Test
    void shouldReturnPreviousProcsAndQueryBelowOne()
    {
        final int current = Go.maxProcs(0);
        assertTrue(current >= 1);
        assertEquals(current, Go.maxProcs(current + 3));
        assertEquals(current + 3, Go.maxProcs(-1));
        assertEquals(current + 3, Go.maxProcs(current));
        assertEquals(current, Go.maxProcs(0));
    }

    @Test
    void shouldLetASyncPrimitiveSpinOnlyAsGoDoes() throws InterruptedException
    {
        final boolean multicore = Runtime.getRuntime().availableProcessors() > 1;
        assertEquals(multicore, Sched.canSpin(0), "a plain thread may spin on a multicore machine");
        assertEquals(multicore, Sched.canSpin(3));
        assertFalse(Sched.canSpin(4), "at most four spins");
        final int before = Sched.maxProcs(0);
        try
        {
            Sched.maxProcs(1);
            final AtomicReference<Boolean> spun = new AtomicReference<>();
            final CountDownLatch done = new CountDownLatch(1);
            Go.go(() ->
            {
                spun.set(Sched.canSpin(0));
                done.countDown();
            });
            assertTrue(done.await(20, TimeUnit.SECONDS));
            assertEquals(Boolean.FALSE, spun.get(), "a goroutine alone on the only P: nobody else could let go");
        }
        finally
        {
            Sched.maxProcs(before);
        }
    }

    @Test
    void shouldRunMainAsGoroutineOne()
    {
        final AtomicReference<G> main = new AtomicReference<>();
        assertTrue(Sched.runMainAndWait(() -> main.set(G.current())));
        assertEquals(Sched.MAIN_ID, main.get().id);
        assertEquals(G.DEAD, main.get().state());
    }

    @Test
    void shouldUseNoCpuWhenIdle() throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++)
        {
            Go.go(done::countDown);
        }
        assertTrue(done.await(20, TimeUnit.SECONDS));
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        await(() -> runtimeThreadsParked(mx), "the runtime's threads to park");
        final long before = runtimeCpuNs(mx);
        final long start = System.nanoTime();
        // measuring idleness is the point here: time must pass with nothing to do
        Thread.sleep(300);
        final long elapsed = System.nanoTime() - start;
        final long used = runtimeCpuNs(mx) - before;
        assertTrue(used < elapsed / 20, "runtime threads used " + used / 1000 + " us of CPU in " +
            elapsed / 1000 + " us idle");
    }

    private static boolean runtimeThreadsParked(final ThreadMXBean mx)
    {
        for (final ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds()))
        {
            if (null != info && info.getThreadName().startsWith("goroutines-") &&
                Thread.State.RUNNABLE == info.getThreadState())
            {
                return false;
            }
        }
        return true;
    }

    private static long runtimeCpuNs(final ThreadMXBean mx)
    {
        long total = 0;
        final Set<Long> seen = new HashSet<>();
        for (final ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds()))
        {
            if (null != info && info.getThreadName().startsWith("goroutines-") && seen.add(info.getThreadId()))
            {
                total += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
