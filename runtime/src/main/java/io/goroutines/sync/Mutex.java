package io.goroutines.sync;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.RtLock;
import io.goroutines.internal.sched.Sched;
import io.goroutines.internal.sched.WaitQueue;
import io.goroutines.internal.sched.Waiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Go's {@code sync.Mutex}: a mutual exclusion lock. {@code new Mutex()} is the zero value, unlocked.
 * It is not reentrant (relocking from the holder waits forever) and not owned: any goroutine or
 * thread may unlock a locked mutex.
 *
 * <h2>Design (Go's sync/mutex.go, with a queue instead of a semaphore)</h2>
 * One int, {@code state}, is the whole story the fast paths need:
 * <pre>
 *   | 31 ............ 4 |    3    |    2     |   1   |   0    |
 *   |      unused       | WAITERS | STARVING | WOKEN | LOCKED |
 * </pre>
 * <ul>
 *   <li>{@code LOCKED}: somebody holds the mutex;</li>
 *   <li>{@code WOKEN}: a waiter was woken in normal mode and is on its way to compete, or a spinner
 *       will take the mutex, so an unlock need not wake another (Go's {@code mutexWoken});</li>
 *   <li>{@code STARVING}: starvation mode, unlock hands the mutex straight to the oldest waiter;</li>
 *   <li>{@code WAITERS}: a waiter is queued, so unlock must look at the queues. Go counts waiters in
 *       the state; one bit is enough here, because everything behind it is read under the lock.</li>
 * </ul>
 * Uncontended, {@code lock} is one CAS {@code 0 -> LOCKED} and {@code unlock} one CAS
 * {@code LOCKED -> 0}: no allocation and no lock taken; nor does an unlock while {@code WOKEN} is
 * set in normal mode, which only clears {@code LOCKED}. Everything else (queueing, waking, the
 * mode switches) happens under a small private lock that guards two {@link WaitQueue}s, and is
 * still written to {@code state} by CAS, because the fast paths, barging newcomers and spinners
 * change it without that lock; but only between exactly {@code 0} and {@code LOCKED}, from unlocked
 * to locked, from locked to unlocked with {@code WOKEN} set, or (a spinner) by adding {@code WOKEN}
 * to {@code LOCKED | WAITERS}. So a holder of the lock that sees {@code LOCKED | STARVING} knows
 * nobody else can change the state under it, and one that sees {@code LOCKED | WAITERS} retries its
 * CAS if a spinner or an unlock came first.
 *
 * <p><b>Normal mode</b>: waiters queue in FIFO order, but a woken waiter does not own the mutex: it
 * competes with newcomers, which are already running and usually win. A woken waiter that loses
 * requeues at the front ({@link #requeued}, served before {@link #waiters}), as Go's LIFO
 * semaphore requeue does. This gives throughput: the holder can relock at once, with no switch.
 *
 * <p><b>Starvation mode</b> (Go's {@code starvationThresholdNs}, 1 ms): a woken waiter that loses
 * after having waited more than 1 ms in all sets {@code STARVING} as it requeues. From then on
 * unlock passes ownership directly to the oldest waiter: {@code LOCKED} stays set, so newcomers
 * cannot barge: they queue behind. The unlocker leaves starvation mode when the waiter it hands to
 * is the last one, or has waited less than 1 ms (Go makes the same test in the woken waiter; here
 * the unlocker knows the waiter's start time, so the hand-off is one step with no unlocked window).
 * So {@code STARVING} implies {@code LOCKED}, and seeing {@code LOCKED} clear is enough for a newcomer.
 *
 * <p><b>Waiters that give up.</b> An interrupted plain thread (or a pinned park that throws under
 * {@code pinning=fail}) leaves its queue inside {@link Waiter#await(RtLock, Object)}, under the lock; it was
 * then never chosen by an unlock, because every choice (wake or hand-off) is made under the same
 * lock and completes the waiter. Afterwards it clears {@code WAITERS} (and {@code STARVING}) if the
 * queues are empty. Between the two steps {@code WAITERS} may be stale: that only sends an unlock
 * down the slow path, which finds the queues empty and simply unlocks. A woken waiter is out of
 * the queue and done before it runs, so it cannot be cancelled while it owns {@code WOKEN}; it
 * gives {@code WOKEN} up when it takes the mutex or requeues.
 *
 * <p>Before queueing, a contender spins as Go's does ({@code Sched.canSpin}: at most 4 times 30
 * pauses, on a multicore machine, while another P runs and this P's run queue is empty), taking
 * the mutex if it is freed meanwhile. As Go's spinner does, it sets {@code WOKEN} when waiters are
 * queued and none is woken, so that an unlock in the meantime wakes nobody (a woken waiter would only
 * lose to the spinner and requeue); it gives {@code WOKEN} up when it takes the mutex or queues.
 * A woken waiter spins again (the count starts over) before it requeues. Go counts waiters in the
 * state; a count would have to be repaired by every waiter that gives up, which the single bit
 * recomputed from the queues avoids.
 *
 * <p>Invariants (the first three checked by {@link #invariantsLocked()} under {@code -ea}):
 * <ul>
 *   <li>{@code STARVING} implies {@code LOCKED};</li>
 *   <li>{@code STARVING} and {@code WOKEN} are never both set;</li>
 *   <li>a queued waiter implies {@code WAITERS};</li>
 *   <li>{@code WOKEN} has one owner: a woken waiter or a spinner.</li>
 * </ul>
 */
public final class Mutex
{
    /** State bit: the mutex is held. */
    static final int LOCKED = 1;
    /** State bit: a waiter woken in normal mode is on its way; unlock wakes no other. */
    static final int WOKEN = 2;
    /** State bit: starvation mode, unlock hands off to the oldest waiter. */
    static final int STARVING = 4;
    /** State bit: a waiter may be queued; unlock takes the slow path. */
    static final int WAITERS = 8;
    /** A waiter that waited longer than this switches the mutex to starvation mode (Go: 1 ms). */
    static final long STARVATION_THRESHOLD_NS = 1_000_000L;
    /** Go's wait reason. */
    private static final String REASON = "sync.Mutex.Lock";
    /** Access to {@link #state}. */
    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** A goroutine or thread waiting in {@link #lock()}. */
    private static final class MutexWaiter extends Waiter
    {
        /** When the caller of {@link #lock()} first queued, carried over requeues. */
        final long waitStartNs;
        /** Set by an unlock in starvation mode: ownership was handed over. Guarded by the lock until done. */
        boolean owner;

        /**
         * A waiter for the current goroutine or thread.
         *
         * @param waitStartNs when its {@code lock()} call first queued
         */
        MutexWaiter(final long waitStartNs)
        {
            super(REASON);
            this.waitStartNs = waitStartNs;
        }
    }

    /** Guards {@link #requeued} and {@link #waiters}. */
    private final RtLock lock = new RtLock();
    /** Woken waiters that lost to a newcomer, oldest first; served before {@link #waiters}. Guarded by lock. */
    private final WaitQueue requeued = new WaitQueue();
    /** Waiters queued for the first time, oldest first. Guarded by lock. */
    private final WaitQueue waiters = new WaitQueue();
    /** {@code LOCKED | WOKEN | STARVING | WAITERS}; see the class comment. */
    private volatile int state;

    /**
     * Locks the mutex, waiting while it is held.
     *
     * @throws java.util.concurrent.CancellationException when a plain thread is interrupted while
     *         waiting (it does not hold the mutex then)
     */
    @Goroutine
    public void lock()
    {
        if (!STATE.compareAndSet(this, 0, LOCKED)) // the uncontended case: one CAS
        {
            lockSlow();
        }
    }

    /**
     * Locks the mutex if it is free, without waiting (Go's {@code TryLock}). It may take the mutex
     * before a woken waiter does, as a newcomer to {@link #lock()} may; it never takes it from a
     * starving waiter, since the mutex stays locked through a hand-off.
     *
     * @return true when the mutex is now held by the caller
     */
    public boolean tryLock()
    {
        for (;;)
        {
            final int s = state;
            if (0 != (s & (LOCKED | STARVING)))
            {
                return false;
            }
            if (STATE.compareAndSet(this, s, s | LOCKED))
            {
                return true;
            }
        }
    }

    /**
     * Unlocks the mutex; the caller need not be the goroutine that locked it.
     *
     * @throws IllegalStateException "sync: unlock of unlocked mutex" (the state is left unchanged)
     */
    public void unlock()
    {
        if (!STATE.compareAndSet(this, LOCKED, 0)) // the uncontended case: one CAS
        {
            unlockContended();
        }
    }

    /**
     * An unlock that found another bit set. With {@code WOKEN} in normal mode a spinner or a woken
     * waiter will take the mutex and nobody is to be woken: it just unlocks, without the lock (Go's
     * {@code unlockSlow} returns at once there too). Otherwise {@link #unlockSlow()} decides.
     */
    private void unlockContended()
    {
        for (;;)
        {
            final int s = state;
            if ((s & (LOCKED | WOKEN | STARVING)) != (LOCKED | WOKEN))
            {
                break;
            }
            if (STATE.compareAndSet(this, s, s & ~LOCKED))
            {
                return;
            }
        }
        final Waiter w = unlockSlow();
        if (null != w)
        {
            w.wake();
        }
    }

    /** Whether the mutex is in starvation mode, for tests. */
    boolean isStarving()
    {
        return 0 != (state & STARVING);
    }

    /** The state word, for tests. */
    int state()
    {
        return state;
    }

    /** Goroutines and threads queued, for tests. */
    int waiting()
    {
        lock.lock();
        try
        {
            return requeued.size() + waiters.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The contended lock: compete, else queue and wait; a woken waiter competes again, a waiter
     * handed the mutex in starvation mode returns owning it.
     */
    @Goroutine
    private void lockSlow()
    {
        boolean woken = false; // we own WOKEN: set while spinning, or given by the unlock that woke us
        boolean awoke = false; // we were woken from a queue: requeue at the front, on the starvation clock
        long waitStartNs = 0L; // meaningful once awoke
        int spins = 0;
        for (;;)
        {
            if (barge(woken))
            {
                return;
            }
            // Go's active spinning: held in normal mode by someone who may let go within microseconds
            final int s = state;
            if ((s & (LOCKED | STARVING)) == LOCKED && Sched.canSpin(spins))
            {
                // as Go's: with waiters queued and none woken, tell unlock not to wake one, since
                // this spinner will take the mutex (a woken waiter would only lose and requeue)
                if (!woken && (s & (WOKEN | WAITERS)) == WAITERS && STATE.compareAndSet(this, s, s | WOKEN))
                {
                    woken = true;
                }
                Sched.doSpin();
                spins++;
                continue;
            }
            final MutexWaiter w = acquireOrQueue(woken, awoke, waitStartNs);
            if (null == w)
            {
                return;
            }
            awaitTurn(w);
            if (w.owner) // read after await saw done: pairs with complete() in handOffLocked
            {
                return;
            }
            woken = true; // the unlock that woke us set WOKEN for us
            awoke = true;
            waitStartNs = w.waitStartNs;
            spins = 0; // a woken waiter spins again before it requeues, as Go's does
        }
    }

    /**
     * Takes the mutex without the lock when it is free (a free mutex is never starving).
     *
     * @param woken whether the caller owns {@code WOKEN}, which it then clears
     * @return true when the caller now holds the mutex
     */
    private boolean barge(final boolean woken)
    {
        for (;;)
        {
            final int s = state;
            if (0 != (s & (LOCKED | STARVING)))
            {
                return false;
            }
            assert !woken || 0 != (s & WOKEN) : "mutex: the owner of WOKEN finds it clear";
            if (STATE.compareAndSet(this, s, woken ? (s | LOCKED) & ~WOKEN : s | LOCKED))
            {
                return true;
            }
        }
    }

    /**
     * Under the lock: takes the mutex if it was freed meanwhile, else queues a waiter (a woken one at
     * the front, switching to starvation mode when it has waited over the threshold).
     *
     * @param woken       whether the caller owns {@code WOKEN}, which it gives up either way
     * @param awoke       whether the caller was woken from a queue (else it queues for the first time)
     * @param waitStartNs when the caller first queued, if {@code awoke}
     * @return the queued waiter, or null when the caller now holds the mutex
     */
    private MutexWaiter acquireOrQueue(final boolean woken, final boolean awoke, final long waitStartNs)
    {
        lock.lock();
        try
        {
            for (;;)
            {
                final int s = state;
                if (0 == (s & LOCKED))
                {
                    if (STATE.compareAndSet(this, s, woken ? (s | LOCKED) & ~WOKEN : s | LOCKED))
                    {
                        return null;
                    }
                    continue;
                }
                final long nowNs = System.nanoTime();
                final boolean starving = awoke && nowNs - waitStartNs > STARVATION_THRESHOLD_NS;
                int n = s | WAITERS;
                if (woken)
                {
                    n &= ~WOKEN;
                }
                if (starving)
                {
                    n |= STARVING;
                }
                // Fails when the holder's fast unlock (state exactly LOCKED) or a spinner's WOKEN came first.
                if (STATE.compareAndSet(this, s, n))
                {
                    final MutexWaiter w = new MutexWaiter(awoke ? waitStartNs : nowNs);
                    (awoke ? requeued : waiters).add(w);
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
     * Waits until woken or handed the mutex; if the wait is abandoned (interrupted plain thread,
     * {@code pinning=fail}) the waiter has left its queue, and the state is tidied before rethrowing.
     */
    @Goroutine
    private void awaitTurn(final MutexWaiter w)
    {
        try
        {
            w.await(lock, this);
        }
        catch (final RuntimeException ex)
        {
            leftQueue();
            throw ex;
        }
    }

    /** After a waiter gave up: clears WAITERS (and STARVING, which has nobody left to serve) if no one is queued. */
    private void leftQueue()
    {
        lock.lock();
        try
        {
            if (requeued.isEmpty() && waiters.isEmpty())
            {
                for (;;)
                {
                    final int s = state;
                    if (STATE.compareAndSet(this, s, s & ~(WAITERS | STARVING)))
                    {
                        break;
                    }
                }
            }
            assert invariantsLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The contended unlock, under the lock: unlocks and wakes the oldest waiter (normal mode, none
     * woken yet), or hands the mutex to the oldest waiter (starvation mode), or just unlocks.
     *
     * @return the waiter to wake after releasing the lock, or null
     * @throws IllegalStateException when the mutex is not locked
     */
    private Waiter unlockSlow()
    {
        lock.lock();
        try
        {
            for (;;)
            {
                final int s = state;
                if (0 == (s & LOCKED))
                {
                    throw new IllegalStateException("sync: unlock of unlocked mutex");
                }
                final int queued = requeued.size() + waiters.size();
                if (0 == queued || 0 != (s & WOKEN))
                {
                    // Nobody to wake (WAITERS was stale), or the woken one will find the mutex free.
                    final int n = 0 == queued ? s & WOKEN : s & ~LOCKED;
                    if (STATE.compareAndSet(this, s, n)) // may race a misuse unlock's fast CAS
                    {
                        assert invariantsLocked();
                        return null;
                    }
                    continue;
                }
                final boolean last = 1 == queued;
                if (0 != (s & STARVING))
                {
                    // LOCKED, STARVING, WAITERS: no one can change the state without the lock
                    return handOffLocked((MutexWaiter)(requeued.isEmpty() ? waiters : requeued).poll(), last);
                }
                // A spinner may set WOKEN meanwhile (it will take the mutex): then look again, and
                // take the waiter from its queue only once the CAS that wakes it succeeded.
                if (!STATE.compareAndSet(this, s, (s & ~(LOCKED | WAITERS)) | WOKEN | (last ? 0 : WAITERS)))
                {
                    continue;
                }
                final Waiter w = (requeued.isEmpty() ? waiters : requeued).poll();
                w.complete();
                assert invariantsLocked();
                return w;
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Starvation mode: passes ownership to {@code w}, the oldest waiter, just taken from its queue;
     * the mutex stays locked. Leaves starvation mode when {@code w} is the last waiter or waited
     * less than the threshold. Lock held.
     */
    private Waiter handOffLocked(final MutexWaiter w, final boolean last)
    {
        final boolean stay = !last && System.nanoTime() - w.waitStartNs > STARVATION_THRESHOLD_NS;
        final int s = state;
        final boolean cas = STATE.compareAndSet(this, s, LOCKED | (stay ? STARVING : 0) | (last ? 0 : WAITERS));
        assert cas : "mutex: state changed under the lock during hand-off";
        w.owner = true;
        w.complete(); // release: the new owner reads owner after seeing done
        assert invariantsLocked();
        return w;
    }

    /** The invariants of the class comment; lock held. */
    private boolean invariantsLocked()
    {
        final int s = state;
        return (0 == (s & STARVING) || 0 != (s & LOCKED)) &&
            (0 == (s & STARVING) || 0 == (s & WOKEN)) &&
            ((requeued.isEmpty() && waiters.isEmpty()) || 0 != (s & WAITERS));
    }
}
