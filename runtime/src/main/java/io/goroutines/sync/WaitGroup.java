package io.goroutines.sync;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.RtLock;
import io.goroutines.internal.sched.WaitQueue;
import io.goroutines.internal.sched.Waiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Go's {@code sync.WaitGroup}: waits for a collection of goroutines (or threads) to finish.
 * {@code new WaitGroup()} is the zero value, ready to use.
 *
 * <p>The counter is an atomic int changed by CAS, so {@link #add(int)} and {@link #done()} take no
 * lock unless they bring it to zero. Waiters queue under a small lock; the transition to zero is a
 * CAS made while holding the same lock, followed by the release of every queued waiter. So either a
 * waiter's critical section came first (the transition finds it queued) or it came second (it reads
 * zero and does not wait), and a waiter queued after a later {@code add} cannot be released by a
 * late transition of the round before.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code count >= 0};</li>
 *   <li>a waiter is queued only while {@code count > 0}.</li>
 * </ul>
 */
public final class WaitGroup
{
    /** Access to {@link #count}. */
    private static final VarHandle COUNT;

    static
    {
        try
        {
            COUNT = MethodHandles.lookup().findVarHandle(WaitGroup.class, "count", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Guards {@link #waiters}. */
    private final RtLock lock = new RtLock();
    /** Goroutines and threads in {@link #await()}. Guarded by lock. */
    private final WaitQueue waiters = new WaitQueue();
    /** The counter. */
    private volatile int count;

    /**
     * Adds {@code delta} (may be negative) to the counter; at zero every waiter is released.
     *
     * @throws IllegalStateException "sync: negative WaitGroup counter" (the counter is left unchanged)
     */
    public void add(final int delta)
    {
        for (;;)
        {
            final int c = count;
            final int n = c + delta;
            if (n < 0)
            {
                throw new IllegalStateException("sync: negative WaitGroup counter");
            }
            if (0 != n || 0 == delta)
            {
                if (COUNT.compareAndSet(this, c, n))
                {
                    return;
                }
                continue;
            }
            // The step to zero happens under the lock, so the waiters it releases are exactly those
            // queued before it: a waiter of the next round (after a new add) can never be released
            // by a late done() of this one.
            final Waiter head;
            lock.lock();
            try
            {
                if (!COUNT.compareAndSet(this, c, 0))
                {
                    continue;
                }
                head = waiters.pollAll();
                for (Waiter w = head; null != w; w = w.chained())
                {
                    w.complete();
                }
            }
            finally
            {
                lock.unlock();
            }
            Waiter.wakeAll(head);
            return;
        }
    }

    /** Decrements the counter by one. */
    public void done()
    {
        add(-1);
    }

    /**
     * Waits until the counter is zero. Returns at once when it is.
     *
     * @throws java.util.concurrent.CancellationException when a plain thread is interrupted while waiting
     */
    @Goroutine
    public void await()
    {
        final Waiter w = queueUnlessZero();
        if (null != w)
        {
            w.await(lock, this);
        }
    }

    /** The counter, for tests and diagnostics. */
    int count()
    {
        return count;
    }

    /** Goroutines and threads waiting, for tests. */
    int waiting()
    {
        lock.lock();
        try
        {
            return waiters.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Queues a waiter when the counter is not zero; returns it, or null. */
    private Waiter queueUnlessZero()
    {
        if (0 == count)
        {
            return null;
        }
        lock.lock();
        try
        {
            if (0 == count) // read under the lock: pairs with the zero CAS -> lock in add
            {
                return null;
            }
            final Waiter w = new Waiter("sync.WaitGroup.Wait");
            waiters.add(w);
            return w;
        }
        finally
        {
            lock.unlock();
        }
    }
}
