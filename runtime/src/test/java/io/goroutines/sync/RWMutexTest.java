package io.goroutines.sync;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

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
class RWMutexTest
{
    /** How long "still blocked" is watched for. */
    private static final long BLOCKED_NS = TimeUnit.MILLISECONDS.toNanos(30);

    @Test
    void shouldLetReadersHoldTogether()
    {
        // Go's TestParallelReaders with 3 readers: each holds its read lock until all have one.
        final RWMutex m = new RWMutex();
        final int n = 3;
        final Chan<Boolean> locked = Chan.make();
        final Chan<Boolean> unlock = Chan.make();
        final Chan<Boolean> done = Chan.make();
        for (int i = 0; i < n; i++)
        {
            Go.go(() ->
            {
                m.rLock();
                locked.send(true);
                unlock.recv();
                m.rUnlock();
                done.send(true);
            });
        }
        for (int i = 0; i < n; i++)
        {
            locked.recv();
        }
        assertEquals(n, m.state() & RWMutex.READERS, "all " + n + " hold the read lock at once");
        for (int i = 0; i < n; i++)
        {
            unlock.send(true);
        }
        for (int i = 0; i < n; i++)
        {
            done.recv();
        }
        assertEquals(0, m.state());
    }

    @Test
    void shouldTryLockAndTryRLock()
    {
        // Go's TestRWMutex (TryLock part).
        final RWMutex m = new RWMutex();
        assertTrue(m.tryLock());
        assertFalse(m.tryLock(), "write-locked");
        assertFalse(m.tryRLock(), "write-locked");
        m.unlock();
        assertTrue(m.tryRLock());
        assertTrue(m.tryRLock(), "read-locked: another reader may join");
        assertFalse(m.tryLock(), "read-locked: no writer");
        m.rUnlock();
        m.rUnlock();
        assertEquals(0, m.state());
        m.rLock();
        assertFalse(m.tryLock());
        m.rUnlock();
        m.lock();
        assertFalse(m.tryRLock());
        m.unlock();
        assertEquals(0, m.state());
    }

    @Test
    void shouldThrowOnMisuse()
    {
        final RWMutex m = new RWMutex();
        assertEquals("sync: RUnlock of unlocked RWMutex", assertThrows(IllegalStateException.class, m::rUnlock).getMessage());
        assertEquals("sync: Unlock of unlocked RWMutex", assertThrows(IllegalStateException.class, m::unlock).getMessage());
        assertEquals(0, m.state(), "left unchanged");

        m.lock();
        assertEquals("sync: RUnlock of unlocked RWMutex", assertThrows(IllegalStateException.class, m::rUnlock).getMessage(),
            "lock then rUnlock");
        assertFalse(m.tryRLock(), "still write-locked");
        m.unlock();

        m.rLock();
        assertEquals("sync: Unlock of unlocked RWMutex", assertThrows(IllegalStateException.class, m::unlock).getMessage(),
            "rLock then unlock");
        assertFalse(m.tryLock(), "still read-locked");
        m.rUnlock();

        m.lock();
        m.unlock();
        assertEquals("sync: Unlock of unlocked RWMutex", assertThrows(IllegalStateException.class, m::unlock).getMessage(),
            "double unlock");
        assertEquals(0, m.state());
    }

    @Test
    void shouldExcludeWritersFromReadersUnderHammer()
    {
        for (final int readers : new int[] {1, 3, 5, 10})
        {
            hammer(readers, 1_000);
        }
    }

    @Test
    void shouldBlockNewReadersOnceWriterWaits()
    {
        final RWMutex m = new RWMutex();
        final Queue<String> order = new ConcurrentLinkedQueue<>();
        final Chan<Boolean> releaseWriter = Chan.make();
        m.rLock(); // the first reader: this thread
        final CountDownLatch done = new CountDownLatch(2);
        Go.go(() ->
        {
            m.lock();
            order.add("writer");
            releaseWriter.recv();
            m.unlock();
            done.countDown();
        });
        await(() -> 1 == m.waitingWriters(), "the writer to wait for the reader");
        assertFalse(m.tryRLock(), "a waiting writer blocks new readers");
        Go.go(() ->
        {
            m.rLock();
            order.add("reader");
            m.rUnlock();
            done.countDown();
        });
        await(() -> 1 == m.waitingReaders(), "the second reader to queue");
        pause(BLOCKED_NS);
        assertTrue(order.isEmpty(), "neither the writer nor the new reader while the first reader holds");
        m.rUnlock(); // the last reader hands the lock to the writer
        await(() -> order.contains("writer"), "the writer to get the lock");
        pause(BLOCKED_NS);
        assertEquals(List.of("writer"), new ArrayList<>(order), "the new reader waits until the writer released");
        releaseWriter.send(true);
        await(() -> 0 == done.getCount(), "the reader after the writer");
        assertEquals(List.of("writer", "reader"), new ArrayList<>(order));
        assertEquals(0, m.state());
    }

