package io.goroutines.time;

import io.goroutines.internal.sched.NoPanics;
import io.goroutines.Go;
import io.goroutines.internal.TimerChannels;
import io.goroutines.RecvChan;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tickers and Tick: GO-SEMANTICS items 64-67 and 69 (after Go's tick_test.go), Go 1.23 semantics. */
@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TickerTest
{
    @Test
    void shouldRejectNonPositivePeriod()
    {
        // Go's TestNewTickerLtZeroDuration, TestTickerResetLtZeroDuration, TestTick.
        for (final Duration d : new Duration[] {Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(Long.MIN_VALUE)})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new Ticker(d));
            assertEquals("non-positive interval for NewTicker", ex.getMessage());
            assertNull(Time.tick(d), "Tick of a non-positive duration is nil");
        }
        final Ticker t = new Ticker(Duration.ofHours(1));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> t.reset(Duration.ZERO));
        assertEquals("non-positive interval for Ticker.Reset", ex.getMessage());
        t.stop();
        assertThrows(NullPointerException.class, () -> new Ticker(null));
        assertNotNull(Time.tick(Duration.ofHours(1)), "Tick of a positive duration");
    }

    @Test
    void shouldDropTicksForSlowReceiverAndKeepPhase()
    {
        // Item 65: period 20 ms, the receiver sleeps 105 ms: exactly one tick waits (the first), the
        // ticks in between are dropped, and the next tick lies on the original grid.
        final Duration period = Duration.ofMillis(20);
        final Ticker t = new Ticker(period);
        Go.sleep(Duration.ofMillis(105));
        assertEquals(1, TimerChannels.buffered(t.c()), "exactly one tick waits for a slow receiver");
        final Instant first = t.c().recv();
        final Instant next = t.c().recv();
        final Instant third = t.c().recv();
        t.stop();
        final long gapNs = Duration.between(first, next).toNanos();
        // The first receive comes at 105 ms or later; the tick due at 100 ms may still be on its way
        // (a timer fired late under load), so the next value is the 100 ms tick or a later one: a gap
        // of at least 4 periods. Queued ticks would give a gap of one period.
        assertTrue(gapNs >= 4 * period.toNanos(), "the ticks in between were queued, not dropped: gap " + gapNs);
        assertEquals(0, gapNs % period.toNanos(), "the next tick is off the original phase: gap " + gapNs);
        final long gap2Ns = Duration.between(next, third).toNanos();
        assertTrue(gap2Ns >= period.toNanos() && 0 == gap2Ns % period.toNanos(), "off the grid: gap " + gap2Ns);
    }

    @Test
    void shouldKeepPhaseAfterLateFiring()
    {
        // Go's runtime/time.go: when += period * (1 + -delta/period).
        assertEquals(10, Ticker.nextWhen(0, 10, 0), "on time");
        assertEquals(10, Ticker.nextWhen(0, 10, 9));
        assertEquals(20, Ticker.nextWhen(0, 10, 10), "exactly one period late");
        assertEquals(110, Ticker.nextWhen(0, 10, 105), "10.5 periods late: the next grid point");
        assertEquals(1_000_000_007L, Ticker.nextWhen(1_000_000_000L, 7, 1_000_000_000L));
        final long huge = Durations.MAX_NS;
        final long now = System.nanoTime();
        assertEquals(now + huge, Ticker.nextWhen(now, huge, now), "a huge period does not overflow");
    }

    @Test
    void shouldSendNoTickAfterStop()
    {
        // Go's TestTicker (second half) and TestTickerStopWithDirectInitialization.
        final Duration period = Duration.ofMillis(10);
        final Ticker t = new Ticker(period);
        t.c().recv();
        t.c().recv();
        await(() -> 1 == TimerChannels.buffered(t.c()), "a tick to wait");
        t.stop();
        assertNull(t.c().tryRecv(), "the waiting tick was drained by stop");
        Go.sleep(period.multipliedBy(3));
        assertNull(t.c().tryRecv(), "a tick after stop");
        t.stop();
    }

    @Test
    void shouldChangePeriodOnReset()
    {
        // Go's TestTicker: count/2 ticks at delta, then count/2 at 2*delta, 3*delta*count/2 +-30%.
        String failure = null;
        for (final long deltaMs : new long[] {20, 40, 80})
        {
            failure = tickerReset(Duration.ofMillis(deltaMs), 10);
            if (null == failure)
            {
                return;
            }
        }
        throw new AssertionError(failure);
    }

    @Test
    void shouldTickOneNewPeriodAfterResetWithoutStaleTick()
    {
        final Ticker t = new Ticker(Duration.ofMillis(1));
        await(() -> 1 == TimerChannels.buffered(t.c()), "a tick to wait");
        final Duration newPeriod = Duration.ofMillis(60);
        final Instant resetAt = Instant.now();
        final long resetNs = System.nanoTime();
        t.reset(newPeriod);
        assertNull(t.c().tryRecv(), "a tick of the old period after reset");
        final Instant v = t.c().recv();
        final long waitedNs = System.nanoTime() - resetNs;
        t.stop();
        assertTrue(waitedNs >= newPeriod.toNanos(), "the next tick came " + waitedNs + " ns after reset");
        assertTrue(!v.isBefore(resetAt.plus(newPeriod)), "tick value " + v + " before reset + period");
    }

    @Test
    void shouldRestartStoppedTickerOnReset()
    {
        final Ticker t = new Ticker(Duration.ofHours(1));
        t.stop();
        t.reset(Duration.ofMillis(5));
        assertNotNull(t.c().recv());
        assertNotNull(t.c().recv());
        t.stop();
    }

    @Test
    void shouldTickEveryNanosecondUnderStress()
    {
        // Go's TestAfterStress: a ticker of 1 ns, 100 receives, while another thread makes garbage.
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong sink = new AtomicLong();
        final Thread garbage = new Thread(() ->
        {
            while (!stop.get())
            {
                sink.addAndGet(new byte[4096].length);
                if (0 == (sink.get() & 0xFFFFF))
                {
                    System.gc();
                }
            }
        });
        garbage.start();
        final Ticker t = new Ticker(Duration.ofNanos(1));
        Instant last = Instant.MIN;
        for (int i = 0; i < 100; i++)
        {
            final Instant v = t.c().recv();
            assertTrue(v.isAfter(last), "ticks go forward");
            last = v;
        }
        t.stop();
        stop.set(true);
        join(garbage);
    }

    @Test
    void shouldTickForGoroutineReceivers()
    {
        final RecvChan<Instant> tick = Time.tick(Duration.ofMillis(2));
        final CountDownLatch got = new CountDownLatch(20);
        for (int i = 0; i < 4; i++)
        {
            Go.go(() ->
            {
                for (int k = 0; k < 5; k++)
                {
                    tick.recv();
                    got.countDown();
                }
            });
        }
        await(() -> 0 == got.getCount(), "20 ticks shared by 4 goroutines");
    }

    /** One try of Go's TestTicker; returns null on success, else what went wrong. */
    private static String tickerReset(final Duration delta, final int count)
    {
        final Ticker t = new Ticker(delta);
        final long t0 = System.nanoTime();
        for (int i = 0; i < count / 2; i++)
        {
            t.c().recv();
        }
        t.reset(delta.multipliedBy(2));
        for (int i = count / 2; i < count; i++)
        {
            t.c().recv();
        }
        t.stop();
        final long dt = System.nanoTime() - t0;
        final long target = 3 * delta.toNanos() * (count / 2);
        final long slop = target * 3 / 10;
        if (dt < target - slop || dt > target + slop)
        {
            return count + " ticks of " + delta + " (half after reset to double) took " + dt + " ns, expected " +
                (target - slop) + " to " + (target + slop);
        }
        Go.sleep(delta.multipliedBy(2));
        if (null != t.c().tryRecv())
        {
            return "Ticker did not shut down";
        }
        return null;
    }
}
