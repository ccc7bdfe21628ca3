package io.goroutines.internal.diag;

import io.goroutines.internal.sched.Deadlocks;
import io.goroutines.internal.sched.Goroutines.Info;

import java.util.List;

/**
 * Go's deadlock report (the {@code deadlock} option): {@code fatal error: all goroutines are asleep
 * - deadlock!}, a blank line, then every goroutine in the dump format; beyond Go, after another blank
 * line, the goroutines that wait on each other in a cycle, with what each waits on and where the
 * next one holds it ({@code WaitGraph}). {@code exit} then exits with status 2, {@code warn}
 * carries on, {@code off} never looks ({@link Deadlocks} finds the moment).
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

    /** The report of a deadlock among {@code infos}, with the lines naming its cycles. */
    public static String format(final List<Info> infos, final List<String> cycles)
    {
        final StringBuilder sb = new StringBuilder(FATAL).append("\n\n").append(Dumps.text(infos));
        if (!cycles.isEmpty())
        {
            sb.append('\n');
            for (final String line : cycles)
            {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    private static void report(final List<Info> infos, final List<String> cycles)
    {
        System.out.flush();
        System.err.print(format(infos, cycles));
        System.err.flush();
        if ("exit".equals(Deadlocks.mode()))
        {
            System.exit(2);
        }
    }
}
