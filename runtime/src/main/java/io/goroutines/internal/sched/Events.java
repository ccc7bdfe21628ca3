package io.goroutines.internal.sched;

/**
 * The gate of the scheduler's events: one static volatile read on the hot paths (spawn, run, park,
 * unpark, end, preempt, pin, hand-off) while nobody listens. Two listeners may open it: the JFR
 * events ({@code JfrEvents}, while a JFR recording runs) and the trace file ({@code Trace}, option
 * {@code trace}); while both listen, each event goes to both. Neither's classes (nor JFR) are loaded
 * until someone listens.
 */
public final class Events
{
    /** Whether anybody listens: only then are events built. */
    public static volatile boolean on;

    /**
     * Whether the trace listens: only then does the scheduler time each stretch a goroutine runs
     * ({@link #run(Carrier)}, {@link #stop(Carrier, G, String)}; two clock reads that JFR does not need).
     */
    public static volatile boolean slices;

    /** Where events go while {@link #on}: {@link #jfr}, {@link #trace}, or both. */
    static volatile Sink sink;

    /** The JFR listener, or null. Guarded by the class. */
    private static Sink jfr;

    /** The trace file's listener, or null. Guarded by the class. */
    private static Sink trace;

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

        /**
         * A goroutine ran on a P from {@code fromNs} to {@code toNs} ({@link System#nanoTime()}), then
         * left it: {@code why} is its wait reason when it parked, {@code "yield"}, {@code "end"},
         * {@code "syscall"} (a blocking section began) or {@code "pinned"}. Called by the carrier that
         * ran it. Only the trace listens.
         *
         * @param p the P's id, or -1 when the carrier ran it without a P (after a blocking section)
         */
        default void slice(long id, int p, long fromNs, long toNs, String why)
        {
        }
    }

    /** Points the JFR events at {@code to}, or stops them with null. */
    public static synchronized void jfr(final Sink to)
    {
        jfr = to;
        update();
    }

    /** Points the trace events at {@code to}, or stops them with null. */
    public static synchronized void trace(final Sink to)
    {
        trace = to;
        update();
    }

    private static void update()
    {
        final Sink j = jfr;
        final Sink t = trace;
        sink = null == j ? t : null == t ? j : new Tee(j, t);
        slices = null != t;
        on = null != sink;
    }

    /**
     * The id of the P the calling thread holds, or -1 (a plain thread, the monitor, a carrier without
     * a P): where a listener places an event that happens on the calling thread.
     */
    public static int currentP()
    {
        final Thread t = Thread.currentThread();
        if (t instanceof Carrier)
        {
            final P p = ((Carrier)t).p;
            return null == p ? -1 : p.id;
        }
        return -1;
    }

    /** A goroutine begins to run on {@code c} (with or without a P). Owner thread only. */
    static void run(final Carrier c)
    {
        c.sliceFromNs = System.nanoTime();
        c.sliceP = null == c.p ? -1 : c.p.id;
    }

    /** The goroutine {@code c} ran since {@link #run(Carrier)} leaves it. Owner thread only. */
    static void stop(final Carrier c, final G g, final String why)
    {
        final Sink s = sink;
        final long from = c.sliceFromNs;
        c.sliceFromNs = 0;
        if (null != s && 0 != from)
        {
            s.slice(g.id, c.sliceP, from, System.nanoTime(), why);
        }
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

    /** Both listeners at once. */
    private record Tee(Sink a, Sink b) implements Sink
    {
        @Override
        public void start(final long id, final long parentId)
        {
            a.start(id, parentId);
            b.start(id, parentId);
        }

        @Override
        public void end(final long id)
        {
            a.end(id);
            b.end(id);
        }

        @Override
        public void park(final long id, final String reason)
        {
            a.park(id, reason);
            b.park(id, reason);
        }

        @Override
        public void unpark(final long id)
        {
            a.unpark(id);
            b.unpark(id);
        }

        @Override
        public void preempt(final long id)
        {
            a.preempt(id);
            b.preempt(id);
        }

        @Override
        public void pin(final long id, final String reason)
        {
            a.pin(id, reason);
            b.pin(id, reason);
        }

        @Override
        public void handoff(final int p)
        {
            a.handoff(p);
            b.handoff(p);
        }

        @Override
        public void slice(final long id, final int p, final long fromNs, final long toNs, final String why)
        {
            a.slice(id, p, fromNs, toNs, why);
            b.slice(id, p, fromNs, toNs, why);
        }
    }
}
