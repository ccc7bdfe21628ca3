package io.goroutines.internal.sched;

/**
 * The gate of the scheduler's JFR events: one static volatile read on the hot paths (spawn, park,
 * unpark, end, preempt, pin, hand-off) while no recording runs. The diagnostics
 * ({@code JfrEvents}) open it while a JFR recording runs and close it when none does, so the event
 * classes (and JFR) are not even loaded until someone records.
 */
public final class Events
{
    /** Whether a JFR recording runs: only then are events built. */
    public static volatile boolean on;

    /** Where events go while {@link #on}. */
    static volatile Sink sink;

    private Events()
    {
    }

    /** Receives the scheduler's events (the JFR side implements it). */
    public interface Sink
    {
        /** A goroutine was started by {@code parentId} (0: a plain thread). */
        void start(long id, long parentId);

        /** A goroutine ended. */
        void end(long id);

        /** A goroutine parked with Go's wait reason. */
        void park(long id, String reason);

        /** A parked goroutine was made runnable. */
        void unpark(long id);

        /** A goroutine was asked to yield at its next preemption point. */
        void preempt(long id);

        /** A goroutine blocked its carrier (a pinned park) with Go's wait reason. */
        void pin(long id, String reason);

        /** A P was handed to another carrier. */
        void handoff(int p);
    }

    /** Opens the gate towards {@code to}, or closes it with null. */
    public static void sink(final Sink to)
    {
        sink = to;
        on = null != to;
    }

    static void start(final G g)
    {
        final Sink s = sink;
        if (null != s)
        {
            s.start(g.id, g.parentId);
        }
    }

    static void end(final G g)
    {
        final Sink s = sink;
        if (null != s)
        {
            s.end(g.id);
        }
    }

    static void park(final G g)
    {
        final Sink s = sink;
        if (null != s)
        {
            s.park(g.id, g.waitReason);
        }
    }

    static void unpark(final G g)
    {
        final Sink s = sink;
        if (null != s)
        {
            s.unpark(g.id);
        }
    }

    static void preempt(final G g)
    {
        final Sink s = sink;
        if (null != s)
        {
            s.preempt(g.id);
        }
    }

    static void pin(final G g)
    {
        final Sink s = sink;
        if (null != s)
        {
            s.pin(g.id, g.waitReason);
        }
    }

    static void handoff(final P p)
    {
        final Sink s = sink;
        if (null != s)
        {
            s.handoff(p.id);
        }
    }
}
