package io.goroutines.time;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.Select;
import io.goroutines.internal.TimerChannels;
import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import static io.goroutines.internal.sched.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Go 1.23's timer channels (item 60): {@code len == cap == 0}, and timers and tickers nobody references
 * are garbage-collected without {@code stop()}, while one a receiver waits on still fires.
 */
@ExtendWith(NoPanics.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerCollectionTest
{
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void shouldReportZeroLenAndCapForTimerChannels()
    {
        final Timer t = new Timer(Duration.ZERO); // fired in the constructor: its value waits
        assertEquals(0, t.c().len(), "len of a timer channel holding a value");
        assertEquals(0, t.c().cap(), "cap of a timer channel");
        assertEquals(1, TimerChannels.buffered(t.c()), "the value is there all the same");
        assertNotNull(t.c().tryRecv());
        final Ticker k = new Ticker(HOUR);
        assertEquals(0, k.c().cap());
        assertEquals(0, k.c().len());
        k.stop();
        assertEquals(0, Time.after(HOUR).cap());
        assertEquals(1, Chan.make(1).cap(), "an ordinary channel keeps its capacity");
    }

    @Test
    void shouldCollectUnreferencedTimersAndTickersAndTheirHeapEntries()
    {
        final int n = 1_000;
        final int before = TestSupport.pendingTimers();
        final List<WeakReference<Object>> refs = abandon(n);
        assertTrue(TestSupport.pendingTimers() >= before + 2 * n, "the timers are in the heap");
        gcUntil(() -> refs.stream().allMatch(r -> null == r.get()), "abandoned timers and tickers to be collected");
        // Arming expunges the entries of collected timers, once the collector has queued them (the
        // JDK's reference handler does that soon after the collection, on a thread of its own).
        await(() ->
        {
            final Timer next = new Timer(HOUR);
            final int after = TestSupport.pendingTimers();
            next.stop();
            return after <= before + 1;
        }, "the heap entries of collected timers to be removed (" + before + " before)");
    }

    @Test
    void shouldFireTimerThatOnlyItsWaiterReferences()
    {
        // The schedule alone: armed, then referenced by nothing but the heap. A receiver waiting
        // (blocked) keeps it; without one it is collected and never fires.
        final AtomicLong fired = new AtomicLong();
        final WeakReference<LongConsumer> kept = armDetached(fired, true, 7);
        final WeakReference<LongConsumer> dropped = armDetached(fired, false, 9);
        gcUntil(() -> null == dropped.get(), "the unwaited-for timer to be collected");
        await(() -> 0 != fired.get(), "the waited-for timer to fire");
        assertEquals(7, fired.get(), "only the timer a receiver waits on fired");
        assertNotNull(kept.get(), "the waited-for owner is held until its schedule is cancelled or rearmed");
    }

    @Test
    void shouldWakeGoroutinesWaitingOnUnreferencedTimersWhileCollecting()
    {
        final int n = 50;
        final Chan<Integer> done = Chan.make(n);
        for (int i = 0; i < n; i++)
        {
            final int k = i;
            Go.go(() ->
            {
                if (0 == k % 2)
                {
                    Time.after(Duration.ofMillis(20 + k)).recv();
                }
                else
                {
                    Select.select(Select.recv(new Timer(Duration.ofMillis(20 + k)).c(), null),
                        Select.recv(Chan.make(), null));
                }
                done.send(k);
            });
        }
        int sum = 0;
        for (int i = 0; i < n; i++)
        {
            System.gc();
            sum += done.recv();
        }
        assertEquals(n * (n - 1) / 2, sum);
    }

    /** Makes {@code n} timers and {@code n} tickers of an hour and forgets them. */
    private static List<WeakReference<Object>> abandon(final int n)
    {
        final List<WeakReference<Object>> refs = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            refs.add(new WeakReference<>(new Timer(HOUR)));
            refs.add(new WeakReference<>(new Ticker(HOUR)));
            final RecvChan<?> after = Time.after(HOUR);
            assertEquals(0, after.len());
        }
        return refs;
    }

    /** Arms a schedule due in 50 ms, possibly with a blocked receiver, and forgets it. */
    private static WeakReference<LongConsumer> armDetached(final AtomicLong fired, final boolean waited, final long gen)
    {
        final LongConsumer owner = fired::set;
        final Schedule s = new Schedule(owner, false);
        if (waited)
        {
            s.blocked();
        }
        s.arm(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), gen);
        return new WeakReference<>(owner);
    }

    private static void gcUntil(final BooleanSupplier condition, final String what)
    {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++)
        {
            System.gc();
            await(() -> true, what);
        }
        assertTrue(condition.getAsBoolean(), "timed out waiting for " + what);
    }
}
