package io.goroutines.sync;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.RtLock;
import io.goroutines.internal.sched.WaitQueue;
import io.goroutines.internal.sched.Waiter;

import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * Go's {@code sync.Cond}: a rendezvous point for goroutines waiting for, or announcing, the change
 * of a condition guarded by a {@link Mutex}.
 *
 * <h2>Design (Go's sync/cond.go and runtime notifyList)</h2>
 * A FIFO of waiters under a small private lock. {@link #await()} queues its waiter <em>before</em>
 * it unlocks the mutex (Go takes its ticket before {@code L.Unlock}), so a signal sent by anyone who
 * takes the mutex after that unlock finds it queued: no wake-up is lost. It then waits and relocks.
 * {@link #signal()} completes the oldest waiter, {@link #broadcast()} every queued one; each waiter
 * is completed at most once (it leaves the queue as it is completed) and {@code await} returns only
 * once completed, so there are no spurious wake-ups, and a waiter that queues after a broadcast is
 * not woken by it.
 *
 * <p>A plain thread interrupted while waiting leaves the queue (so no signal is spent on it) and
 * gets a {@link CancellationException}; like one that was signalled, it relocks the mutex first, so
 * the caller's {@code finally { mu.unlock(); }} stays right. Relocking is not interruptible: an
 * interrupt that cancels the relock is remembered, the relock retried, and the interrupt status
 * restored afterwards (as {@code AbstractQueuedSynchronizer}'s conditions do).
 *
 * <p>Rejected: Go's ticket counters ({@code notifyList}'s {@code wait}/{@code notify}), which exist
 * because Go's waiters enqueue after taking a ticket without the lock; here taking the ticket and
 * queueing are one step under the lock, so the queue's order is the ticket order.
 *
 * <p>Invariants:
 * <ul>
 *   <li>a waiter is queued until completed by a signal or broadcast, or until it gives up;</li>
 *   <li>{@code await} returns (or throws) with the mutex held by the caller.</li>
 * </ul>
 */
public final class Cond
{
    /** Go's wait reason. */
    private static final String REASON = "sync.Cond.Wait";

    /** Go's {@code L}: held while observing or changing the condition. */
    private final Mutex mutex;
    /** Guards {@link #waiters}. */
    private final RtLock lock = new RtLock();
    /** Goroutines and threads in {@link #await()}, oldest first. Guarded by lock. */
    private final WaitQueue waiters = new WaitQueue();

    /**
     * A condition variable guarded by {@code mutex} ({@code sync.NewCond(&mu)}).
     *
     * @param mutex the mutex the waiters hold
     */
    public Cond(final Mutex mutex)
    {
        this.mutex = Objects.requireNonNull(mutex, "sync: nil Cond mutex");
    }

    /**
     * Unlocks the mutex, waits for a {@link #signal()} or {@link #broadcast()}, and relocks the mutex
     * before returning. The caller must hold the mutex. No spurious wake-ups.
     *
     * @throws IllegalStateException "sync: unlock of unlocked mutex" when the mutex is not locked
     * @throws CancellationException when a plain thread is interrupted while waiting (the mutex is
     *         relocked first; the interrupt status stays set)
     */
    @Goroutine
    public void await()
    {
        final Waiter w = enqueue();
        try
        {
            mutex.unlock();
        }
        catch (final IllegalStateException ex)
        {
            dequeue(w); // misuse: the caller did not hold the mutex; leave so no later signal is spent on it
            throw ex;
        }
        try
        {
            w.await(lock, this);
        }
        finally
        {
            relock();
        }
    }

    /** Wakes the oldest waiter, if any. The caller may but need not hold the mutex. */
    public void signal()
    {
        final Waiter w;
        lock.lock();
        try
        {
            w = waiters.poll();
            if (null == w)
            {
                return;
            }
            w.complete();
        }
        finally
        {
            lock.unlock();
        }
        w.wake();
    }

    /** Wakes every waiter queued now. The caller may but need not hold the mutex. */
    public void broadcast()
    {
        final Waiter head;
        lock.lock();
        try
        {
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

    /** Queues a waiter for the current goroutine or thread. */
    private Waiter enqueue()
    {
        final Waiter w = new Waiter(REASON);
        lock.lock();
        try
        {
            waiters.add(w);
        }
        finally
        {
            lock.unlock();
        }
        return w;
    }

    /** Takes a waiter back out of the queue (a signal that already completed it stays spent). */
    private void dequeue(final Waiter w)
    {
        lock.lock();
        try
        {
            waiters.remove(w);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Relocks the mutex, not interruptibly: a plain thread whose wait in {@code lock} is cancelled
     * by an interrupt clears it, tries again, and sets it again once it holds the mutex.
     */
    @Goroutine
    private void relock()
    {
        boolean interrupted = false;
        for (;;)
        {
            try
            {
                mutex.lock();
                break;
            }
            catch (final CancellationException ex)
            {
                interrupted = true; // only plain threads are cancelled
                Thread.interrupted();
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
