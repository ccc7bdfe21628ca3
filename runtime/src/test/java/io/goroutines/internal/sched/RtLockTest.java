package io.goroutines.internal.sched;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The runtime lock: mutual exclusion under many more threads than cores (a non-atomic counter and
 * an overlap detector), sleepers that all get through once the lock is freed (every unlock wakes one,
 * and each woken one keeps the chain going), holders that stall with waiters queued, and the edges
 * (tryLock, misuse, interrupts).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RtLockTest
{
    /** How long a test waits for threads to reach a state before it fails. */
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(30);

    /** Guarded by the lock under test: plain fields, so a lost update shows. */
    private int counter;
    /** Threads inside the critical section; more than one is a failure. */
    private final AtomicInteger inside = new AtomicInteger();

    @RepeatedTest(3)
    void shouldExcludeEachOtherUnderHeavyContention() throws Exception
    {
        final RtLock lock = new RtLock();
        final int threads = 8;
        final int rounds = 100_000;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int id = t;
            all.add(start(() ->
            {
                await(start);
                for (int i = 0; i < rounds; i++)
                {
                    lock.lock();
                    try
                    {
                        criticalSection(i + id);
                    }
                    finally
                    {
                        lock.unlock();
                    }
                }
            }, failure));
        }
        joinAll(all);
        assertNull(failure.get(), () -> "a party failed: " + failure.get());
        assertEquals(threads * rounds, counter, "lost updates: the lock let two threads in at once");
        assertFalse(lock.isLocked());
    }

    @Test
    void shouldLetEverySleeperThroughOnceTheHolderUnlocks() throws Exception
    {
        final RtLock lock = new RtLock();
        final int sleepers = 16;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicInteger through = new AtomicInteger();
        lock.lock();
        final List<Thread> all = new ArrayList<>();
        for (int t = 0; t < sleepers; t++)
        {
            all.add(start(() ->
            {
                lock.lock();
                try
                {
                    criticalSection(1);
                    through.incrementAndGet();
                }
                finally
                {
                    lock.unlock();
                }
            }, failure));
        }
        awaitParked(all, lock); // all past spinning and yielding: asleep on the lock, burning nothing
        assertEquals(0, through.get());
        lock.unlock();
        joinAll(all);
        assertNull(failure.get(), () -> "a party failed: " + failure.get());
        assertEquals(sleepers, through.get());
        assertEquals(sleepers, counter);
        assertFalse(lock.isLocked());
    }

    @Test
    void shouldFinishWhenHoldersStallWithWaitersAsleep() throws Exception
    {
        // A holder that stops running while it holds the lock (as one the OS deschedules): the others
        // go to sleep instead of spinning, and everything completes once it goes on. Repeated, with
        // the holder role passing from thread to thread.
        final RtLock lock = new RtLock();
        final int threads = 6;
        final int stalls = 20;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int round = 0; round < stalls; round++)
        {
            final CountDownLatch holding = new CountDownLatch(1);
            final CountDownLatch resume = new CountDownLatch(1);
            final Thread holder = start(() ->
            {
                lock.lock();
                try
                {
                    holding.countDown();
                    resume.await(); // stalled while holding the lock
                    criticalSection(0);
                }
                finally
                {
                    lock.unlock();
                }
            }, failure);
            holding.await();
            final List<Thread> waiters = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                waiters.add(start(() ->
                {
                    for (int i = 0; i < 1_000; i++)
                    {
                        lock.lock();
                        try
                        {
                            criticalSection(i);
                        }
                        finally
                        {
                            lock.unlock();
                        }
                    }
                }, failure));
            }
            awaitParked(waiters, lock);
            resume.countDown();
            holder.join();
            joinAll(waiters);
            assertNull(failure.get(), () -> "a party failed: " + failure.get());
        }
        assertEquals(stalls * (1 + threads * 1_000), counter);
        assertFalse(lock.isLocked());
    }

    @Test
    void shouldKeepExclusionWhenHoldersAreDescheduledInside() throws Exception
    {
        // Many more threads than cores, and holders that give up their core inside the section:
        // waiters exhaust their spins and yields, sleep, and are woken by the unlocks.
        final RtLock lock = new RtLock();
        final int threads = 4 * Math.max(2, Runtime.getRuntime().availableProcessors());
        final int rounds = 2_000;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            all.add(start(() ->
            {
                for (int i = 0; i < rounds; i++)
                {
                    lock.lock();
                    try
                    {
                        if (0 != inside.getAndIncrement())
                        {
                            throw new AssertionError("two holders at once");
                        }
                        final int v = counter;
                        Thread.yield();
                        counter = v + 1;
                        inside.decrementAndGet();
                    }
                    finally
                    {
                        lock.unlock();
                    }
                }
            }, failure));
        }
        joinAll(all);
        assertNull(failure.get(), () -> "a party failed: " + failure.get());
        assertEquals(threads * rounds, counter);
    }

    @Test
    void shouldTryLockOnlyWhenFree()
    {
        final RtLock lock = new RtLock();
        assertTrue(lock.tryLock());
        assertTrue(lock.isLocked());
        assertFalse(lock.tryLock(), "not reentrant");
        lock.unlock();
        assertFalse(lock.isLocked());
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    @Test
    void shouldRefuseUnlockOfUnlockedLock()
    {
        final RtLock lock = new RtLock();
        assertThrows(IllegalStateException.class, lock::unlock);
        assertFalse(lock.isLocked());
        lock.lock();
        lock.unlock();
        assertThrows(IllegalStateException.class, lock::unlock);
        assertTrue(lock.tryLock(), "a misuse leaves the lock usable");
        lock.unlock();
    }

    @Test
    void shouldIgnoreInterruptsWhileAsleepAndRestoreThem() throws Exception
    {
        final RtLock lock = new RtLock();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        lock.lock();
        final Thread t = start(() ->
        {
            lock.lock();
            try
            {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
            finally
            {
                lock.unlock();
            }
        }, failure);
        awaitParked(List.of(t), lock);
        t.interrupt();
        awaitParked(List.of(t), lock); // still asleep on the lock: neither out, nor spinning on the interrupt
        assertTrue(t.isAlive());
        lock.unlock();
        t.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NS));
        assertFalse(t.isAlive(), "the interrupted sleeper never got the lock");
        assertNull(failure.get(), () -> "the sleeper failed: " + failure.get());
        assertEquals(Boolean.TRUE, interruptedAfter.get(), "the interrupt status is set again once it holds the lock");
    }

    /** Read, modify, write, with the overlap detector around it; caller holds the lock. */
    private void criticalSection(final int salt)
    {
        if (0 != inside.getAndIncrement())
        {
            throw new AssertionError("two holders at once");
        }
        final int v = counter;
        if (0 == (salt & 63))
        {
            Thread.onSpinWait(); // widen the window now and then
        }
        counter = v + 1;
        inside.decrementAndGet();
    }

    /** A started thread running {@code body}; what it throws is kept in {@code failure}. */
    private static Thread start(final ThrowingRunnable body, final AtomicReference<Throwable> failure)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable ex)
            {
                failure.compareAndSet(null, ex);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until every thread is parked on {@code lock} at once (each asleep in it). */
    private static void awaitParked(final List<Thread> threads, final RtLock lock)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        for (;;)
        {
            boolean all = true;
            for (final Thread t : threads)
            {
                all &= Thread.State.WAITING == t.getState() && lock == LockSupport.getBlocker(t);
            }
            if (all)
            {
                return;
            }
            if (System.nanoTime() - deadline > 0)
            {
                fail("the waiters did not all go to sleep on the lock");
            }
            Thread.yield();
        }
    }

    private static void joinAll(final List<Thread> threads) throws InterruptedException
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        for (final Thread t : threads)
        {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertFalse(t.isAlive(), "a thread never got through the lock");
        }
    }

    private static void await(final CyclicBarrier barrier)
    {
        try
        {
            barrier.await();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** A body that may throw. */
    @FunctionalInterface
    private interface ThrowingRunnable
    {
        void run() throws Exception;
    }
}