    @Test
    void shouldGrantQueuedReadersBeforeNextWriter()
    {
        final RWMutex m = new RWMutex();
        final Queue<String> order = new ConcurrentLinkedQueue<>();
        final Chan<Boolean> releaseReaders = Chan.make();
        final WaitGroup wg = new WaitGroup();
        m.lock();
        wg.add(3);
        for (int i = 0; i < 2; i++)
        {
            Go.go(() ->
            {
                m.rLock();
                order.add("reader");
                releaseReaders.recv();
                m.rUnlock();
                wg.done();
            });
        }
        await(() -> 2 == m.waitingReaders(), "the readers to queue");
        Go.go(() ->
        {
            m.lock();
            order.add("writer");
            m.unlock();
            wg.done();
        });
        await(() -> 1 == m.waitingWriters(), "the second writer to queue");
        m.unlock(); // both readers get it; the writer claims and waits for them
        await(() -> 2 == order.size(), "the readers to get the lock together");
        assertEquals(List.of("reader", "reader"), new ArrayList<>(order));
        assertEquals(1, m.waitingWriters(), "the writer waits for the readers");
        assertFalse(m.tryRLock(), "the writer's claim blocks newcomers");
        releaseReaders.send(true);
        releaseReaders.send(true);
        wg.await();
        assertEquals(List.of("reader", "reader", "writer"), new ArrayList<>(order));
        assertEquals(0, m.state());
    }

    @Test
    void shouldReleaseBlockedReadersWhenDrainingWriterGivesUp()
    {
        final RWMutex m = new RWMutex();
        m.rLock();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread writer = new Thread(() -> failure.set(catching(m::lock)));
        writer.start();
        await(() -> 1 == m.waitingWriters(), "the writer to wait for the reader");
        final AtomicBoolean readerIn = new AtomicBoolean();
        final Chan<Boolean> releaseReader = Chan.make();
        final CountDownLatch readerDone = new CountDownLatch(1);
        Go.go(() ->
        {
            m.rLock();
            readerIn.set(true);
            releaseReader.recv();
            m.rUnlock();
            readerDone.countDown();
        });
        await(() -> 1 == m.waitingReaders(), "a reader to queue behind the writer");
        writer.interrupt();
        join(writer);
        assertInstanceOf(CancellationException.class, failure.get());
        await(readerIn::get, "the blocked reader to get in once the writer gave up");
        assertEquals(2, m.state() & RWMutex.READERS, "two readers hold the lock");
        assertEquals(0, m.waitingWriters());
        m.rUnlock();
        releaseReader.send(true);
        await(() -> 0 == readerDone.getCount(), "the reader to leave");
        assertEquals(0, m.state());
        assertTrue(m.tryLock(), "no claim is left behind");
        m.unlock();
    }

