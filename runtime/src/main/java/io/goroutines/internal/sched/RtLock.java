package io.goroutines.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The runtime's lock for short critical sections (Go's {@code runtime.mutex}): what channels,
 * {@code select} and the sync primitives guard their state with. Not reentrant, not owned (no owner
 * is recorded), and never held across a park: the sections it guards are a few dozen instructions
 * with nothing suspendable and no foreign code inside. Goroutine carriers and plain threads take it
 * alike; a carrier that waits for it blocks, for microseconds at most unless the holder is
 * descheduled.
 *
 * <h2>Design (Go's runtime/lock_futex.go, the futex mutex of Drepper's "Futexes Are Tricky")</h2>
 * One int, {@code state}: {@code 0} unlocked, {@code 1} locked, {@code 2} locked and some thread
 * may be asleep waiting for it.
 * <ul>
 *   <li>{@code lock}: one CAS {@code 0 -> 1}. Failing that, spin: {@link #SPINS} times, pause
 *       ({@link Thread#onSpinWait()}, Go's {@code procyield}; {@link #FIRST_PAUSES} pauses, twice as
 *       many each next time), then read {@code state} and CAS only if it reads {@code 0}
 *       (test-and-test-and-set); then the same after
 *       each of {@link #YIELDS} {@link Thread#yield()}s (Go's {@code osyield}); then sleep: swap in
 *       {@code 2} (acquired if the old value was {@code 0}), else park until woken, and start over
 *       with the spinning.</li>
 *   <li>{@code unlock}: one swap to {@code 0}; if the old value was {@code 2}, wake one sleeper.</li>
 *   <li>Sleeping emulates {@code futex_wait(state, 2)}: the thread pushes a {@link Node} on a
 *       lock-free stack, then re-reads {@code state} and parks only if it is still {@code 2}; an
 *       unlocker swaps {@code state} first and pops the stack after. Both sides are sequentially
 *       consistent, so either the sleeper sees the unlock (and does not park) or the unlocker sees
 *       the node (and wakes it): no wake-up is lost. A sleeper that does not park marks its node
 *       cancelled, and unlockers drop cancelled nodes.</li>
 *   <li>A woken sleeper does not own the lock, it competes for it, and takes it with {@code 2}, not
 *       {@code 1}: the unlock that woke it woke nobody else, so it stands in for the sleepers still
 *       on the stack (a newcomer may take the lock {@code 0 -> 1} before it; the woken one then swaps
 *       {@code 2} back in and sleeps again).</li>
 * </ul>
 *
 * <p>Why the checks are few and further and further apart: under contention the section's own cost
 * is small next to moving cache lines between cores, and every read of {@code state} by a waiter
 * takes the line from the holder, which must fetch it back for its next CAS. A waiter that polls
 * after every pause (about 40 ns here) slows the holder down more than it shortens its own wait;
 * one that backs off lets the holder run many sections in a row, while its first, early checks
 * still catch a lock that was held only briefly. Measured on two plain threads hammering one lock
 * ({@code RtLockBench}, ns per section and thread; 2-core Xeon at 2.5 GHz, Java 17; ranges over
 * runs): a check after every pause (100 checks) 310, checks every 60 pauses 95-113, this backoff
 * 130-148, the monitor the runtime used before 182-261, a non-fair {@code ReentrantLock}
 * 270-408; on a channel shared by two threads ({@code ChanThreadsBench.contended}, ns per
 * operation and thread): 254, 75-80, 88-95 and 133-194 with the monitor. Fixed gaps of 60 pauses did
 * best there but cost about 10% in {@code SelectBench.goroutinesProdCons}, whose selects hold three
 * locks at once and wait on held locks often; the backoff is even with the monitor there.
 *
 * <p>Why not spin only: a holder that the OS deschedules would make every waiter burn its slice;
 * here spinning is bounded (120 pauses and {@code YIELDS} yields), after
 * which waiters sleep. Why not the monitor: slower in both measurements once contended, and how it
 * spins is the JVM's choice, not tunable per lock. Why not {@code ReentrantLock}: slower still, with
 * an owner and a hold count the runtime does not need.
 *
 * <p>Interrupts are ignored, as a monitor's are: a thread interrupted while it sleeps here keeps
 * sleeping (a pending interrupt would make {@link LockSupport#park} return at once and turn the
 * sleep into a busy loop) and finds its interrupt status set again once it holds the lock. Wake-ups
 * are LIFO, as in Go's lock_sema.go: fairness is not a goal for sections this short. A stray permit
 * (an unlocker that pops a node whose thread did not park after all unparks it) is harmless: every
 * park in the runtime re-checks its condition.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code state} is 0, 1 or 2; it goes from 2 to 0 only by an unlock, which then wakes one
 *       sleeper that has not cancelled, if there is one;</li>
 *   <li>while a sleeper is parked, {@code state} is 2 or a thread that will set it to 2 before it
 *       holds the lock or sleeps (a woken sleeper) is on its way;</li>
 *   <li>a thread parks only on a node it pushed while {@code state} read 2 after the push; a node
 *       goes from waiting to woken (by exactly one unlocker) or to cancelled (by its sleeper), once;</li>
 *   <li>nodes are used once, so the stack's CAS sees no ABA.</li>
 * </ul>
 */
public final class RtLock
{
    /** {@link #state}: free. */
    private static final int UNLOCKED = 0;
    /** {@link #state}: held, nobody asleep. */
    private static final int LOCKED = 1;
    /** {@link #state}: held, and a thread may be asleep on the stack. */
    private static final int CONTENDED = 2;
    /**
     * Checks of a held lock before yielding. Few, and further and further apart: each check of a line
     * the holder keeps writing takes it away from the holder's core, so polling often slows the
     * holder down more than it shortens the wait (see the class comment).
     */
    static final int SPINS = 4;
    /**
     * Pauses ({@link Thread#onSpinWait()}, Go's {@code procyield}) before the first check; doubled
     * before each next one: 8, 16, 32, 64, which is Go's budget of 120 pauses (4 x 30). A pause takes
     * about 40 ns on current Intel server cores (140 cycles), so the spinning lasts about 5 us there
     * (less where a pause is shorter): many times a section's length, still under a sleep and a wake.
     */
    static final int FIRST_PAUSES = 8;
    /** Yields (Go's {@code osyield}) before sleeping; each also lets a descheduled holder run. */
    static final int YIELDS = 2;
    /** Access to {@link #state}. */
    private static final VarHandle STATE;
    /** Access to {@link #sleepers}. */
    private static final VarHandle SLEEPERS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(RtLock.class, "state", int.class);
            SLEEPERS = lookup.findVarHandle(RtLock.class, "sleepers", Node.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** {@link #UNLOCKED}, {@link #LOCKED} or {@link #CONTENDED}. */
    private volatile int state;
    /** Top of the stack of sleeping threads (and of cancelled nodes not yet popped). */
    private volatile Node sleepers;

    /**
     * Takes the lock, waiting while another thread holds it (spinning, then yielding, then parking).
     * Not interruptible. A call that throws (out of memory) did not take the lock.
     */
    public void lock()
    {
        if (!STATE.compareAndSet(this, UNLOCKED, LOCKED))
        {
            lockSlow();
        }
    }

    /**
     * Takes the lock if it is free.
     *
     * @return whether the caller now holds it
     */
    public boolean tryLock()
    {
        return UNLOCKED == state && STATE.compareAndSet(this, UNLOCKED, LOCKED);
    }

    /**
     * Releases the lock, waking one sleeping waiter if there may be one.
     *
     * @throws IllegalStateException when the lock was not held (it stays unlocked)
     */
    public void unlock()
    {
        final int s = (int)STATE.getAndSet(this, UNLOCKED);
        if (LOCKED != s)
        {
            unlockSlow(s);
        }
    }

    /** Whether some thread holds the lock (a snapshot), for assertions and tests. */
    public boolean isLocked()
    {
        return UNLOCKED != state;
    }

    /**
     * Spins, then yields, then sleeps, until it takes the lock; after a sleep, it spins again (as Go's
     * lock2) rather than sleeping again at once, since it was woken because the lock was freed.
     */
    private void lockSlow()
    {
        int take = LOCKED; // after a sleep: CONTENDED, since other threads may still sleep behind us
        boolean interrupted = false;
        while (!spinThenYield(take))
        {
            if (UNLOCKED == (int)STATE.getAndSet(this, CONTENDED))
            {
                break;
            }
            take = CONTENDED;
            interrupted |= sleep();
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The bounded busy phase: test-and-test-and-set, the tests spaced by more and more pauses (an
     * exponential backoff), then by yields.
     *
     * @param take the state to take the lock with: {@code LOCKED}, or {@code CONTENDED} once the
     *             caller has slept (a woken sleeper stands in for the others, whom the unlock that
     *             woke it did not wake; taking with {@code LOCKED} would strand them)
     * @return whether the caller now holds the lock
     */
    private boolean spinThenYield(final int take)
    {
        for (int i = 0, pauses = FIRST_PAUSES; i < SPINS; i++, pauses <<= 1)
        {
            for (int k = 0; k < pauses; k++)
            {
                Thread.onSpinWait();
            }
            if (UNLOCKED == state && STATE.compareAndSet(this, UNLOCKED, take))
            {
                return true;
            }
        }
        for (int i = 0; i < YIELDS; i++)
        {
            Thread.yield();
            if (UNLOCKED == state && STATE.compareAndSet(this, UNLOCKED, take))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code futex_wait(state, CONTENDED)}: parks until an unlock wakes this thread, unless
     * {@code state} is no longer {@code CONTENDED} once the thread is on the stack. May return
     * without the lock having been freed, as a futex wait may.
     *
     * @return whether the thread was interrupted meanwhile (the status is then cleared)
     */
    private boolean sleep()
    {
        final Node n = new Node(Thread.currentThread());
        Node top;
        do
        {
            top = sleepers;
            n.next = top;
        }
        while (!SLEEPERS.compareAndSet(this, top, n));
        boolean interrupted = false;
        if (CONTENDED == state) // read after the push: pairs with unlock's swap, then pop
        {
            while (Node.WAITING == n.status)
            {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        else
        {
            // False when an unlocker popped the node first and unparks this thread: a stray permit,
            // which every park tolerates (all of them re-check their condition).
            n.cancel();
        }
        return interrupted;
    }

    /** The unlock of a contended lock wakes one sleeper; of an unheld one, fails. */
    private void unlockSlow(final int s)
    {
        if (CONTENDED != s)
        {
            throw new IllegalStateException("rtlock: unlock of unlocked lock");
        }
        for (;;)
        {
            final Node n = sleepers;
            if (null == n)
            {
                return;
            }
            if (SLEEPERS.compareAndSet(this, n, n.next) && n.wake()) // a cancelled node is dropped
            {
                LockSupport.unpark(n.thread);
                return;
            }
        }
    }

    /** One sleep of one thread on the stack. */
    private static final class Node
    {
        /** {@link #status}: the thread may be parked on it. */
        static final int WAITING = 0;
        /** {@link #status}: an unlocker popped it and unparks the thread. */
        static final int WOKEN = 1;
        /** {@link #status}: the thread saw the lock change before parking and went on. */
        static final int CANCELLED = 2;
        /** Access to {@link #status}. */
        private static final VarHandle STATUS;

        static
        {
            try
            {
                STATUS = MethodHandles.lookup().findVarHandle(Node.class, "status", int.class);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }

        /** The sleeping thread; cleared when cancelled, so a node left on the stack holds no thread. */
        Thread thread;
        /** The node below on the stack; written before the push, read after a pop's read of the top. */
        Node next;
        /** {@link #WAITING}, then {@link #WOKEN} or {@link #CANCELLED}. */
        volatile int status;

        Node(final Thread thread)
        {
            this.thread = thread;
        }

        /** By an unlocker that popped the node: true when its thread is to be unparked. */
        boolean wake()
        {
            return STATUS.compareAndSet(this, WAITING, WOKEN);
        }

        /** By the node's thread, which did not park: false when an unlocker woke it first. */
        boolean cancel()
        {
            if (STATUS.compareAndSet(this, WAITING, CANCELLED))
            {
                thread = null; // read only by the unlocker whose wake() succeeds, which now none can
                return true;
            }
            return false;
        }
    }
}
