package io.goroutines.internal.sched;

import java.util.function.Consumer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A P's local run queue (Go's {@code runq}, {@code runqhead}, {@code runqtail} and {@code runnext}):
 * a fixed ring of 256 goroutines that only its owner adds to, plus one {@code runnext} slot.
 *
 * <h2>Protocol (after Go's proc.go: runqput, runqget, runqgrab, runqsteal)</h2>
 * <ul>
 *   <li>The <b>owner</b> (the carrier holding the P) is the only thread that writes slots and
 *       {@link #tail}: it writes the slot, then publishes it with a release store of the tail.</li>
 *   <li><b>Consumers</b> (the owner popping, thieves stealing) read the slots they want and then
 *       claim them with one CAS of {@link #head}; a consumer whose CAS fails read slots that may
 *       already have been reused, so it throws them away and retries.</li>
 *   <li>A thief takes half of what it sees ({@code n - n/2}) in one CAS and copies it into its own
 *       ring, then publishes its own tail; the first stolen goroutine is returned to run at once.</li>
 *   <li>{@link #runnext} is set only by the owner (with a CAS, since a thief may have cleared it);
 *       others may only CAS it to null, and thieves do so only as a last resort: from a running
 *       victim only after a grace of 3 us (Go's usleep(3)) in which the victim did not fill it again
 *       (a fill counter tells a refill with the same goroutine from no change at all).</li>
 *   <li>A running victim's ring of one goroutine is treated as its {@code runnext} (not in Go):
 *       taken on the last pass only, after the same grace, if the victim did not take it. It is
 *       most often a goroutine the victim readied into {@code runnext} and then pushed out by
 *       readying another, which the victim runs within microseconds; stealing it split the
 *       communicating goroutines of {@code ChanBench.goroutinesProdCons} over the two cores (771,826
 *       ring steals of exactly one goroutine against 44 of a runnext in 8M items).</li>
 *   <li>A full ring moves half of itself, plus the new goroutine, to the global queue in one batch
 *       ({@code runqputslow}), so a flood of spawns does not pile up on one P.</li>
 * </ul>
 * Index arithmetic is on unbounded ints that wrap; {@code tail - head} is the length in every case.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code 0 <= tail - head <= 256}, as seen by the owner;</li>
 *   <li>slots {@code [head, tail)} hold distinct goroutines in state RUNNABLE, none of them in
 *       {@code runnext} or any other queue;</li>
 *   <li>a goroutine leaves the queue only through a successful CAS of {@code head} or
 *       {@code runnext}, so it is never handed out twice.</li>
 * </ul>
 * The owner clears a slot after popping it, so a popped goroutine is not kept reachable by the
 * ring; slots that a thief took stay set until the owner reuses them (a bounded, short-lived
 * reference to a goroutine that is running or parked elsewhere).
 *
 * <p>Layout: {@code head}/{@code tail} and {@code runnext} sit on cache lines of their own (padding
 * superclasses, as Agrona pads its queues). A communicating pair writes {@code runnext} at every
 * hand-off; a spinning carrier polls other Ps' rings; sharing a line, every poll would pull the line
 * away from the pair's carrier.
 */
final class RunQueue extends RunQueuePad2
{
    /** Capacity of the ring, Go's 256. */
    static final int SIZE = 256;
    /** Index mask. */
    private static final int MASK = SIZE - 1;

    /** Access to {@link #head}. */
    private static final VarHandle HEAD;
    /** Access to {@link #tail}. */
    private static final VarHandle TAIL;
    /** Access to {@link #runnext}. */
    private static final VarHandle RUNNEXT;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(RunQueueRing.class, "head", int.class);
            TAIL = lookup.findVarHandle(RunQueueRing.class, "tail", int.class);
            RUNNEXT = lookup.findVarHandle(RunQueueNext.class, "runnext", G.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The ring. Slots are plain; the head CAS and the tail release/acquire order them. */
    private final G[] buf = new G[SIZE];

    /**
     * Owner only: adds a runnable goroutine. With {@code next} it goes to {@code runnext}, and the
     * goroutine that was there (if any) goes to the tail of the ring.
     *
     * @param g        the goroutine, already RUNNABLE
     * @param next     whether it should run next (readied by the running goroutine)
     * @param overflow where half of a full ring goes
     */
    void put(final G g, final boolean next, final GlobalQueue overflow)
    {
        G toRing = g;
        if (next)
        {
            runnextFills++;
            G old = runnext;
            if (null == old)
            {
                // others only ever clear a non-null runnext, so an empty one is ours to fill
                RUNNEXT.setRelease(this, g);
                return;
            }
            while (!RUNNEXT.compareAndSet(this, old, g))
            {
                old = runnext;
            }
            if (null == old)
            {
                return;
            }
            toRing = old;
        }
        for (;;)
        {
            final int h = (int)HEAD.getAcquire(this);
            final int t = (int)TAIL.get(this);
            if (t - h < SIZE)
            {
                buf[t & MASK] = toRing;
                TAIL.setRelease(this, t + 1);
                return;
            }
            if (putSlow(toRing, h, t, overflow))
            {
                return;
            }
            // a consumer took some in the meantime: there is room now
        }
    }

    /** Moves half of a full ring plus {@code g} to the global queue; false when the ring changed under us. */
    private boolean putSlow(final G g, final int h, final int t, final GlobalQueue overflow)
    {
        final int n = (t - h) / 2;
        final G[] batch = new G[n + 1];
        for (int i = 0; i < n; i++)
        {
            batch[i] = buf[(h + i) & MASK];
        }
        if (!HEAD.compareAndSet(this, h, h + n))
        {
            return false;
        }
        batch[n] = g;
        overflow.putBatch(batch, n + 1);
        return true;
    }

    /**
     * Owner only: takes the next goroutine, {@code runnext} first ({@link #lastWasNext} says which).
     *
     * @return a goroutine, or null when the queue is empty
     */
    G get()
    {
        final G next = runnext;
        if (null != next && RUNNEXT.compareAndSet(this, next, null))
        {
            lastWasNext = true;
            return next;
        }
        lastWasNext = false;
        for (;;)
        {
            final int h = (int)HEAD.getAcquire(this);
            final int t = (int)TAIL.get(this);
            if (t == h)
            {
                return null;
            }
            final G g = buf[h & MASK];
            if (HEAD.compareAndSet(this, h, h + 1))
            {
                buf[h & MASK] = null; // only the owner writes slots; a stale thief's CAS fails anyway
                return g;
            }
        }
    }

    /**
     * Any thread: copies half of this queue into {@code batch} (a ring of {@link #SIZE}) starting at
     * {@code batchHead}, and claims it.
     *
     * @param batch         the thief's ring
     * @param batchHead     where to start writing (the thief's tail)
     * @param stealRunnext  whether this is the last pass: take {@code runnext} when the ring is
     *                      empty, and a running victim's ring of one
     * @param victimRunning whether the victim's carrier is running a goroutine (then let it start
     *                      its runnext, or the one goroutine of its ring, first, as Go's usleep(3))
     * @return how many goroutines were taken
     */
    private int grab(final G[] batch, final int batchHead, final boolean stealRunnext, final boolean victimRunning)
    {
        for (;;)
        {
            final int h = (int)HEAD.getAcquire(this);
            final int t = (int)TAIL.getAcquire(this);
            int n = t - h;
            n = n - n / 2;
            if (0 == n)
            {
                if (stealRunnext)
                {
                    final G next = runnext;
                    final int fills = runnextFills; // read after runnext: at least the fill that stored next
                    if (null != next)
                    {
                        if (victimRunning)
                        {
                            // The victim is probably about to switch to it (a channel hand-off takes
                            // well under a microsecond): give it that chance, as Go does with usleep(3).
                            // If it did, leave it alone, even when runnext holds the same goroutine
                            // again (Go would look again and take it): the victim is busy handing
                            // off, as a communicating pair does at every step, and taking one of the
                            // pair would split it over two carriers that must wake each other.
                            yieldFor(RUNNEXT_GRACE_NS);
                            if (runnext != next || runnextFills != fills)
                            {
                                return 0;
                            }
                        }
                        if (!RUNNEXT.compareAndSet(this, next, null))
                        {
                            continue;
                        }
                        batch[batchHead & MASK] = next;
                        return 1;
                    }
                }
                return 0;
            }
            if (n > SIZE / 2)
            {
                continue; // head and tail read at different times: inconsistent, read again
            }
            if (1 == t - h && victimRunning)
            {
                // A ring of one behind a running victim is most often a goroutine it readied and then
                // pushed out of runnext by readying another (a producer waking two consumers): it
                // gets to it within microseconds, so it gets runnext's treatment (not in Go). Only
                // on the last pass, after the grace, and only if the victim has not taken it.
                if (!stealRunnext)
                {
                    return 0;
                }
                yieldFor(RUNNEXT_GRACE_NS);
                if ((int)HEAD.getAcquire(this) != h)
                {
                    return 0;
                }
            }
            for (int i = 0; i < n; i++)
            {
                batch[(batchHead + i) & MASK] = buf[(h + i) & MASK];
            }
            if (HEAD.compareAndSet(this, h, h + n))
            {
                return n;
            }
        }
    }

    /** How long a thief lets a running victim start its runnext before stealing it: Go's 3 us. */
    static final long RUNNEXT_GRACE_NS = 3_000L;

    /**
     * Waits about {@code ns}, yielding the CPU meanwhile (parkNanos sleeps tens of microseconds at
     * least). A yield, not a busy spin: the kernel often runs a carrier it has just woken on the
     * CPU of its waker, which is the victim's carrier, and a busy spin there would keep the victim
     * from doing the very thing the thief waits for (see {@link Sched#SPIN_NS}).
     */
    private static void yieldFor(final long ns)
    {
        final long end = System.nanoTime() + ns;
        while (System.nanoTime() - end < 0)
        {
            Thread.yield();
        }
    }

    /**
     * Owner of this queue only, and only while it is empty: steals half of {@code victim}'s queue
     * into this one.
     *
     * @param victim        the queue to steal from
     * @param stealRunnext  whether to take the victim's {@code runnext} as a last resort
     * @param victimRunning whether the victim is running a goroutine
     * @return a stolen goroutine to run now (the rest are in this queue), or null
     */
    G steal(final RunQueue victim, final boolean stealRunnext, final boolean victimRunning)
    {
        final int t = (int)TAIL.get(this);
        int n = victim.grab(buf, t, stealRunnext, victimRunning);
        if (0 == n)
        {
            return null;
        }
        n--;
        final G g = buf[(t + n) & MASK];
        buf[(t + n) & MASK] = null;
        if (0 != n)
        {
            TAIL.setRelease(this, t + n);
        }
        return g;
    }

    /**
     * Owner only: moves the runnext goroutine, if any, to the tail of the ring, behind the others
     * (its chain's time slice is over).
     */
    void demoteRunnext(final GlobalQueue overflow)
    {
        final G next = runnext;
        if (null != next && RUNNEXT.compareAndSet(this, next, null))
        {
            put(next, false, overflow);
        }
    }

    /** Any thread: whether the ring and runnext look empty (a racy snapshot). */
    boolean isEmpty()
    {
        return (int)TAIL.getAcquire(this) == (int)HEAD.getAcquire(this) && null == runnext;
    }

    /** Any thread: whether the ring (not runnext) looks non-empty; reads only head and tail. */
    boolean ringNonEmpty()
    {
        return (int)TAIL.getAcquire(this) != (int)HEAD.getAcquire(this);
    }

    /** Any thread: approximate length, runnext included (for metrics and tests). */
    int size()
    {
        final int n = (int)TAIL.getAcquire(this) - (int)HEAD.getAcquire(this);
        return Math.max(0, Math.min(SIZE, n)) + (null == runnext ? 0 : 1);
    }

    /**
     * Any thread, for dumps: the goroutines that look queued now, runnext included. Racy: a slot may
     * be read just as it is taken (the caller drops goroutines that are not runnable any more).
     */
    void peek(final Consumer<G> out)
    {
        final G next = runnext;
        if (null != next)
        {
            out.accept(next);
        }
        final int h = (int)HEAD.getAcquire(this);
        final int t = (int)TAIL.getAcquire(this);
        for (int i = h; i - t < 0 && i - h < SIZE; i++)
        {
            final G g = buf[i & MASK];
            if (null != g)
            {
                out.accept(g);
            }
        }
    }

    /**
     * The owner (or whoever holds a P that nobody else can own any more) moves everything to the
     * global queue: used when a P is destroyed.
     *
     * @return how many goroutines moved
     */
    int drainTo(final GlobalQueue global)
    {
        final G[] batch = new G[SIZE + 1];
        int moved = 0;
        for (G g = get(); null != g && moved < batch.length; g = get())
        {
            batch[moved++] = g;
        }
        if (moved > 0)
        {
            global.putBatch(batch, moved);
        }
        return moved;
    }
}

/** Padding before the ring indices (see {@link RunQueue}). */
abstract class RunQueuePad0
{
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The ring indices, on a cache line of their own. */
abstract class RunQueueRing extends RunQueuePad0
{
    /** Next slot to consume; advanced by CAS. */
    volatile int head;
    /** Next slot to fill; written by the owner only, with release semantics. */
    volatile int tail;
}

/** Padding between the ring indices and runnext. */
abstract class RunQueuePad1 extends RunQueueRing
{
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The runnext slot and the owner's note of where the last goroutine came from. */
abstract class RunQueueNext extends RunQueuePad1
{
    /** The goroutine to run next, or null. */
    volatile G runnext;
    /**
     * How many times the owner has filled runnext. Owner only writes it, before the store of
     * runnext; a thief compares it across its grace period, since runnext may hold the same goroutine
     * again by then (a communicating pair refills it at every hand-off).
     */
    int runnextFills;
    /** Whether the last {@code get()} returned the runnext goroutine (it inherits the time slice). Owner only. */
    boolean lastWasNext;
}

/** Padding after runnext. */
abstract class RunQueuePad2 extends RunQueueNext
{
    long p20, p21, p22, p23, p24, p25, p26, p27;
}
