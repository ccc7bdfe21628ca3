package io.goroutines.internal.sched;

import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Every goroutine that has parked and not ended (Go's {@code allgs}, but registered at the first park
 * rather than at the start, so that goroutines that never park cost nothing), for dumps, deadlock
 * reports and leak detection.
 *
 * <p>Design: 64 stripes, each a singly linked list of {@link GRecord}s pushed at its head with one
 * CAS (a first park costs an allocation and an uncontended CAS; nothing at the goroutine's end but
 * {@link GRecord#clear()}). Records of ended or collected goroutines are unlinked later by
 * {@link #sweep()}, which the monitor runs when many goroutines were started since the last sweep.
 * Records refer to their goroutines weakly, so the registry never keeps a goroutine alive: one that
 * waits on a primitive nobody else can reach is collected, and its record comes out of
 * {@link #pollLeaked()}.
 *
 * <p>Invariants: a record is in exactly one stripe until swept; pushers only CAS a stripe's head;
 * only the sweeper (one at a time, under {@link #sweepLock}) changes a {@code next} link, so a reader
 * walking a stripe without a lock sees a list that may still hold swept records, never one that lost
 * a live record.
 */
final class AllGs
{
    /** Number of stripes, a power of two. */
    private static final int STRIPES = 64;
    /** Starts between sweeps, at least. */
    private static final long MIN_SWEEP_STARTS = 4096;

    /** Stripe heads. */
    private final AtomicReferenceArray<GRecord> heads = new AtomicReferenceArray<>(STRIPES);
    /** Records of goroutines collected while they waited: leaks. */
    private final ReferenceQueue<G> collected = new ReferenceQueue<>();
    /** One sweeper at a time. */
    private final Object sweepLock = new Object();
    /** Registrations so far; striped, since every goroutine's first park counts here, from every carrier. */
    private final LongAdder registered = new LongAdder();
    /** Registrations at the last sweep. Guarded by sweepLock. */
    private long registeredAtSweep;

    /**
     * Adds a goroutine and returns its record. The scheduler registers a goroutine at its first
     * park: one that never parks is running or queued, and dumps find it there.
     *
     * @param g the goroutine
     */
    GRecord register(final G g)
    {
        final GRecord r = new GRecord(g, collected);
        final int s = (int)(g.id & (STRIPES - 1));
        GRecord head;
        do
        {
            head = heads.get(s);
            r.next = head;
        }
        while (!heads.compareAndSet(s, head, r));
        registered.increment();
        return r;
    }

    /** Whether enough goroutines were started since the last sweep to make one worth it. */
    boolean sweepDue(final int live)
    {
        final long since = registered.sum() - registeredAtSweep;
        return since > Math.max(MIN_SWEEP_STARTS, 2L * live);
    }

    /** Unlinks the records of goroutines that ended or were collected. */
    void sweep()
    {
        synchronized (sweepLock)
        {
            registeredAtSweep = registered.sum();
            for (int s = 0; s < STRIPES; s++)
            {
                GRecord head = heads.get(s);
                while (null != head && null == head.get() && heads.compareAndSet(s, head, head.next))
                {
                    head = head.next;
                }
                if (null == head)
                {
                    continue;
                }
                GRecord prev = head;
                for (GRecord r = head.next; null != r; r = r.next)
                {
                    if (null == r.get())
                    {
                        prev.next = r.next;
                    }
                    else
                    {
                        prev = r;
                    }
                }
            }
        }
    }

    /** Calls {@code action} for every goroutine that has not ended, in no particular order. */
    void forEach(final Consumer<G> action)
    {
        for (int s = 0; s < STRIPES; s++)
        {
            for (GRecord r = heads.get(s); null != r; r = r.next)
            {
                final G g = r.get();
                if (null != g && G.DEAD != g.state())
                {
                    action.accept(g);
                }
            }
        }
    }

    /** The goroutines that have not ended, by id. */
    List<G> snapshot()
    {
        final List<G> out = new ArrayList<>();
        forEach(out::add);
        out.sort((a, b) -> Long.compare(a.id, b.id));
        return out;
    }

    /** Records still linked, ended ones included until swept (for tests). */
    int linked()
    {
        int n = 0;
        for (int s = 0; s < STRIPES; s++)
        {
            for (GRecord r = heads.get(s); null != r; r = r.next)
            {
                n++;
            }
        }
        return n;
    }

    /** The record of a goroutine collected while it waited, or null when there is none now. */
    GRecord pollLeaked()
    {
        return (GRecord)collected.poll();
    }
}
