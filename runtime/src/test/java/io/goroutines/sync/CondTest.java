package io.goroutines.sync;

import io.goroutines.Chan;
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
import java.util.concurrent.atomic.AtomicReference;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static io.goroutines.sync.MutexTest.pause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CondTest
{
    /** How long "still blocked" is watched for. */
    private static final long BLOCKED_NS = TimeUnit.MILLISECONDS.toNanos(30);

    @Test
    void shouldWakeExactlyOneWaiterPerSignal()
    {
        // Go's TestCondSignal, with 3 waiters (two goroutines and a plain thread).
        final Mutex m = new Mutex();
        final Cond c = new Cond(m);
        final int n = 3;
        final Chan<Boolean> running = Chan.make(n);
        final Chan<Boolean> awake = Chan.make(n);
        final Runnable waiter = () ->
        {
            m.lock();
            running.send(true);
            c.await();
            awake.send(true);
            m.unlock();
        };
        Go.go(waiter::run);
        Go.go(waiter::run);
        new Thread(waiter).start();
        for (int i = 0; i < n; i++)
        {
            running.recv();
        }
        for (int left = n; left > 0; left--)
        {
            assertNull(awake.tryRecv(), "goroutine not asleep");
            m.lock();
            c.signal();
            m.unlock();
            awake.recv();
            pause(BLOCKED_NS);
            assertNull(awake.tryRecv(), "too many goroutines awake");
        }
        assertEquals(0, c.waiting());
        c.signal(); // nobody waits: nothing happens
    }

    @Test
    void shouldSignalInFifoOrderAcrossGenerations()
    {
        // Go's TestCondSignalGenerations with n = 100: goroutine i-1 must wake before i.
        final Mutex m = new Mutex();
        final Cond c = new Cond(m);
        final int n = 100;
        final Chan<Boolean> running = Chan.make(n);
        final Chan<Integer> awake = Chan.make(n);
        for (int i = 0; i < n; i++)
        {
            final int g = i;
            Go.go(() ->
            {
                m.lock();
                running.send(true);
                c.await();
                awake.send(g);
                m.unlock();
            });
            if (i > 0)
            {
                final int a = awake.recv();
                assertEquals(i - 1, a, "wrong goroutine woke up");
            }
            running.recv();
            m.lock();
            c.signal();
            m.unlock();
        }
        assertEquals(n - 1, awake.recv());
    }

    @Test
    void shouldWakeEveryWaiterOncePerBroadcast()
    {
        // Go's TestCondBroadcast with 50 waiters and 50 rounds.
        final Mutex m = new Mutex();
        final Cond c = new Cond(m);
        final int n = 50;
        final Chan<Integer> running = Chan.make(n);
        final Chan<Integer> awake = Chan.make(n);
        final boolean[] exit = {false}; // guarded by m
        final WaitGroup exited = new WaitGroup();
        exited.add(n);
        for (int i = 0; i < n; i++)
        {
            final int g = i;
            Go.go(() ->
            {
                m.lock();
                while (!exit[0])
                {
                    running.send(g);
                    c.await();
                    awake.send(g);
                }
                m.unlock();
                exited.done();
            });
        }
        for (int round = 0; round < n; round++)
        {
            for (int i = 0; i < n; i++)
            {
                running.recv(); // will wait forever unless all n are running
            }
            if (n - 1 == round)
            {
                m.lock();
                exit[0] = true;
                m.unlock();
            }
            assertNull(awake.tryRecv(), "goroutine not asleep");
            m.lock();
            assertEquals(n, c.waiting(), "every goroutine waits while the mutex is free to take");
            c.broadcast();
            m.unlock();
            final boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++)
            {
                final int g = awake.recv();
                assertFalse(seen[g], "goroutine woke up twice");
                seen[g] = true;
            }
        }
        exited.await();
        assertNull(running.tryRecv(), "goroutine did not exit");
        c.broadcast();
    }

    @Test
    void shouldRelockMutexBeforeReturning()
    {
        final Mutex m = new Mutex();
        final Cond c = new Cond(m);
        final AtomicBoolean returned = new AtomicBoolean();
        final Chan<Boolean> release = Chan.make();
        final CountDownLatch done = new CountDownLatch(1);
        Go.go(() ->
        {
            m.lock();
            c.await();
            returned.set(true);
            release.recv();
            m.unlock();
            done.countDown();
        });
        await(() -> 1 == c.waiting(), "the goroutine to wait");
        assertTrue(m.tryLock(), "await unlocked the mutex");
        c.signal();
        pause(BLOCKED_NS);
        assertFalse(returned.get(), "a signalled waiter returns only once it has the mutex again");
        m.unlock();
        await(returned::get, "the waiter to relock and return");
        assertFalse(m.tryLock(), "the waiter holds the mutex");
        release.send(true);
        await(() -> 0 == done.getCount(), "the waiter to unlock");
        assertEquals(0, m.state());
    }

    @Test
    void shouldNotRememberSignalsWithoutWaiters()
    {
        final Mutex m = new Mutex();
        final Cond c = new Cond(m);
        c.signal();
        c.broadcast();
        final AtomicBoolean returned = new AtomicBoolean();
        Go.go(() ->
        {
            m.lock();
            c.await();
            returned.set(true);
            m.unlock();
        });
        await(() -> 1 == c.waiting(), "the goroutine to wait");
        pause(BLOCKED_NS);
        assertFalse(returned.get(), "no spurious wake-up, no stored signal");
        c.signal(); // without holding the mutex: allowed
        await(returned::get, "the signalled waiter");
    }

    @Test
    void shouldThrowOnAwaitWithoutMutex()
    {
        final Cond c = new Cond(new Mutex());
        assertEquals("sync: unlock of unlocked mutex", assertThrows(IllegalStateException.class, c::await).getMessage());
        assertEquals(0, c.waiting(), "the failed waiter left the queue");
    }

    @Test
    void shouldRelockWhenInterruptedPlainThreadGivesUp()
    {
        final Mutex m = new Mutex();
        final Cond c = new Cond(m);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean heldAfter = new AtomicBoolean();
        final AtomicBoolean interruptedAfter = new AtomicBoolean();
        final Thread t = new Thread(() ->
        {
            m.lock();
            try
            {
                c.await();
                failure.set(new AssertionError("returned without a signal"));
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
            heldAfter.set(!m.tryLock());
            m.unlock();
        });
        t.start();
        await(() -> 1 == c.waiting(), "the thread to wait");
        m.lock(); // so that the relock has to wait, interrupted
        t.interrupt();
        await(() -> 0 == c.waiting() && 1 == m.waiting(), "the thread to leave the cond and wait for the mutex");
        pause(BLOCKED_NS);
        assertTrue(t.isAlive(), "it waits for the mutex despite its interrupt");
        m.unlock();
        join(t);
        assertInstanceOf(CancellationException.class, failure.get());
        assertTrue(heldAfter.get(), "await relocked the mutex before throwing");
        assertTrue(interruptedAfter.get(), "the interrupt status stays set");
        assertEquals(0, m.state());
        c.signal(); // no waiter left: nothing to spend it on
        assertEquals(0, c.waiting());
    }
}
