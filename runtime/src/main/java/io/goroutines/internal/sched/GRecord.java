package io.goroutines.internal.sched;

import io.goroutines.internal.stack.Frames;
import io.goroutines.internal.stack.MethodRegistry;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * What the runtime keeps about a goroutine that has parked, for dumps, deadlock and leak reports
 * (Go's {@code allgs} entry, made lazily: a goroutine that never parks costs nothing here). It
 * refers to its goroutine weakly: a goroutine parked on a primitive that nothing else can reach is
 * unreachable itself, the collector clears this reference and queues it ({@link AllGs}), and what
 * is needed for the report (id, wait reason, wait site, creation site) is still here.
 *
 * <p>A goroutine that ends clears its record ({@link #clear()} does not queue it), so a record
 * reaches the queue only when its goroutine was collected while it was still waiting: a leak.
 *
 * <p>The wait fields are plain: the goroutine writes them before the release store of its state that
 * commits the park; a dump reads them after reading that state, and the leak report reads them after
 * the collector found the goroutine unreachable, long after the last write.
 */
public final class GRecord extends WeakReference<G>
{
    /** The goroutine's id. */
    public final long id;
    /** The frame that started it ({@code com.example.Main.main(Main.java:17)}), or null for main. */
    public final String createdBy;
    /** Wait reason of the last park (Go's words). */
    String reason;
    /**
     * Coarse {@code nanoTime} when the last park began, its lowest bit replaced by whether that park
     * has a timeout of its own (a pinned timed park: no heap timer shows it). One field rather than
     * two keeps the record at 64 bytes instead of 72; a nanosecond does not matter to a coarse clock.
     */
    private long waitSinceAndTimed;
    /**
     * The goroutine's saved primitives and records at the last park ({@link Frames#savedPrims()}), from
     * which {@link #waitSite()} finds the wait site when asked; null after the goroutine ended. Kept
     * rather than the site itself, found at every park by walking the records (a sixth of a park at a
     * depth of 20 frames, with perfasm on {@code ParkResumeBench}): only deadlock and leak reports ask,
     * and they ask about goroutines that can no longer run, whose records no longer change.
     */
    private long[] waitFrames;
    /** How many of {@link #waitFrames} were in use at the last park. */
    private int waitTop;
    /** Next record in its stripe of {@link AllGs}; set before publication, changed by the sweeper only. */
    GRecord next;

    GRecord(final G g, final ReferenceQueue<G> queue)
    {
        super(g, queue);
        this.id = g.id;
        this.createdBy = g.createdBy;
    }

    /**
     * Notes a park about to be committed: the reason, when, and where its frames are (the wait site is
     * found from them when a report asks). Owner thread only.
     */
    void parked(final String why, final long nowNs, final Frames frames, final boolean withTimeout)
    {
        reason = why;
        waitSinceAndTimed = nowNs & ~1L | (withTimeout ? 1L : 0L);
        waitFrames = frames.savedPrims();
        waitTop = frames.savedTop();
    }

    /** The goroutine ended: drops the reference and its frames. */
    @Override
    public void clear()
    {
        super.clear();
        waitFrames = null;
    }

    /** Wait reason of the last park, or null. */
    public String reason()
    {
        return reason;
    }

    /** Coarse {@code nanoTime} when the last park began. */
    public long waitSinceNs()
    {
        return waitSinceAndTimed & ~1L;
    }

    /** Whether the last park has a timeout of its own (a pinned timed park). */
    boolean timed()
    {
        return 0 != (waitSinceAndTimed & 1L);
    }

    /**
     * The wait site of the last park as a frame ({@code Main.run(Main.java:42)}): the innermost saved
     * frame that is not the runtime's (such as {@code WaitGroup.await}), else the outermost; null when
     * none was saved (a pinned park) or the goroutine ended. Meant for a goroutine that cannot run (a
     * deadlock, a leak); for one that runs on, it may name a later frame, or none, never fail.
     */
    public String waitSite()
    {
        final long[] frames = waitFrames;
        final long found = null == frames ? -1 : Frames.waitSite(frames, waitTop);
        if (found < 0)
        {
            return null;
        }
        final MethodRegistry.Entry e = MethodRegistry.entry((int)(found >>> 32));
        return null == e ? null : e.frame((int)found);
    }
}
