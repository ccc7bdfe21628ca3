package io.goroutines.sync;

import io.goroutines.Go;
import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MutexTest
{
    /** How long "still blocked" is watched for. */
    private static final long BLOCKED_NS = TimeUnit.MILLISECONDS.toNanos(30);

    @Test
    void shouldTryLockOnlyWhenUnlocked()
    {
        final Mutex m = new Mutex();
        assertTrue(m.tryLock());
        assertFalse(m.tryLock(), "locked");
        m.unlock();
        assertEquals(0, m.state());
        m.lock();
        assertFalse(m.tryLock());
        m.unlock();
        assertTrue(m.tryLock());
        m.unlock();
        assertEquals(0, m.state());
    }

    @Test
    void shouldThrowOnUnlockOfUnlockedMutex()
    {
        final Mutex m = new Mutex();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, m::unlock);
        assertEquals("sync: unlock of unlocked mutex", ex.getMessage());
        m.lock();
        m.unlock();
        assertEquals("sync: unlock of unlocked mutex", assertThrows(IllegalStateException.class, m::unlock).getMessage());
        assertEquals(0, m.state(), "the state is left unchanged");
        assertTrue(m.tryLock());
        m.unlock();
    }

    @Test
    void shouldLetAnotherGoroutineUnlock()
    {
        final Mutex m = new Mutex();
        m.lock();
        final CountDownLatch unlocked = new CountDownLatch(1);
        Go.go(() ->
        {
            m.unlock();
            unlocked.countDown();
        });
        await(() -> 0 == unlocked.getCount(), "the goroutine to unlock");
        assertTrue(m.tryLock(), "unlocked by the goroutine");
        final Thread t = new Thread(m::unlock);
        t.start();
        join(t);
        assertEquals(0, m.state(), "unlocked by the thread");
    }

    @Test
    void shouldBlockLockWhileHeld()
    {
        final Mutex m = new Mutex();
        m.lock();
        final AtomicInteger acquired = new AtomicInteger();
        Go.go(() ->
        {
            m.lock();
            acquired.incrementAndGet();
            m.unlock();
        });
        final Thread t = new Thread(() ->
        {
            m.lock();
            acquired.incrementAndGet();
            m.unlock();
        });
        t.start();
        await(() -> 2 == m.waiting(), "both to queue");
        pause(BLOCKED_NS);
        assertEquals(0, acquired.get(), "nobody gets a held mutex");
        m.unlock();
        await(() -> 2 == acquired.get(), "both to acquire");
        join(t);
        await(() -> 0 == m.state(), "the mutex to end unlocked");
    }

    @Test
    void shouldExcludeEachOtherUnderStress()
    {
        final Mutex m = new Mutex();
        final int goroutines = 8;
        final int threads = 2;
        final int iterations = 20_000;
        final int[] counter = {0};
        final AtomicBoolean inside = new AtomicBoolean();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger locked = new AtomicInteger();
        final WaitGroup wg = new WaitGroup();
        wg.add(goroutines + threads);
        final Runnable body = () ->
        {
            for (int i = 0; i < iterations; i++)
            {
                if (0 == i % 3) // Go's HammerMutex: every third round is a TryLock
                {
                    if (m.tryLock())
                    {
                        critical(inside, overlaps, counter);
                        locked.incrementAndGet();
                        m.unlock();
                    }
                    continue;
                }
                m.lock();
                critical(inside, overlaps, counter);
                locked.incrementAndGet();
                m.unlock();
            }
            wg.done();
        };
        for (int i = 0; i < goroutines; i++)
        {
            Go.go(body::run);
        }
        for (int i = 0; i < threads; i++)
        {
            new Thread(body).start();
        }
        wg.await();
        assertEquals(0, overlaps.get(), "two holders at once");
        assertEquals(locked.get(), counter[0], "a plain counter guarded by the mutex lost updates");
        assertEquals(0, m.waiting());
        assertEquals(0, m.state());
    }

    @Test
    void shouldHandOffToOldestWaiterWhenStarving()
    {
        final Mutex m = new Mutex();
        final Queue<String> order = new ConcurrentLinkedQueue<>();
        m.lock();
        final Waiting a = starve(m, order, "a", true);
        final Waiting b = locker(m, order, "b", false);
        await(() -> 2 == m.waiting(), "b to queue");
        final Waiting c = locker(m, order, "c", false);
        await(() -> 3 == m.waiting(), "c to queue");
        m.unlock();
        assertFalse(m.tryLock(), "starving: the unlock handed the mutex to the oldest waiter, a newcomer cannot take it");
        await(() -> order.contains("a"), "a to get the mutex");
        assertEquals(List.of("a"), new ArrayList<>(order), "a, the oldest, got it first");
        pause(BLOCKED_NS);
        assertEquals(List.of("a"), new ArrayList<>(order), "nobody else while a holds it");
        a.release().countDown();
        join(a.thread());
        join(b.thread());
        join(c.thread());
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(order), "FIFO hand-off");
        assertFalse(m.isStarving(), "the last hand-off leaves starvation mode");
        assertEquals(0, m.state());
    }

    @Test
    void shouldLetAnotherGoroutineAcquireWhileHolderLoops()
    {
        // Go's TestMutexFairness: the holder relocks at once after each 100 us critical section.
        final Mutex m = new Mutex();
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch holderDone = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        Go.go(() ->
        {
            while (!stop.get())
            {
                m.lock();
                Go.sleep(Duration.ofNanos(100_000));
                m.unlock();
            }
            holderDone.countDown();
        });
        Go.go(() ->
        {
            for (int i = 0; i < 10; i++)
            {
                Go.sleep(Duration.ofNanos(100_000));
                m.lock();
                m.unlock();
            }
            done.countDown();
        });
        try
        {
            assertTrue(done.await(10, TimeUnit.SECONDS), "can't acquire Mutex in 10 seconds");
        }
        catch (final InterruptedException ex)
        {
            fail("interrupted");
        }
        finally
        {
            stop.set(true);
        }
        await(() -> 0 == holderDone.getCount(), "the holder to stop");
        assertEquals(0, m.state());
    }

    @Test
    void shouldLeaveQueueWhenInterruptedPlainThreadGivesUp()
    {
        final Mutex m = new Mutex();
        m.lock();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean interrupted = new AtomicBoolean();
        final Thread t = new Thread(() ->
        {
            try
            {
                m.lock();
                failure.set(new AssertionError("locked a held mutex"));
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
                interrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        await(() -> 1 == m.waiting(), "the thread to queue");
        t.interrupt();
        join(t);
        assertInstanceOf(CancellationException.class, failure.get());
        assertTrue(interrupted.get(), "the interrupt status stays set");
        assertEquals(0, m.waiting(), "it left the queue");
        assertEquals(Mutex.LOCKED, m.state(), "no waiter is left behind in the state");
        m.unlock();
        assertEquals(0, m.state());
        assertTrue(m.tryLock());
        m.unlock();
    }

    @Test
    void shouldNotHandOffToStarvingWaiterThatGaveUp()
    {
        final Mutex m = new Mutex();
        final Queue<String> order = new ConcurrentLinkedQueue<>();
        m.lock();
        final Waiting a = starve(m, order, "a", false);
        final Waiting b = locker(m, order, "b", false);
        await(() -> 2 == m.waiting(), "b to queue");
        a.thread().interrupt();
        join(a.thread());
        assertEquals(List.of("a gave up"), new ArrayList<>(order));
        assertEquals(1, m.waiting());
        m.unlock(); // hands off to b, the one left
        join(b.thread());
        assertEquals(List.of("a gave up", "b"), new ArrayList<>(order));
        assertEquals(0, m.state());

        // The starving head alone gives up: the mutex must not wait for anyone to take a hand-off.
        m.lock();
        final Waiting c = starve(m, new ConcurrentLinkedQueue<>(), "c", false);
        c.thread().interrupt();
        join(c.thread());
        assertEquals(0, m.waiting());
        assertFalse(m.isStarving(), "nobody left to starve");
        m.unlock();
        assertEquals(0, m.state());
        assertTrue(m.tryLock(), "the mutex is free");
        m.unlock();
    }

    @Test
    void shouldStayConsistentUnderRandomInterrupts()
    {
        final Mutex m = new Mutex();
        final int threads = 6;
        final int goroutines = 2;
        final int iterations = 10_000;
        final int[] counter = {0};
        final AtomicInteger locked = new AtomicInteger();
        final AtomicInteger cancelled = new AtomicInteger();
        final AtomicBoolean inside = new AtomicBoolean();
        final AtomicInteger overlaps = new AtomicInteger();
        final WaitGroup wg = new WaitGroup();
        wg.add(threads + goroutines);
        final Runnable body = () ->
        {
            for (int i = 0; i < iterations; i++)
            {
                try
                {
                    m.lock();
                }
                catch (final CancellationException ex)
                {
                    Thread.interrupted();
                    cancelled.incrementAndGet();
                    continue;
                }
                critical(inside, overlaps, counter);
                locked.incrementAndGet();
                m.unlock();
            }
            Thread.interrupted();
            wg.done();
        };
        final List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++)
        {
            final Thread t = new Thread(body);
            workers.add(t);
            t.start();
        }
        for (int i = 0; i < goroutines; i++)
        {
            Go.go(body::run);
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread interrupter = new Thread(() ->
        {
            while (!stop.get())
            {
                workers.get(ThreadLocalRandom.current().nextInt(threads)).interrupt();
                LockSupport.parkNanos(20_000);
            }
        });
        interrupter.start();
        wg.await();
        stop.set(true);
        join(interrupter);
        assertEquals(0, overlaps.get(), "two holders at once");
        assertEquals(locked.get(), counter[0]);
        assertEquals(threads * iterations + goroutines * iterations, locked.get() + cancelled.get());
        assertEquals(0, m.waiting(), "no waiter left queued");
        assertEquals(0, m.state(), "unlocked, no stale bits: " + m.state());
        assertTrue(m.tryLock());
        m.unlock();
    }

    /**
     * Puts {@code m}, held by the caller, into starvation mode with one queued waiter: a thread that
     * has waited past the threshold is woken by an unlock, loses the mutex to the caller's immediate
     * tryLock, and requeues starving. In the rare round where the woken thread wins (seen in
     * {@code order}, which must be empty on entry), it is let go and the round repeated with a new one.
     *
     * @param holds whether the waiter, once it gets the mutex, holds it until released
     * @return the waiting thread and its release latch
     */
    private static Waiting starve(final Mutex m, final Queue<String> order, final String name, final boolean holds)
    {
        for (int round = 0; round < 100; round++)
        {
            final Waiting w = locker(m, order, name, holds);
            await(() -> 1 == m.waiting(), "the waiter to queue");
            pause(3 * Mutex.STARVATION_THRESHOLD_NS); // time passing, not synchronisation
            m.unlock();
            final boolean relocked = m.tryLock();
            if (relocked && order.isEmpty()) // empty: the waiter has not had the mutex in between
            {
                await(() -> m.isStarving() && 1 == m.waiting(), "the woken waiter to requeue starving");
                return w;
            }
            w.release().countDown(); // it won: let it go and start again
            join(w.thread());
            order.clear();
            if (!relocked)
            {
                m.lock();
            }
        }
        throw new AssertionError("the woken waiter won every round");
    }

    /**
     * Starts a thread that locks {@code m}, appends {@code name} to {@code order}, waits for its
     * release latch if {@code holds}, and unlocks; when cancelled it appends "{@code name} gave up".
     */
    private static Waiting locker(final Mutex m, final Queue<String> order, final String name, final boolean holds)
    {
        final CountDownLatch release = new CountDownLatch(1);
        final Thread t = new Thread(() ->
        {
            try
            {
                m.lock();
            }
            catch (final CancellationException ex)
            {
                order.add(name + " gave up");
                return;
            }
            order.add(name);
            if (holds)
            {
                awaitLatch(release);
            }
            m.unlock();
        }, "locker-" + name);
        t.start();
        return new Waiting(t, release);
    }

    /** A thread started by {@link #locker} and the latch that lets it unlock. */
    private record Waiting(Thread thread, CountDownLatch release)
    {
    }

    /** Waits for {@code latch} from a plain thread; fails after 20 s. */
    private static void awaitLatch(final CountDownLatch latch)
    {
        try
        {
            if (!latch.await(20, TimeUnit.SECONDS))
            {
                throw new AssertionError("latch not released");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /** A critical section that detects a second holder and increments a plain counter. */
    static void critical(final AtomicBoolean inside, final AtomicInteger overlaps, final int[] counter)
    {
        if (!inside.compareAndSet(false, true))
        {
            overlaps.incrementAndGet();
        }
        counter[0]++;
        for (int i = 0; i < 10; i++)
        {
            Thread.onSpinWait();
        }
        inside.set(false);
    }

    /** Lets time pass (not a synchronisation: callers check their conditions afterwards). */
    static void pause(final long ns)
    {
        final long deadline = System.nanoTime() + ns;
        for (long left = ns; left > 0; left = deadline - System.nanoTime())
        {
            LockSupport.parkNanos(left);
        }
    }
}
