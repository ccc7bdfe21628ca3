package io.goroutines.corpus;

import io.goroutines.internal.sched.Carrier;
import io.goroutines.internal.sched.G;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs every shape two ways and reports what it saw. Loaded by the transforming loader.
 * <ul>
 *   <li>plain: called from this (non-carrier) thread: the rewritten code runs as plain code;</li>
 *   <li>suspending: called as the root of a goroutine on a carrier thread, with the transform's
 *       test mode making every rewritten method yield on entry; the driver resumes the goroutine
 *       each time it unwinds, as a scheduler would, and counts the unwinds.</li>
 * </ul>
 */
public final class Driver
{
    private Driver()
    {
    }

    /** Outcome per shape: result, exception, effect count and effect log. */
    public static Map<String, String> runPlain() throws Exception
    {
        final Map<String, String> out = new LinkedHashMap<>();
        final Thread t = new Thread(null, () -> runPlainHere(out), "corpus-plain", 64L << 20);
        t.start();
        t.join();
        return out;
    }

    /** Runs the shapes on this (plain) thread. */
    private static void runPlainHere(final Map<String, String> out)
    {
        for (final Map.Entry<String, Shape> e : Shapes.all().entrySet())
        {
            Effects.reset();
            String outcome;
            try
            {
                outcome = "result=" + e.getValue().run();
            }
            catch (final Throwable t)
            {
                outcome = "threw=" + t + (null != t.getCause() ? " cause=" + t.getCause() : "");
            }
            out.put(e.getKey(), outcome + " effects=" + Effects.count + " log=" + Effects.LOG);
        }
    }

    /** Outcome per shape when every call suspends; {@code unwinds} receives the unwind count per shape. */
    public static Map<String, String> runSuspending(final Map<String, Long> unwinds) throws Exception
    {
        final Map<String, String> out = new LinkedHashMap<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Carrier carrier = new Carrier(null, () -> {
            try
            {
                for (final Map.Entry<String, Shape> e : Shapes.all().entrySet())
                {
                    Effects.reset();
                    final long[] count = {0};
                    final String outcome = drive(e.getValue(), count);
                    unwinds.put(e.getKey(), count[0]);
                    out.put(e.getKey(), outcome + " effects=" + Effects.count + " log=" + Effects.LOG);
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        }, "corpus-carrier", 64L << 20);
        carrier.start();
        carrier.join();
        if (null != failure.get())
        {
            throw new AssertionError("driver failed", failure.get());
        }
        return out;
    }

    /** Runs one shape as a goroutine root, resuming it whenever it unwinds. Carrier thread only. */
    private static String drive(final Shape shape, final long[] unwinds)
    {
        final Carrier self = (Carrier) Thread.currentThread();
        final G g = new G();
        self.current = g;
        try
        {
            int sig = io.goroutines.internal.sched.Tokens.of("run", "()Ljava/lang/Object;");
            while (true)
            {
                self.sig = sig;
                // every loop back-edge reached in a suspendable frame is preempted once per resume: the
                // preemption points (no call, their own resume) are checked like the call sites
                self.preempt = true;
                Object result = null;
                Throwable thrown = null;
                try
                {
                    result = shape.run();
                }
                catch (final Throwable t)
                {
                    thrown = t;
                }
                if (self.sig == G.SIG_UNWIND)
                {
                    if (null != thrown)
                    {
                        throw new AssertionError("threw while unwinding", thrown);
                    }
                    unwinds[0]++;
                    sig = G.SIG_RESUME;
                    continue;
                }
                if (self.sig != G.SIG_NONE)
                {
                    throw new AssertionError("root returned with sig " + self.sig, thrown);
                }
                if (g.depth() != 0)
                {
                    throw new AssertionError("frames left behind: " + g.depth());
                }
                return null == thrown ? "result=" + result : "threw=" + thrown;
            }
        }
        finally
        {
            self.current = null;
        }
    }
}
