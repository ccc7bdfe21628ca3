package io.goroutines.internal.sched;

import io.goroutines.internal.diag.Panics;
import io.goroutines.internal.stack.Frames;
import io.goroutines.internal.stack.MethodRegistry;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Snapshots of the goroutines for dumps and deadlock reports, built without stopping anyone: a
 * parked goroutine's stack is its saved frame records (method and call site, mapped to source
 * lines by {@link MethodRegistry}); a running or pinned one's is its carrier thread's stack.
 *
 * <p>A parked goroutine may be resumed while its records are copied: the copy is taken between
 * two reads of its state and park count ({@link G#parkSeq}) and kept only when both agree, else
 * retried a few times and then reported as running.
 */
public final class Goroutines
{
    /** Attempts at a consistent copy of a goroutine's records. */
    private static final int ATTEMPTS = 4;
    /** Internal classes whose frames are left out (Go leaves out most of its runtime's). */
    private static final String INTERNAL = "io.goroutines.internal.";
    /** One minute in nanoseconds. */
    private static final long MINUTE_NS = 60_000_000_000L;

    /**
     * One goroutine as a dump shows it.
     *
     * @param id        its id
     * @param status    Go's status: {@code running}, {@code runnable}, or the wait reason
     * @param waitNs    how long it has been waiting, 0 when it is not
     * @param frames    its frames, innermost first, as {@code class.method(File.java:line)}
     * @param createdBy the frame that started it, or null (main)
     * @param parentId  the goroutine that started it, 0 for a plain thread
     */
    public record Info(long id, String status, long waitNs, List<String> frames, String createdBy, long parentId)
    {
        /** The dump header's bracket: {@code chan receive, 3 minutes} (Go prints "1 minutes" too). */
        public String bracket()
        {
            final long minutes = waitNs / MINUTE_NS;
            return minutes >= 1 ? status + ", " + minutes + " minutes" : status;
        }
    }

    private Goroutines()
    {
    }

    /**
     * Every goroutine that has not ended, by id; the calling goroutine (if any) with the frames
     * given.
     *
     * @param selfFrames the caller's own frames, innermost first (used for the calling goroutine)
     */
    public static List<Info> all(final List<String> selfFrames)
    {
        final Sched sched = Sched.get();
        final G self = G.current();
        final long now = System.nanoTime();
        final List<Info> out = new ArrayList<>();
        for (final G g : known(sched))
        {
            final Info info = g == self ? info(g, "running", 0, selfFrames) : describe(g, now);
            if (null != info)
            {
                out.add(info);
            }
        }
        return out;
    }

    /**
     * The goroutines that may not have ended, by id: those that parked once (the registry), those
     * running on a carrier, and those queued (never parked yet).
     */
    static List<G> known(final Sched sched)
    {
        final Set<G> all = Collections.newSetFromMap(new IdentityHashMap<>());
        sched.allgs.forEach(all::add);
        for (final Carrier c : sched.carriers)
        {
            final G g = c.current;
            if (null != g)
            {
                all.add(g);
            }
        }
        for (final P p : sched.ps())
        {
            p.runq.peek(all::add);
        }
        sched.globq.peek(all::add);
        final List<G> out = new ArrayList<>(all);
        out.sort((a, b) -> Long.compare(a.id, b.id));
        return out;
    }

    /** The calling goroutine alone, {@code running}, with the frames given; null on a plain thread. */
    public static Info self(final List<String> selfFrames)
    {
        final G self = G.current();
        return null == self ? null : info(self, "running", 0, selfFrames);
    }

    /** One goroutine now, or null when it has ended. */
    static Info describe(final G g, final long now)
    {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++)
        {
            final int state = g.state();
            final int seq = g.parkSeq;
            switch (state)
            {
                case G.DEAD:
                    return null;
                case G.RUNNING: // inside Go.blocking it shows as Go's syscall
                    return info(g, "syscall".equals(g.waitReason) ? "syscall" : "running", 0, carrierFrames(g));
                case G.PINNED:
                {
                    final List<String> frames = carrierFrames(g);
                    if (G.PINNED == g.state())
                    {
                        return info(g, reason(g), waited(g, now), frames);
                    }
                    continue;
                }
                default: // WAITING, or RUNNABLE (not started yet, or yielded: its records are saved)
                {
                    final List<String> frames = savedFrames(g);
                    VarHandle.acquireFence(); // the copy before the re-reads
                    if (null != frames && g.state() == state && g.parkSeq == seq)
                    {
                        return G.WAITING == state ? info(g, reason(g), waited(g, now), frames)
                            : info(g, "runnable", 0, frames);
                    }
                }
            }
        }
        return info(g, "running", 0, List.of());
    }

    private static String reason(final G g)
    {
        final GRecord r = g.record;
        final String why = null == r ? g.waitReason : r.reason;
        return null == why ? "waiting" : why;
    }

    private static long waited(final G g, final long now)
    {
        final GRecord r = g.record;
        return null == r ? 0 : Math.max(0, now - r.waitSinceNs());
    }

    private static Info info(final G g, final String status, final long waitNs, final List<String> frames)
    {
        return new Info(g.id, status, waitNs, frames, g.createdBy, g.parentId);
    }

    /** The saved records as frames, innermost first, or null when they changed under the copy. */
    private static List<String> savedFrames(final Frames frames)
    {
        try
        {
            final int depth = frames.depth();
            final List<String> out = new ArrayList<>(depth);
            for (int at = frames.outermost(), k = 0; at >= 0 && k < depth; at = frames.callee(at), k++)
            {
                final MethodRegistry.Entry e = MethodRegistry.entry(frames.methodAt(at));
                if (null != e && !e.owner().startsWith("io/goroutines/internal/"))
                {
                    out.add(e.frame(frames.siteAt(at)));
                }
            }
            Collections.reverse(out); // walked from the outermost; a dump shows the innermost first
            return out;
        }
        catch (final RuntimeException changing)
        {
            return null; // the records were being popped or grown: retry
        }
    }

    /** The goroutine's carrier's stack, the runtime's internals left out. */
    private static List<String> carrierFrames(final G g)
    {
        final Carrier c = g.carrier;
        return null == c ? List.of() : frames(c.getStackTrace(), 0);
    }

    /** The runtime's internals, the JDK's parking under them and lambdas' hidden classes: not shown in dumps. */
    private static boolean hidden(final String cls)
    {
        return cls.startsWith(INTERNAL) || "java.lang.Thread".equals(cls) || "jdk.internal.misc.Unsafe".equals(cls) ||
            "java.util.concurrent.locks.LockSupport".equals(cls) || cls.contains("$$Lambda");
    }

    /**
     * Frames of a stack trace as a dump prints them, the runtime's internals and the carrier's
     * bottom left out.
     */
    public static List<String> frames(final StackTraceElement[] trace, final int skip)
    {
        final List<String> out = new ArrayList<>();
        for (int i = Math.max(0, skip); i < trace.length; i++)
        {
            final StackTraceElement e = trace[i];
            if (!hidden(e.getClassName()))
            {
                out.add(Panics.frame(e));
            }
        }
        return out;
    }
}
