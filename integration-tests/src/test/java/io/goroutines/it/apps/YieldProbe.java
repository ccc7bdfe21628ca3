package io.goroutines.it.apps;

import java.util.concurrent.atomic.AtomicBoolean;

import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;

/**
 * Tells whether calls to {@code @Goroutine} methods suspend (run it with {@code procs=1,preempt=off}):
 * main starts a goroutine, then calls a method that does nothing, up to 100 times, until it sees that
 * the goroutine ran. On one P, without preemption, the goroutine can only run if main gives the P up
 * during a call, which only the agent's test option {@code forceSuspend} makes it do (no park, and
 * the loop's back-edge is no preemption point with {@code preempt=off}). The goroutine's own body
 * yields on entry too, so it needs more than one of main's yields to get through.
 */
public final class YieldProbe
{
    /** Printed with true or false. */
    public static final String SUSPENDED = "suspended at a call: ";

    private YieldProbe()
    {
    }

    /**
     * @param args ignored
     */
    @Goroutine
    public static void main(final String[] args)
    {
        final AtomicBoolean ran = new AtomicBoolean();
        Go.go(() -> ran.set(true));
        for (int i = 0; i < 100 && !ran.get(); i++)
        {
            nothing();
        }
        System.out.println(SUSPENDED + ran.get());
    }

    /** Does nothing; with forceSuspend its entry yields to the scheduler. */
    @Goroutine
    static void nothing()
    {
        // the agent's forceSuspend yield is the whole point
    }
}
