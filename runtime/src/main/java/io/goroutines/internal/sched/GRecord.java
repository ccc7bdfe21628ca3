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
    /** Method id of the innermost frame outside the runtime at the last park, 0 when unknown. */
    int waitMethod;
    /** Call-site id in that method. */
    int waitSite;
    /** Next record in its stripe of {@link AllGs}; set before publication, changed by the sweeper only. */
    GRecord next;

    GRecord(final G g, final ReferenceQueue<G> queue)
    {
        super(g, queue);
        this.id = g.id;
        this.createdBy = g.createdBy;
    }

    /**
     * Notes a park about to be committed: the reason, when, and the innermost frame of the user's
     * (the runtime's own frames, such as {@code Chan.recv}, are passed over). Owner thread only.
     */
    void parked(final String why, final long nowNs, final Frames frames, final boolean withTimeout)
    {
        reason = why;
        waitSinceAndTimed = nowNs & ~1L | (withTimeout ? 1L : 0L);
        // from the outermost frame inwards (the order the records can be walked in), keeping the
        // innermost one that is not the runtime's, else the outermost
        int wait = frames.outermost();
        for (int at = wait < 0 ? -1 : frames.callee(wait); at >= 0; at = frames.callee(at))
        {
            if (!MethodRegistry.isRuntime(frames.methodAt(at)))
            {
                wait = at;
            }
        }
        waitMethod = wait < 0 ? 0 : frames.methodAt(wait);
        waitSite = wait < 0 ? 0 : frames.siteAt(wait);
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

    /** The wait site of the last park as a frame ({@code Main.run(Main.java:42)}), or null. */
    public String waitSite()
    {
        final MethodRegistry.Entry e = MethodRegistry.entry(waitMethod);
        return null == e ? null : e.frame(waitSite);
    }
}
