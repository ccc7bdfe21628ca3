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
            final CountDownLatch passed = new CountDownLatch(1);
            Go.go(() ->
            {
                wg.await();
                passed.countDown();
            });
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
        wg.done();
    }

    /** Waiters queued, read through the class's lock for the test. */
    private static int queued(final WaitGroup wg)
    {
        return wg.waiting();
    }
}
