package io.goroutines.sync;

import io.goroutines.Go;
import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WaitGroupTest
{
    @Test
    void shouldThrowOnNegativeCounter()
    {
        final WaitGroup wg = new WaitGroup();
        wg.add(1);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> wg.add(-2));
        assertEquals("sync: negative WaitGroup counter", ex.getMessage());
        assertEquals(1, wg.count(), "the counter is left unchanged");
        wg.done();
        assertThrows(IllegalStateException.class, wg::done);
    }

    @Test
    void shouldRefuseACounterPastIntegerMaxValue()
    {
        final WaitGroup wg = new WaitGroup();
        wg.add(Integer.MAX_VALUE);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> wg.add(1));
        assertEquals("sync: negative WaitGroup counter", ex.getMessage());
        assertEquals(Integer.MAX_VALUE, wg.count(), "the counter is left unchanged");
        wg.add(-Integer.MAX_VALUE);
        wg.await();
    }

    @Test
    void shouldThrowInExactlyOneOfTwoRacingDonesAndStillReleaseTheWaiter() throws InterruptedException
    {
        for (int round = 0; round < 2_000; round++)
        {
            final WaitGroup wg = new WaitGroup();
            wg.add(1);
            final CountDownLatch passed = waitInGoroutine(wg);
            final AtomicInteger thrown = new AtomicInteger();
            final CountDownLatch start = new CountDownLatch(1);
            final Runnable done = () ->
            {
                try
                {
                    start.await();
                    wg.done();
                }
                catch (final IllegalStateException ex)
                {
                    thrown.incrementAndGet();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            };
            final Thread a = new Thread(done);
            final Thread b = new Thread(done);
            a.start();
            b.start();
            start.countDown();
            join(a);
            join(b);
            assertEquals(1, thrown.get(), "the second done() of round " + round + " throws, the first does not");
            assertEquals(0, wg.count(), "round " + round);
            await(() -> 0 == passed.getCount(), "the waiter of round " + round);
            assertEquals(0, wg.waitersCounted(), "round " + round);
        }
    }

    @Test
    void shouldReturnAtOnceWhenCounterIsZero()
    {
        final WaitGroup wg = new WaitGroup();
        wg.await();
        wg.add(2);
        wg.add(-2);
        wg.await();
    }

    @Test
    void shouldWaitForEveryGoroutineFromPlainThread()
    {
        final WaitGroup wg = new WaitGroup();
        final int n = 1_000;
        final AtomicInteger ran = new AtomicInteger();
        wg.add(n);
        for (int i = 0; i < n; i++)
        {
            Go.go(() ->
            {
                ran.incrementAndGet();
                wg.done();
            });
        }
        wg.await();
        assertEquals(n, ran.get());
    }

    @Test
    void shouldWakeEveryWaiterWhenCounterReachesZero()
    {
        final WaitGroup wg = new WaitGroup();
        wg.add(1);
        final CountDownLatch woke = new CountDownLatch(4);
        for (int i = 0; i < 2; i++)
        {
            Go.go(() ->
            {
                wg.await();
                woke.countDown();
            });
            final Thread t = new Thread(() ->
            {
                wg.await();
                woke.countDown();
            });
            t.start();
        }
        await(() -> 4 == queued(wg), "every waiter to queue");
        assertEquals(4, woke.getCount(), "nobody passes while the counter is 1");
        wg.done();
        await(() -> 0 == woke.getCount(), "every waiter to wake");
    }

    @Test
    void shouldBeReusableAfterReachingZero()
    {
        final WaitGroup wg = new WaitGroup();
        for (int round = 0; round < 200; round++)
        {
            final int n = 1 + round % 7;
            wg.add(n);
            for (int i = 0; i < n; i++)
            {
                Go.go(wg::done);
            }
            wg.await();
            assertEquals(0, wg.count());
        }
    }

    @Test
    void shouldNotLoseWakeupUnderRacingDoneAndAwait()
    {
        for (int round = 0; round < 2_000; round++)
        {
            final WaitGroup wg = new WaitGroup();
            wg.add(1);
            final CountDownLatch passed = waitInGoroutine(wg);
            wg.done(); // races the waiter's queueing
            await(() -> 0 == passed.getCount(), "the waiter of round " + round);
        }
    }

    @Test
    void shouldCancelInterruptedPlainThread()
    {
        final WaitGroup wg = new WaitGroup();
        wg.add(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean interrupted = new AtomicBoolean();
        final Thread t = new Thread(() ->
        {
            try
            {
                wg.await();
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
                interrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        await(() -> 1 == queued(wg), "the thread to wait");
        t.interrupt();
        join(t);
        assertInstanceOf(CancellationException.class, failure.get());
        assertTrue(interrupted.get());
        assertEquals(0, queued(wg), "it left the queue");
        assertEquals(1, wg.waitersCounted(), "it stays counted: the step to zero takes the lock for nothing");
        wg.done();
        assertEquals(0, wg.count());
        assertEquals(0, wg.waitersCounted(), "the step to zero clears the word");
        wg.add(1); // the next round works as usual
        final CountDownLatch passed = waitInGoroutine(wg);
        await(() -> 1 == queued(wg), "the next round's waiter to wait");
        wg.done();
        await(() -> 0 == passed.getCount(), "the next round's waiter to wake");
    }

    @Test
    void shouldCountWaitersInTheStateWordOnlyWhileTheCounterIsNotZero()
    {
        final WaitGroup wg = new WaitGroup();
        wg.await();
        assertEquals(0, wg.waitersCounted(), "no wait at zero");
        wg.add(2);
        final CountDownLatch woke = new CountDownLatch(3);
        for (int i = 0; i < 3; i++)
        {
            Go.go(() ->
            {
                wg.await();
                woke.countDown();
            });
        }
        await(() -> 3 == queued(wg), "three waiters to queue");
        assertEquals(3, wg.waitersCounted());
        wg.add(5);
        wg.add(-5);
        wg.done();
        assertEquals(1, wg.count());
        assertEquals(3, wg.waitersCounted(), "steps that do not reach zero keep the waiters");
        assertEquals(3, woke.getCount());
        wg.done();
        await(() -> 0 == woke.getCount(), "every waiter to wake");
        assertEquals(0, wg.waitersCounted());
        assertEquals(0, queued(wg));
    }

    @Test
    void shouldReleaseEveryWaiterUnderAddDoneChurn()
    {
        final int workers = 8;
        final int waitersPerRound = 4;
        for (int round = 0; round < 300; round++)
        {
            final WaitGroup wg = new WaitGroup();
            wg.add(workers);
            final CountDownLatch released = new CountDownLatch(waitersPerRound);
            final AtomicInteger early = new AtomicInteger();
            final AtomicInteger finished = new AtomicInteger();
            for (int i = 0; i < waitersPerRound; i++)
            {
                Go.go(() ->
                {
                    wg.await();
                    if (finished.get() != workers)
                    {
                        early.incrementAndGet();
                    }
                    released.countDown();
                });
            }
            for (int i = 0; i < workers; i++)
            {
                final int churn = 1 + (round * 7 + i) % 50;
                Go.go(() ->
                {
                    for (int k = 0; k < churn; k++) // never zero: this worker still holds its own 1
                    {
                        wg.add(1);
                        wg.done();
                    }
                    finished.incrementAndGet();
                    wg.done();
                });
            }
            await(() -> 0 == released.getCount(), "every waiter of round " + round);
            assertEquals(0, early.get(), "no waiter passes before every worker is done, round " + round);
            assertEquals(0, wg.count());
            assertEquals(0, wg.waitersCounted());
        }
    }

    /** Starts a goroutine that waits on {@code wg}; the latch opens when it has passed. */
    private static CountDownLatch waitInGoroutine(final WaitGroup wg)
    {
        final CountDownLatch passed = new CountDownLatch(1);
        Go.go(() ->
        {
            wg.await();
            passed.countDown();
        });
        return passed;
    }

    /** Waiters queued, read through the class's lock for the test. */
    private static int queued(final WaitGroup wg)
    {
        return wg.waiting();
    }
}
