package io.goroutines.internal.diag;

import io.goroutines.internal.sched.Deadlocks;
import io.goroutines.internal.sched.Goroutines.Info;

import java.util.List;

/**
 * Go's deadlock report (the {@code deadlock} option): {@code fatal error: all goroutines are asleep
 * - deadlock!}, a blank line, then every goroutine in the dump format; {@code exit} then exits with
 * status 2, {@code warn} carries on, {@code off} never looks ({@link Deadlocks} finds the moment).
 */
public final class DeadlockReports
{
    /** The first line, Go's. */
    public static final String FATAL = "fatal error: all goroutines are asleep - deadlock!";

    private DeadlockReports()
    {
    }

    /**
     * Sets the mode from the agent's option value and starts detection; the agent calls this from
     * premain, on the main thread.
     *
     * @param mode {@code exit}, {@code warn} or {@code off}
     */
    public static void configure(final String mode)
    {
        Deadlocks.configure(mode);
        Deadlocks.reporter(DeadlockReports::report);
    }

    /** The report of a deadlock among {@code infos}. */
    public static String format(final List<Info> infos)
    {
        return FATAL + "\n\n" + Dumps.text(infos);
    }

    private static void report(final List<Info> infos)
    {
        System.out.flush();
        System.err.print(format(infos));
        System.err.flush();
        if ("exit".equals(Deadlocks.mode()))
        {
            System.exit(2);
        }
    }
}
