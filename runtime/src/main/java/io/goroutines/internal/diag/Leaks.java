package io.goroutines.internal.diag;

import io.goroutines.internal.sched.GRecord;

/**
 * Reports goroutines that leaked: parked on a primitive that nothing else could reach, so that no
 * one could ever wake them. The garbage collector finds them (the registry holds goroutines weakly,
 * see {@code AllGs}); each is reported once, on stderr, with its wait reason, where it waited and
 * where it was started:
 * <pre>
 *   goroutines: goroutine 12 leaked [chan receive]: nothing else can reach what it waits on, so it can never wake (it was collected)
 *       waiting at com.example.Leaky.lambda$main$0(Leaky.java:12)
 *       created by com.example.Leaky.main(Leaky.java:10)
 * </pre>
 */
public final class Leaks
{
    private Leaks()
    {
    }

    /** Reports one leaked goroutine. Never throws. */
    public static void report(final GRecord r)
    {
        try
        {
            System.err.print(format(r));
            System.err.flush();
        }
        catch (final Throwable t)
        {
            System.err.println("goroutines: a leak report failed: " + Panics.describe(t));
        }
    }

    /** The report of one leaked goroutine. */
    public static String format(final GRecord r)
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append("goroutines: goroutine ").append(r.id).append(" leaked [")
            .append(null == r.reason() ? "waiting" : r.reason())
            .append("]: nothing else can reach what it waits on, so it can never wake (it was collected)\n");
        final String at = r.waitSite();
        if (null != at)
        {
            sb.append("    waiting at ").append(at).append('\n');
        }
        if (null != r.createdBy)
        {
            sb.append("    created by ").append(r.createdBy).append('\n');
        }
        return sb.toString();
    }
}
