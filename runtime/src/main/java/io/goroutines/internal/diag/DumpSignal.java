package io.goroutines.internal.diag;

import io.goroutines.internal.sched.Goroutines;

import java.util.List;

/**
 * Option {@code dumpSignal}: on the signal, every goroutine is printed on stderr in the dump format,
 * under a line naming the signal, and the program carries on (Go prints and exits on SIGQUIT; the
 * JVM keeps SIGQUIT for its own thread dump, so a free signal is used instead).
 */
public final class DumpSignal
{
    private DumpSignal()
    {
    }

    /**
     * Installs the handler; the agent calls this from premain.
     *
     * @param name the signal without {@code SIG}, e.g. {@code USR2}
     */
    public static void configure(final String name)
    {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal ->
        {
            final String dump = "goroutines: dump on SIG" + name + "\n\n" + Dumps.text(Goroutines.all(List.of()));
            System.err.print(dump);
            System.err.flush();
        });
    }
}
