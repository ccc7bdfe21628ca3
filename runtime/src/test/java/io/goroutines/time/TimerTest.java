package io.goroutines.time;

import io.goroutines.internal.sched.NoPanics;
import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.internal.TimerChannels;
import io.goroutines.Received;
import io.goroutines.RecvChan;
import io.goroutines.Task;
import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Timers, After and AfterFunc: GO-SEMANTICS items 56-63 and 68-69 (after Go's sleep_test.go), Go 1.23 semantics. */
@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimerTest
{
    /** Far enough never to fire during a test. */
    private static final Duration LONG = Duration.ofHours(1);

    @Test
    void shouldDeliverAfterAtLeastDuration()
    {
        // Go's TestAfter.
        final Duration d = Duration.ofMillis(100);
        final Instant start = Instant.now();
        final long startNs = System.nanoTime();
        final Instant value = Time.after(d).recv();
        final long elapsedNs = System.nanoTime() - startNs;
        assertTrue(elapsedNs >= d.toNanos(), "After(100ms) returned after " + elapsedNs + " ns");
        assertFalse(value.isBefore(start.plus(d)), "value " + value + " before start+d " + start.plus(d));
        assertTrue(elapsedNs < TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void shouldFireTimersInDeadlineOrder()
    {
        // Go's TestAfterQueuing: retried with longer units, as timing on a loaded machine varies.
        String failure = null;
        for (final long deltaMs : new long[] {20, 40, 80, 160})
        {
            failure = afterQueuing(Duration.ofMillis(deltaMs));
            if (null == failure)
            {
                return;
            }
        }
        fail(failure);
    }

    @Test
    void shouldReturnTrueFromStopOnlyWhenActive()
    {
        // Go's TestAfterStop and the Stop doc, Go 1.23.
        final Timer pending = new Timer(LONG);
        assertTrue(pending.stop(), "stop of a pending timer");
        assertFalse(pending.stop(), "second stop");
        assertNull(pending.c().tryRecv(), "stop does not close the channel and nothing is delivered");

        final Timer received = new Timer(Duration.ofMillis(1));
        assertNotNull(received.c().recv());
        assertFalse(received.stop(), "stop after the value was received");

        final Timer fired = new Timer(Duration.ofMillis(1));
        await(() -> 1 == TimerChannels.buffered(fired.c()), "the timer to fire");
        assertTrue(fired.stop(), "a fired timer whose value was not received is still active (Go 1.23)");
        assertNull(fired.c().tryRecv(), "no stale value after stop");
        assertFalse(fired.stop());

        final AtomicBoolean ran = new AtomicBoolean();
        final Timer func = Timer.afterFunc(Duration.ofMillis(50), () -> ran.set(true));
        assertNull(func.c(), "an AfterFunc timer has no channel");
        assertTrue(func.stop());
        assertFalse(func.stop());
        Time.after(Duration.ofMillis(150)).recv(); // "never" = not within three times its duration
        assertFalse(ran.get(), "a stopped AfterFunc ran");
    }

    @Test
    void shouldReturnActiveFromResetAndFireAboutDurationAfterReset()
    {
        // Go's TestReset, unit 25 ms, retried with longer units.
        String failure = null;
        for (final long unitMs : new long[] {25, 50, 100, 200})
        {
            failure = reset(Duration.ofMillis(unitMs));
            if (null == failure)
            {
                break;
            }
        }
        assertNull(failure, failure);

        final Timer stopped = new Timer(LONG);
        stopped.stop();
        assertFalse(stopped.reset(Duration.ofMillis(1)), "reset of a stopped timer");
        assertNotNull(stopped.c().recv(), "a reset timer fires again");
    }

    @Test
    void shouldNotReceiveStaleValueAfterStopOrResetOfFiredTimer()
    {
        // Item 60, Go 1.23: even when the timer fired before stop/reset, its value is gone afterwards.
        final Timer t = new Timer(Duration.ofMillis(1));
        await(() -> 1 == TimerChannels.buffered(t.c()), "the timer to fire");
        final Instant resetAt = Instant.now();
        assertTrue(t.reset(LONG), "reset of a fired, unreceived timer reports it active");
        assertNull(t.c().tryRecv(), "no stale value after reset");
        assertTrue(t.reset(Duration.ZERO));
        final Received<Instant> fresh = t.c().tryRecv();
        assertNotNull(fresh, "reset(0) fires at once");
        assertFalse(fresh.value().isBefore(resetAt), "the value is of the new setting");
        assertFalse(t.stop());
    }

    @Test
    void shouldDeliverEachValueOnceAcrossStopRace()
    {
        // A value is received before stop returns (stop says false) or never (stop says true).
        raceReceiverAgainst(Timer::stop);
    }

    @Test
    void shouldDeliverEachValueOnceAcrossResetRace()
    {
        raceReceiverAgainst(t ->
        {
            final boolean active = t.reset(LONG);
            assertTrue(t.stop(), "the reset timer is pending");
            return active;
        });
    }

    @Test
    void shouldRunAfterFuncInItsOwnGoroutine()
    {
        // Go's TestAfterFunc: AfterFunc(0) ten times, recursively; each call waits until all ran,
        // which only ends if every one runs in a goroutine of its own.
        final int n = 10;
        final AtomicInteger left = new AtomicInteger(n);
        final CountDownLatch all = new CountDownLatch(n);
        final Chan<Void> release = Chan.make(); // closed at the end; a goroutine waits on channels, not latches
        final Set<G> goroutines = ConcurrentHashMap.newKeySet();
        final AtomicInteger outside = new AtomicInteger();
        final AtomicReference<Task> f = new AtomicReference<>();
        f.set(() ->
        {
            final G g = G.current();
            if (null == g)
            {
                outside.incrementAndGet();
            }
            else
            {
                goroutines.add(g);
            }
            if (left.decrementAndGet() > 0)
            {
                Timer.afterFunc(Duration.ZERO, f.get());
            }
            all.countDown();
            release.recv();
        });
        Timer.afterFunc(Duration.ZERO, f.get());
        try
        {
            assertTrue(all.await(10, TimeUnit.SECONDS), "the recursive AfterFuncs did not all start");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        finally
        {
            release.close();
        }
        assertEquals(0, outside.get(), "an AfterFunc ran outside a goroutine");
        assertEquals(n, goroutines.size(), "each AfterFunc ran in a goroutine of its own");
    }

    @Test
    void shouldReturnFalseFromStopOnceAfterFuncStarted()
    {
        final CountDownLatch started = new CountDownLatch(1);
        final Chan<Void> release = Chan.make();
        final Timer t = Timer.afterFunc(Duration.ofMillis(1), () ->
        {
            started.countDown();
            release.recv();
        });
        await(() -> 0 == started.getCount(), "the AfterFunc to start");
        assertFalse(t.stop(), "stop once the function started");
        release.close(); // stop returned while the function still ran: it does not wait for it

        final AtomicInteger runs = new AtomicInteger();
        final Timer again = Timer.afterFunc(Duration.ofMillis(1), runs::incrementAndGet);
        await(() -> 1 == runs.get(), "the first run");
        assertFalse(again.reset(Duration.ofMillis(1)), "reset after the function started");
        await(() -> 2 == runs.get(), "the run after reset");
    }

    @Test
    void shouldNeverRunStoppedAfterFuncs()
    {
        // Go's TestTimerStopStress, scaled: 100 AfterFuncs of 1 s stopped after 100 ms never run.
        final AtomicInteger ran = new AtomicInteger();
        final long startNs = System.nanoTime();
        final List<Timer> timers = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            timers.add(Timer.afterFunc(Duration.ofSeconds(1), ran::incrementAndGet));
        }
        Go.sleep(Duration.ofMillis(100));
        for (final Timer t : timers)
        {
            assertTrue(t.stop(), "stop of a pending AfterFunc");
        }
        assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(1), "stopped too late to tell");
        Go.sleep(Duration.ofNanos(startNs + TimeUnit.MILLISECONDS.toNanos(1_500) - System.nanoTime()));
        assertEquals(0, ran.get(), "a stopped AfterFunc ran");
    }

    @Test
    void shouldFireZeroTimerPromptly()
    {
        // Go's TestZeroTimer (issue 44868), 10,000 iterations; and the same through the timer heap.
        for (int i = 0; i < 10_000; i++)
        {
            final long startNs = System.nanoTime();
            final Timer t = new Timer(Duration.ZERO);
            final Instant v = t.c().recv();
            assertNotNull(v);
            final long tookNs = System.nanoTime() - startNs;
            assertTrue(tookNs < TimeUnit.SECONDS.toNanos(2), "NewTimer(0) took " + tookNs + " ns");
        }
        for (int i = 0; i < 1_000; i++)
        {
            final long startNs = System.nanoTime();
            assertNotNull(new Timer(Duration.ofNanos(1)).c().recv());
            final long tookNs = System.nanoTime() - startNs;
            assertTrue(tookNs < TimeUnit.SECONDS.toNanos(2), "NewTimer(1ns) took " + tookNs + " ns");
        }
    }

    @Test
    void shouldFireNonPositiveDurationAtOnce()
    {
        final Instant before = Instant.now();
        final Timer t = new Timer(Duration.ofSeconds(-5));
        final Received<Instant> r = t.c().tryRecv();
        assertNotNull(r, "a negative duration fires at once");
        assertFalse(r.value().isBefore(before));
        assertNotNull(Time.after(Duration.ofSeconds(Long.MIN_VALUE)).tryRecv());
        final CountDownLatch ran = new CountDownLatch(1);
        Timer.afterFunc(Duration.ofMillis(-1), ran::countDown);
        await(() -> 0 == ran.getCount(), "AfterFunc(-1ms) to run");
    }

    @Test
    void shouldNotOverflowOnHugeDuration()
    {
        final Duration forever = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        final Timer t = new Timer(forever);
        final RecvChan<Instant> after = Time.after(forever);
        final AtomicBoolean ran = new AtomicBoolean();
        final Timer func = Timer.afterFunc(forever, () -> ran.set(true));
        Go.sleep(Duration.ofMillis(50)); // an overflowed deadline would lie in the past and fire at once
        assertNull(t.c().tryRecv());
        assertNull(after.tryRecv());
        assertFalse(ran.get());
        assertTrue(t.stop());
        assertTrue(func.stop());
    }

    @Test
    void shouldKeepAccuracyOfSequentialAfters()
    {
        // Go's TestAfterTick, scaled: 10 sequential After(50ms) take between 0.9x and 3x of 500 ms.
        final Duration d = Duration.ofMillis(50);
        final long startNs = System.nanoTime();
        for (int i = 0; i < 10; i++)
        {
            Time.after(d).recv();
        }
        final long elapsedNs = System.nanoTime() - startNs;
        final long targetNs = 10 * d.toNanos();
        assertTrue(elapsedNs >= targetNs, "10 x After(50ms) took " + elapsedNs + " ns");
        assertTrue(elapsedNs <= 3 * targetNs, "10 x After(50ms) took " + elapsedNs + " ns");
    }

    @Test
    void shouldDeliverToGoroutineReceivers()
    {
        final int n = 20;
        final CountDownLatch got = new CountDownLatch(n);
        final AtomicInteger early = new AtomicInteger();
        for (int i = 0; i < n; i++)
        {
            final Duration d = Duration.ofMillis(1 + i);
            Go.go(() ->
            {
                final long startNs = System.nanoTime();
                final Timer t = new Timer(d);
                t.c().recv();
                if (System.nanoTime() - startNs < d.toNanos())
                {
                    early.incrementAndGet();
                }
                got.countDown();
            });
        }
        await(() -> 0 == got.getCount(), "every goroutine's timer");
        assertEquals(0, early.get(), "a timer fired early");
    }

    @Test
    void shouldRejectNullArguments()
    {
        assertEquals("time: null duration", assertThrows(NullPointerException.class, () -> new Timer(null)).getMessage());
        assertThrows(NullPointerException.class, () -> Time.after(null));
        assertThrows(NullPointerException.class, () -> Timer.afterFunc(LONG, null));
        final Timer t = new Timer(LONG);
        assertThrows(NullPointerException.class, () -> t.reset(null));
        assertTrue(t.stop(), "a failed reset leaves the timer as it was");
    }

    /** One try of Go's testAfterQueuing; returns null on success, else what went wrong. */
    private static String afterQueuing(final Duration delta)
    {
        final int[] slots = {5, 3, 6, 6, 6, 1, 1, 2, 7, 9, 4, 8, 0};
        final Chan<Result> result = Chan.make(slots.length);
        final Instant t0 = Instant.now();
        final long t0Ns = System.nanoTime();
        for (final int slot : slots)
        {
            final RecvChan<Instant> c = Time.after(delta.multipliedBy(slot));
            Go.go(() ->
            {
                final Instant v = c.recv();
                result.send(new Result(slot, v, System.nanoTime()));
            });
        }
        final List<Result> order = new ArrayList<>();
        for (int i = 0; i < slots.length; i++)
        {
            order.add(result.recv());
        }
        for (int i = 1; i < order.size(); i++)
        {
            if (order.get(i).slot < order.get(i - 1).slot)
            {
                return "After calls returned out of order at delta " + delta + ": " + order;
            }
        }
        for (final Result r : order)
        {
            final Duration target = delta.multipliedBy(r.slot);
            final Duration dt = Duration.between(t0, r.value);
            final long arrivedNs = r.arrivedNs - t0Ns;
            if (dt.compareTo(target.minus(delta.dividedBy(2))) < 0 ||
                arrivedNs > target.plus(delta.multipliedBy(10)).toNanos())
            {
                return "After(" + target + ") has value at " + dt + ", arrived at " + arrivedNs + " ns";
            }
        }
        return null;
    }

    /** One try of Go's testReset; returns null on success, else what went wrong. */
    private static String reset(final Duration d)
    {
        final Timer t0 = new Timer(d.multipliedBy(2));
        Go.sleep(d);
        if (!t0.reset(d.multipliedBy(3)))
        {
            return "resetting unfired timer returned false";
        }
        Go.sleep(d.multipliedBy(2));
        if (null != t0.c().tryRecv())
        {
            return "timer fired early (at the old deadline) with unit " + d;
        }
        Go.sleep(d.multipliedBy(2));
        if (null == t0.c().tryRecv())
        {
            return "reset timer did not fire with unit " + d;
        }
        if (t0.reset(Duration.ofMillis(50)))
        {
            return "resetting expired timer returned true";
        }
        t0.stop();
        return null;
    }

    /**
     * A receiver thread polls the timer while the test thread stops or resets it at a random moment:
     * exactly one of them must get the value (the receiver, or stop/reset reporting it active). Both
     * threads spin rather than park, so that a round costs microseconds.
     */
    private static void raceReceiverAgainst(final Predicate<Timer> disarm)
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final int rounds = 500;
        final AtomicReference<Round> next = new AtomicReference<>();
        final Thread receiver = new Thread(() ->
        {
            for (;;)
            {
                final Round r = next.getAndSet(null);
                if (null == r)
                {
                    Thread.onSpinWait();
                    continue;
                }
                if (null == r.timer)
                {
                    return;
                }
                while (!r.over)
                {
                    if (null != r.timer.c().tryRecv())
                    {
                        r.got.incrementAndGet();
                    }
                }
                if (null != r.timer.c().tryRecv())
                {
                    r.got.incrementAndGet(); // a value after stop/reset returned: stale
                }
                r.finished = true;
            }
        });
        receiver.start();
        int activeCount = 0;
        int receivedCount = 0;
        // On a loaded machine timers fire late: while no value was received, every 100 rounds the window
        // in which the disarm comes doubles (up to 100 ms); while no disarm won, it halves.
        long windowNs = 200_000;
        int played = 0;
        for (int round = 0; round < rounds || (0 == activeCount || 0 == receivedCount) && round < 10 * rounds; round++)
        {
            if (round > 0 && 0 == round % 100)
            {
                windowNs = 0 == receivedCount ? Math.min(2 * windowNs, 100_000_000L) // timers late: wait longer
                    : 0 == activeCount ? Math.max(windowNs / 2, 1_000L) : windowNs; // disarms late: sooner
            }
            played++;
            final Round r = new Round(new Timer(Duration.ofNanos(random.nextLong(100_000))));
            next.set(r);
            final long untilNs = System.nanoTime() + random.nextLong(windowNs);
            while (System.nanoTime() - untilNs < 0)
            {
                Thread.onSpinWait(); // stop or reset at a random moment around the firing
            }
            final boolean active = disarm.test(r.timer);
            r.over = true;
            await(() -> r.finished, "the receiver of round " + round);
            assertEquals(1, r.got.get() + (active ? 1 : 0),
                "round " + round + ": active " + active + ", received " + r.got.get());
            activeCount += active ? 1 : 0;
            receivedCount += r.got.get();
        }
        next.set(new Round(null));
        join(receiver);
        assertEquals(played, activeCount + receivedCount);
        assertTrue(activeCount > 0 && receivedCount > 0,
            "the race was not exercised: active " + activeCount + ", received " + receivedCount);
    }

    /** One round of {@link #raceReceiverAgainst}; a null timer ends the receiver. */
    private static final class Round
    {
        /** The timer raced on, or null for the last round. */
        final Timer timer;
        /** Values the receiver got. */
        final AtomicInteger got = new AtomicInteger();
        /** Set by the test thread once stop or reset returned. */
        volatile boolean over;
        /** Set by the receiver once it looked a last time. */
        volatile boolean finished;

        Round(final Timer timer)
        {
            this.timer = timer;
        }
    }

    /** What a goroutine of {@link #afterQueuing} reports. */
    private record Result(int slot, Instant value, long arrivedNs)
    {
    }
}