    @Test
    void shouldReleaseClaimWhenPromotedWriterGivesUp()
    {
        final RWMutex m = new RWMutex();
        m.lock();
        final CountDownLatch readerIn = new CountDownLatch(1);
        final CountDownLatch releaseReader = new CountDownLatch(1);
        final Thread reader = new Thread(() ->
        {
            m.rLock();
            readerIn.countDown();
            try
            {
                releaseReader.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            m.rUnlock();
        });
        reader.start();
        await(() -> 1 == m.waitingReaders(), "the reader to queue");
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread writer = new Thread(() -> failure.set(catching(m::lock)));
        writer.start();
        await(() -> 1 == m.waitingWriters(), "the second writer to queue");
        m.unlock(); // the reader gets the lock, the writer the claim: it now waits for the reader
        await(() -> 0 == readerIn.getCount(), "the reader to get in");
        assertEquals(1, m.waitingWriters(), "the writer drains");
        writer.interrupt();
        join(writer);
        assertInstanceOf(CancellationException.class, failure.get());
        assertEquals(1, m.state(), "one reader, no claim, no waiters");
        assertTrue(m.tryRLock(), "readers are welcome again");
        m.rUnlock();
        releaseReader.countDown();
        join(reader);
        assertEquals(0, m.state());
    }

    @Test
    void shouldLeaveQueuesWhenInterruptedPlainThreadsGiveUp()
    {
        final RWMutex m = new RWMutex();
        m.lock();
        final AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        final Thread reader = new Thread(() -> readerFailure.set(catching(m::rLock)));
        final Thread writer = new Thread(() -> writerFailure.set(catching(m::lock)));
        reader.start();
        writer.start();
        await(() -> 1 == m.waitingReaders() && 1 == m.waitingWriters(), "both to queue");
        reader.interrupt();
        writer.interrupt();
        join(reader);
        join(writer);
        assertInstanceOf(CancellationException.class, readerFailure.get());
        assertInstanceOf(CancellationException.class, writerFailure.get());
        assertEquals(0, m.waitingReaders() + m.waitingWriters());
        assertEquals(RWMutex.WRITER, m.state(), "still write-locked, no waiters left in the state");
        m.unlock();
        assertEquals(0, m.state());
    }

    @Test
    void shouldStayConsistentUnderRandomInterrupts()
    {
        final RWMutex m = new RWMutex();
        final int iterations = 3_000;
        final AtomicInteger activity = new AtomicInteger();
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicInteger cancelled = new AtomicInteger();
        final AtomicInteger passed = new AtomicInteger();
        final WaitGroup wg = new WaitGroup();
        final Runnable writer = () ->
        {
            for (int i = 0; i < iterations; i++)
            {
                if (enter(m::lock, cancelled))
                {
                    final int n = activity.addAndGet(10_000);
                    if (10_000 != n)
                    {
                        failure.compareAndSet(null, "writer saw activity " + n);
                    }
                    spin();
                    activity.addAndGet(-10_000);
                    passed.incrementAndGet();
                    m.unlock();
                }
            }
            Thread.interrupted();
            wg.done();
        };
        final Runnable reader = () ->
        {
            for (int i = 0; i < iterations; i++)
            {
                if (enter(m::rLock, cancelled))
                {
                    final int n = activity.incrementAndGet();
                    if (n < 1 || n >= 10_000)
                    {
                        failure.compareAndSet(null, "reader saw activity " + n);
                    }
                    spin();
                    activity.decrementAndGet();
                    passed.incrementAndGet();
                    m.rUnlock();
                }
            }
            Thread.interrupted();
            wg.done();
        };
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            threads.add(new Thread(0 == i % 3 ? writer : reader)); // 2 writers, 4 readers
        }
        wg.add(threads.size() + 2);
        threads.forEach(Thread::start);
        Go.go(writer::run);
        Go.go(reader::run);
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread interrupter = new Thread(() ->
        {
            for (int i = 0; !stop.get(); i++)
            {
                threads.get(i % threads.size()).interrupt();
                LockSupport.parkNanos(30_000);
            }
        });
        interrupter.start();
        wg.await();
        stop.set(true);
        join(interrupter);
        assertNull(failure.get());
        assertEquals(8 * iterations, passed.get() + cancelled.get());
        assertEquals(0, m.waitingReaders() + m.waitingWriters(), "no waiter left queued");
        assertEquals(0, m.state(), "unlocked, no stale bits");
        assertTrue(m.tryLock());
        m.unlock();
    }

    /**
     * Go's HammerRWMutex: two writers and {@code readers} readers; activity counts readers inside
     * plus 10000 per writer inside, so a reader must see 1..9999 and a writer exactly 10000.
     */
    private static void hammer(final int readers, final int iterations)
    {
        final RWMutex m = new RWMutex();
        final AtomicInteger activity = new AtomicInteger();
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicInteger reads = new AtomicInteger();
        final int[] writes = {0};
        final WaitGroup wg = new WaitGroup();
        wg.add(2 + readers);
        final Runnable writer = () ->
        {
            for (int i = 0; i < iterations; i++)
            {
                m.lock();
                final int n = activity.addAndGet(10_000);
                if (10_000 != n)
                {
                    failure.compareAndSet(null, "writer saw activity " + n);
                }
                writes[0]++;
                spin();
                activity.addAndGet(-10_000);
                m.unlock();
            }
            wg.done();
        };
        final Runnable reader = () ->
        {
            for (int i = 0; i < iterations; i++)
            {
                m.rLock();
                final int n = activity.incrementAndGet();
                if (n < 1 || n >= 10_000)
                {
                    failure.compareAndSet(null, "reader saw activity " + n);
                }
                reads.incrementAndGet();
                spin();
                activity.decrementAndGet();
                m.rUnlock();
            }
            wg.done();
        };
        Go.go(writer::run);
        int i = 0;
        for (; i < readers / 2; i++)
        {
            Go.go(reader::run);
        }
        new Thread(writer).start(); // one writer from a plain thread
        for (; i < readers; i++)
        {
            Go.go(reader::run);
        }
        wg.await();
        assertNull(failure.get(), readers + " readers");
        assertEquals(readers * iterations, reads.get());
        assertEquals(2 * iterations, writes[0], "a plain counter guarded by the write lock lost updates");
        assertEquals(0, m.state());
    }

    /** Go's empty loop inside the critical section. */
    private static void spin()
    {
        for (int i = 0; i < 100; i++)
        {
            Thread.onSpinWait();
        }
    }

    /** Locks with {@code lock}; false (counted, interrupt cleared) when an interrupt cancelled it. */
    private static boolean enter(final Runnable lock, final AtomicInteger cancelled)
    {
        try
        {
            lock.run();
            return true;
        }
        catch (final CancellationException ex)
        {
            Thread.interrupted();
            cancelled.incrementAndGet();
            return false;
        }
    }

    /** Runs {@code body}, returning what it threw, or an AssertionError when it returned. */
    private static Throwable catching(final Runnable body)
    {
        try
        {
            body.run();
            return new AssertionError("returned normally");
        }
        catch (final Throwable ex)
        {
            return ex;
        }
    }
}
