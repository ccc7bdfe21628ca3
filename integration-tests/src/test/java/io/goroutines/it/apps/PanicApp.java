package io.goroutines.it.apps;

import java.time.Duration;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;

/**
 * A goroutine (goroutine 2, the first one main starts) lets an exception escape: a panic.
 * <ul>
 *   <li>argument {@code exit} ({@code panic=exit}, the default): main waits in a long sleep, so that
 *       nothing but the panic can end the program, and the JVM exits with status 2;</li>
 *   <li>argument {@code log} ({@code panic=log}): main waits until the report was flushed to stderr
 *       (stderr is watched for it, so no sleep stands in for that), says it carries on, and returns:
 *       status 0.</li>
 * </ul>
 */
public final class PanicApp
{
    /** Printed by main before the panic. */
    public static final String BEFORE = "main: starting a goroutine that panics";
    /** Printed by main after the panic was reported, with {@code log}. */
    public static final String AFTER = "main: carries on after the panic";
    /** The exception's message. */
    public static final String MESSAGE = "boom";

    private PanicApp()
    {
    }

    /**
     * @param args {@code exit} or {@code log}, as the agent's {@code panic} option
     */
    @Goroutine
    public static void main(final String[] args)
    {
        final boolean log = args.length > 0 && "log".equals(args[0]);
        final Chan<Boolean> reported = Chan.make(1);
        StderrWatch.install("goroutine 2 [running]:", reported, true);
        System.out.println(BEFORE);
        final Chan<Integer> trigger = Chan.make();
        Go.go(() ->
        {
            trigger.recv();
            explode();
        });
        trigger.send(1);
        if (!log)
        {
            Go.sleep(Duration.ofHours(1)); // the panic ends the JVM first
        }
        reported.recv();
        System.out.println(AFTER);
    }

    /** Throws the panic. */
    static void explode()
    {
        throw new IllegalStateException(MESSAGE); // line:explode
    }
}
