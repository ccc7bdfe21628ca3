package io.goroutines.sync;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.Leaf;
import io.goroutines.internal.sched.LeafWaits;
import io.goroutines.internal.sched.RtLock;
import io.goroutines.internal.sched.Tokens;
import io.goroutines.internal.sched.WaitQueue;
import io.goroutines.internal.sched.Waiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Go's {@code sync.WaitGroup}: waits for a collection of goroutines (or threads) to finish.
 * {@code new WaitGroup()} is the zero value, ready to use.
 *
 * <p>As in Go, the counter and the number of waiters share one atomic word ({@code state}: the
 * counter in the high 32 bits, the waiters in the low 32). {@link #add(int)} and {@link #done()} are
 * one atomic add each and take no lock, even when they bring the counter to zero, unless someone
 * waits: only then does the step to zero take the lock, clear the whole word (by CAS) and release
 * every queued waiter. Under contention an atomic add never retries, where a CAS loop does. A
 * waiter counts itself in the word (by CAS, while the counter is not zero) and queues under the same
 * lock. So either its CAS came first (the step to zero sees a waiter and takes the lock, which the
 * waiter holds until it is queued) or the step to zero came first (the waiter reads zero and does not
 * wait); and a waiter queued after a later {@code add} cannot be released by a late step to zero of
 * the round before, which only clears the word it read.
 *
 * <p>Invariants:
 * <ul>
 *   <li>counter {@code >= 0}, except for a moment when a wrong {@code done()} is undone (see
 *       {@link #add(int)}); waiters are counted only while the counter is above zero, and a step that
 *       leaves it at zero with waiters counted clears the word;</li>
 *   <li>waiters {@code >=} the waiters queued: a plain thread that gives up its place (interrupted)
 *       leaves the queue but stays counted, so the next step to zero takes the lock for nothing,
 *       which is harmless.</li>
 * </ul>
 */
public final class WaitGroup
{
    /** Access to {@link #state}. */
    private static final VarHandle STATE;
    /** Where the counter starts in {@link #state}. */
    private static final int COUNTER_SHIFT = 32;
    /** The token rewritten code arms to call {@link #await}. */
    private static final int AWAIT_TOKEN = Tokens.of("await", "()V");

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(WaitGroup.class, "state", long.class);
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
    /** The counter (high 32 bits) and the number of waiters (low 32 bits). */
    private volatile long state;

    /**
     * Adds {@code delta} (may be negative) to the counter; at zero every waiter is released.
     *
     * <p>One atomic add, as in Go. The CAS loop it replaced retries under contention and took twice
     * as long in {@code SyncBench.goroutinesWaitGroupAddDone}. A step that takes the counter below
     * zero is undone at once, so another caller may glimpse the negative counter in between; that only
     * happens in a program that already called {@code done()} once too often, and then:
     * <ul>
     *   <li>a waiter takes the negative counter for zero, which it is once undone, and does not
     *       wait;</li>
     *   <li>a {@code done()} racing the wrong one may see the negative counter too, and throw and undo
     *       its own step as well: every caller that saw it gets the exception, none passes silently;</li>
     *   <li>whoever leaves the counter at zero with waiters counted releases them (an undo
     *       included).</li>
     * </ul>
     *
     * @throws IllegalStateException "sync: negative WaitGroup counter" (the counter is left unchanged)
     */
    public void add(final int delta)
    {
        final long d = (long)delta << COUNTER_SHIFT;
        final long s = (long)STATE.getAndAdd(this, d) + d;
        final int n = (int)(s >> COUNTER_SHIFT);
        if (n > 0)
        {
            return;
        }
        if (n < 0 && (delta < 0 || n - delta >= 0)) // this step went below zero (or wrapped): undo it
        {
            releaseIfZero((long)STATE.getAndAdd(this, -d) - d);
            throw new IllegalStateException("sync: negative WaitGroup counter");
        }
        releaseIfZero(s);
    }

    /**
     * After a step that left the word at {@code s}: when the counter is zero with waiters counted,
     * clears the word and releases every queued waiter. The clearing is a CAS under the lock, so the
     * waiters it releases are exactly those queued before it: a waiter of the next round (after a new
     * add) can never be released by a late done() of this one; and if the word changed meanwhile (a
     * new add), the waiters stay for the next step to zero.
     */
    private void releaseIfZero(final long s)
    {
        if (0 != (s >> COUNTER_SHIFT) || 0 == (int)s)
        {
            return;
        }
        Waiter head = null;
        lock.lock();
        try
        {
            for (;;)
            {
                final long now = state;
                if (0 != (now >> COUNTER_SHIFT) || 0 == (int)now)
                {
                    break;
                }
                if (STATE.compareAndSet(this, now, 0L))
                {
                    head = waiters.pollAll();
                    for (Waiter x = head; null != x; x = x.chained())
                    {
                        x.complete();
                    }
                    break;
                }
            }
        }
        finally
        {
            lock.unlock();
        }
        Waiter.wakeAll(head);
    }

    /** Decrements the counter by one. */
    public void done()
    {
        add(-1);
    }

    /**
     * Waits until the counter is zero. Returns at once when it is.
     *
     * <p>A hand-written leaf ({@link Leaf}, {@link LeafWaits}), as {@code Chan.recv} is: a park here
     * saves no frame of its own, its waiter being kept in the goroutine across the park.
     *
     * @throws java.util.concurrent.CancellationException when a plain thread is interrupted while waiting
     */
    @Leaf
    @Goroutine
    public void await()
    {
        final G g = G.current();
        final int how = LeafWaits.enter(g, AWAIT_TOKEN);
        if (G.SIG_RESUME == how)
        {
            LeafWaits.parkUntilDone(g, LeafWaits.resumed(g));
            return;
        }
        final Waiter w = queueUnlessZero();
        if (null == w)
        {
            return;
        }
        if (G.SIG_CALL == how)
        {
            LeafWaits.park(g, w, this); // done, or unwinding: either way this returns at once
            return;
        }
        LeafWaits.block(w, lock, this);
    }

    /** The counter, for tests and diagnostics. */
    int count()
    {
        return (int)(state >> COUNTER_SHIFT);
    }

    /** The waiters counted in the state word, for tests. */
    int waitersCounted()
    {
        return (int)state;
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

    /** Counts and queues a waiter when the counter is not zero; returns it, or null. */
    private Waiter queueUnlessZero()
    {
        if (state >> COUNTER_SHIFT <= 0)
        {
            return null;
        }
        lock.lock();
        try
        {
            for (;;)
            {
                final long s = state;
                if (s >> COUNTER_SHIFT <= 0) // zero, or a wrong done() about to be undone; pairs with releaseIfZero
                {
                    return null;
                }
                if ((int)s == -1)
                {
                    throw new IllegalStateException("sync: too many WaitGroup waiters");
                }
                if (STATE.compareAndSet(this, s, s + 1))
                {
                    break;
                }
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
