package io.goroutines.sync;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.RtLock;
import io.goroutines.internal.sched.WaitQueue;
import io.goroutines.internal.sched.Waiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Go's {@code sync.RWMutex}: a reader/writer mutual exclusion lock. {@code new RWMutex()} is the zero
 * value, unlocked. Any number of readers may hold it at once, or one writer. Not reentrant, not
 * owned.
 *
 * <h2>Design (Go's sync/rwmutex.go, in one word)</h2>
 * Go keeps a writers' Mutex, a signed reader count that a writer makes negative to announce itself,
 * a count of readers the writer still waits for, and two semaphores. Here one int says it all:
 * <pre>
 *   | 31 |   30    |   29   | 28 ....................... 0 |
 *   | 0  | WAITERS | WRITER |  readers holding the lock     |
 * </pre>
 * <ul>
 *   <li>{@code WRITER} is the writers' claim, held by at most one writer. With a reader count of
 *       zero the claimant holds the lock; with readers it waits for them to leave (the "drain").
 *       It is Go's negative reader count: while it is set, new readers queue;</li>
 *   <li>{@code WAITERS}: a reader or writer is queued, so {@code unlock} must take the slow path.</li>
 * </ul>
 * Uncontended, {@code rLock} and {@code rUnlock} are one CAS each ({@code +1}, {@code -1} while no
 * {@code WRITER}), as are {@code lock} ({@code 0 -> WRITER}) and {@code unlock}
 * ({@code WRITER -> 0}). The slow paths run under a small private lock guarding three
 * {@link WaitQueue}s: {@link #readers} (blocked by a writer's claim), {@link #writers} (blocked by
 * another writer's claim) and {@link #drain} (the claimant waiting for readers to leave: at most one).
 *
 * <p><b>Writer preference</b> (Go's rule): a writer that finds no claim takes it at once, even
 * while readers hold the lock, so the readers that come after it queue; the last departing reader
 * hands it the lock. A writer that finds a claim queues. On {@code unlock} the writer grants the
 * lock to every queued reader (they count as holding at once) and passes the claim to the oldest
 * queued writer, which then waits for those readers, all in one CAS. So readers and writers take
 * turns, and neither side can starve the other, as in Go (where the readers blocked by a writer
 * also go before the next writer).
 *
 * <p><b>Waiters that give up</b> (an interrupted plain thread, {@code pinning=fail}): a queued
 * reader or writer just leaves and clears {@code WAITERS} if the queues are empty. A writer in the
 * drain holds the claim, so when it gives up it releases the claim exactly as {@code unlock} does
 * (granting the queued readers, passing the claim on), except that readers may still hold the
 * lock. Whether it is in the drain is recorded in its waiter under the lock, since {@code unlock}
 * may move it there from {@link #writers}. In the moment between its leaving and its releasing, a
 * last departing reader finds the drain empty and just leaves; the claim's release then sees the
 * count it left.
 *
 * <p>Invariants (checked by {@link #invariantsLocked()} under {@code -ea}):
 * <ul>
 *   <li>a queued reader or writer implies {@code WRITER} and {@code WAITERS};</li>
 *   <li>a writer in the drain implies {@code WRITER} and a non-zero reader count;</li>
 *   <li>the drain holds at most one writer.</li>
 * </ul>
 */
public final class RWMutex
{
    /** Mask of the reader count. */
    static final int READERS = (1 << 29) - 1;
    /** State bit: a writer holds the claim (holds the lock once the reader count is zero). */
    static final int WRITER = 1 << 29;
    /** State bit: a reader or writer may be queued; unlock takes the slow path. */
    static final int WAITERS = 1 << 30;
    /** Go's wait reason of readers. */
    private static final String READ_REASON = "sync.RWMutex.RLock";
    /** Go's wait reason of writers. */
    private static final String WRITE_REASON = "sync.RWMutex.Lock";
    /** Access to {@link #state}. */
    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(RWMutex.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** A writer waiting in {@link #lock()}. */
    private static final class WriterWaiter extends Waiter
    {
        /** Whether it holds the claim and waits in the drain. Guarded by the lock. */
        boolean claimed;

        /** A waiter for the current goroutine or thread. */
        WriterWaiter()
        {
            super(WRITE_REASON);
        }
    }

    /** Guards the queues. */
    private final RtLock lock = new RtLock();
    /** Readers waiting for a writer's claim to go, oldest first. Guarded by lock. */
    private final WaitQueue readers = new WaitQueue();
    /** Writers waiting for another writer's claim, oldest first. Guarded by lock. */
    private final WaitQueue writers = new WaitQueue();
    /** The claimant waiting for the readers to leave; at most one. Guarded by lock. */
    private final WaitQueue drain = new WaitQueue();
    /** {@code WAITERS | WRITER | reader count}; see the class comment. */
    private volatile int state;

    /**
     * Locks for reading, waiting while a writer holds the lock or waits for it.
     *
     * @throws java.util.concurrent.CancellationException when a plain thread is interrupted while
     *         waiting (it does not hold the lock then)
     */
    @Goroutine
    public void rLock()
    {
        final int s = state;
        if (0 != (s & WRITER) || READERS == (s & READERS) || !STATE.compareAndSet(this, s, s + 1))
        {
            rLockSlow();
        }
    }

    /**
     * Locks for reading if no writer holds the lock or waits for it, without waiting.
     *
     * @return true when the caller now holds a read lock
     */
    public boolean tryRLock()
    {
        for (;;)
        {
            final int s = state;
            if (0 != (s & WRITER))
            {
                return false;
            }
            checkReaders(s);
            if (STATE.compareAndSet(this, s, s + 1))
            {
                return true;
            }
        }
    }

    /**
     * Undoes one {@link #rLock()}; the last reader to leave hands the lock to a waiting writer.
     *
     * @throws IllegalStateException "sync: RUnlock of unlocked RWMutex" when no reader holds it
     */
    public void rUnlock()
    {
        for (;;)
        {
            final int s = state;
            final int r = s & READERS;
            if (0 == r || (0 != (s & WRITER) && 1 == r))
            {
                break; // misuse, or the last reader before a writer: under the lock
            }
            if (STATE.compareAndSet(this, s, s - 1))
            {
                return;
            }
        }
        final Waiter w = rUnlockSlow();
        if (null != w)
        {
            w.wake();
        }
    }

    /**
     * Locks for writing, waiting while readers or another writer hold the lock. From the moment it
     * waits, new readers wait too.
     *
     * @throws java.util.concurrent.CancellationException when a plain thread is interrupted while
     *         waiting (it does not hold the lock then)
     */
    @Goroutine
    public void lock()
    {
        if (!STATE.compareAndSet(this, 0, WRITER)) // the uncontended case: one CAS
        {
            final WriterWaiter w = claimOrQueue();
            if (null != w)
            {
                awaitWriter(w);
            }
        }
    }

    /**
     * Locks for writing if nobody holds the lock, without waiting.
     *
     * @return true when the caller now holds the write lock
     */
    public boolean tryLock()
    {
        for (;;)
        {
            final int s = state;
            if (0 != (s & (WRITER | READERS)))
            {
                return false;
            }
            if (STATE.compareAndSet(this, s, s | WRITER))
            {
                return true;
            }
        }
    }

    /**
     * Undoes {@link #lock()}: the queued readers get the lock, and the oldest queued writer the claim.
     *
     * @throws IllegalStateException "sync: Unlock of unlocked RWMutex" when no writer holds it
     */
    public void unlock()
    {
        if (!STATE.compareAndSet(this, WRITER, 0)) // the uncontended case: one CAS
        {
            Waiter.wakeAll(unlockSlow());
        }
    }

    /** The state word, for tests. */
    int state()
    {
        return state;
    }

    /** Readers queued, for tests. */
    int waitingReaders()
    {
        lock.lock();
        try
        {
            return readers.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Writers queued or draining, for tests. */
    int waitingWriters()
    {
        lock.lock();
        try
        {
            return writers.size() + drain.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** The contended read lock: spin on the CAS while no writer claims, else queue and wait. */
    @Goroutine
    private void rLockSlow()
    {
        for (;;)
        {
            final int s = state;
            if (0 != (s & WRITER))
            {
                break;
            }
            checkReaders(s);
            if (STATE.compareAndSet(this, s, s + 1))
            {
                return;
            }
        }
        final Waiter w = readLockOrQueue();
        if (null == w)
        {
            return;
        }
        try
        {
            w.await(lock, this); // done means granted: the unlocking writer counted us in
        }
        catch (final RuntimeException ex)
        {
            leftQueue();
            throw ex;
        }
    }

    /**
     * Under the lock: takes a read lock if the claim went meanwhile, else queues.
     *
     * @return the queued waiter, or null when the caller now holds a read lock
     */
    private Waiter readLockOrQueue()
    {
        lock.lock();
        try
        {
            for (;;)
            {
                final int s = state;
                if (0 == (s & WRITER))
                {
                    checkReaders(s);
                    if (STATE.compareAndSet(this, s, s + 1))
                    {
                        return null;
                    }
                    continue;
                }
                if (STATE.compareAndSet(this, s, s | WAITERS))
                {
                    final Waiter w = new Waiter(READ_REASON);
                    readers.add(w);
                    assert invariantsLocked();
                    return w;
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Under the lock: takes the claim if nobody has it (holding the lock when no reader does, else
     * entering the drain), or queues behind the claimant.
     *
     * @return the queued waiter, or null when the caller now holds the write lock
     */
    private WriterWaiter claimOrQueue()
    {
        lock.lock();
        try
        {
            for (;;)
            {
                final int s = state;
                final boolean claim = 0 == (s & WRITER);
                if (STATE.compareAndSet(this, s, s | (claim ? WRITER : WAITERS)))
                {
                    if (claim && 0 == (s & READERS))
                    {
                        return null;
                    }
                    final WriterWaiter w = new WriterWaiter();
                    w.claimed = claim;
                    (claim ? drain : writers).add(w);
                    assert invariantsLocked();
                    return w;
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Waits until the lock is handed over; a writer that gives up leaves its queue, and releases the
     * claim if it held it.
     */
    @Goroutine
    private void awaitWriter(final WriterWaiter w)
    {
        try
        {
            w.await(lock, this); // done means the lock is ours
        }
        catch (final RuntimeException ex)
        {
            Waiter.wakeAll(writerLeft(w));
            throw ex;
        }
    }

    /**
     * After a writer gave up (it has left its queue): releases its claim if it had one.
     *
     * @return the chain of waiters to wake after releasing the lock, or null
     */
    private Waiter writerLeft(final WriterWaiter w)
    {
        lock.lock();
        try
        {
            if (w.claimed)
            {
                return releaseClaimLocked();
            }
            clearWaitersIfIdleLocked();
            return null;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** After a reader gave up (it has left its queue): clears WAITERS if nobody is queued. */
    private void leftQueue()
    {
        lock.lock();
        try
        {
            clearWaitersIfIdleLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Clears WAITERS if no reader or writer is queued; lock held. */
    private void clearWaitersIfIdleLocked()
    {
        if (readers.isEmpty() && writers.isEmpty())
        {
            for (;;)
            {
                final int s = state;
                if (STATE.compareAndSet(this, s, s & ~WAITERS))
                {
                    break;
                }
            }
        }
        assert invariantsLocked();
    }

    /**
     * The last reader before a claimant, or a misuse, under the lock: leaves, and hands the lock
     * to the claimant in the drain if it was the last reader.
     *
     * @return the writer to wake after releasing the lock, or null
     */
    private Waiter rUnlockSlow()
    {
        lock.lock();
        try
        {
            for (;;)
            {
                final int s = state;
                final int r = s & READERS;
                if (0 == r)
                {
                    throw new IllegalStateException("sync: RUnlock of unlocked RWMutex");
                }
                if (STATE.compareAndSet(this, s, s - 1))
                {
                    if (1 != r || 0 == (s & WRITER) || drain.isEmpty())
                    {
                        return null; // an empty drain: the claimant gave up and is releasing the claim
                    }
                    final Waiter w = drain.poll();
                    w.complete();
                    assert invariantsLocked();
                    return w;
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The contended write unlock, under the lock.
     *
     * @return the chain of waiters to wake after releasing the lock, or null
     * @throws IllegalStateException when no writer holds the lock
     */
    private Waiter unlockSlow()
    {
        lock.lock();
        try
        {
            if (WRITER != (state & (WRITER | READERS)))
            {
                throw new IllegalStateException("sync: Unlock of unlocked RWMutex");
            }
            return releaseClaimLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Releases the writers' claim, lock held: every queued reader is counted in as holding the
     * lock, and the oldest queued writer takes the claim (holding the lock if no reader does, else
     * entering the drain), in one CAS so that no newcomer slips in between. The reader count may be
     * non-zero here only when a claimant in the drain gave up.
     *
     * @return the chain of waiters to wake after releasing the lock: the granted readers, or the
     *         writer now holding the lock (never both), or null
     */
    private Waiter releaseClaimLocked()
    {
        final int granted = readers.size();
        final int queuedWriters = writers.size();
        int r;
        for (;;)
        {
            final int s = state; // readers still holding may leave meanwhile (fast rUnlock while r > 1)
            r = (s & READERS) + granted;
            assert r <= READERS : "rwmutex: reader count overflow";
            final int n = r | (0 == queuedWriters ? 0 : WRITER) | (1 < queuedWriters ? WAITERS : 0);
            if (STATE.compareAndSet(this, s, n))
            {
                break;
            }
        }
        final Waiter head = readers.pollAll();
        for (Waiter w = head; null != w; w = w.chained())
        {
            w.complete();
        }
        if (0 == queuedWriters)
        {
            assert invariantsLocked();
            return head;
        }
        final WriterWaiter w = (WriterWaiter)writers.poll();
        if (0 == r)
        {
            w.complete(); // no reader: it holds the lock now
            assert invariantsLocked();
            return w;
        }
        w.claimed = true;
        drain.add(w);
        assert invariantsLocked();
        return head;
    }

    /** Fails before the reader count would overflow into the flags. */
    private static void checkReaders(final int s)
    {
        if (READERS == (s & READERS))
        {
            throw new IllegalStateException("sync: too many readers of RWMutex");
        }
    }

    /** The invariants of the class comment; lock held. */
    private boolean invariantsLocked()
    {
        final int s = state;
        final boolean claimed = 0 != (s & WRITER);
        return ((readers.isEmpty() && writers.isEmpty()) || (claimed && 0 != (s & WAITERS))) &&
            (drain.isEmpty() || (claimed && 0 != (s & READERS))) &&
            drain.size() <= 1;
    }
}
