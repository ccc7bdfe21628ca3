package io.goroutines.internal.sched;

import io.goroutines.Task;
import io.goroutines.internal.stack.MethodRegistry;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written equivalent of what the agent emits for
 * <pre>
 *   &#64;Goroutine void run() { for (;;) { int leaf = step(); if (leaf == DONE) return; call(leaf); } }
 * </pre>
 * so that the unwinding path (armed leaves, commit, resume) can be tested without the agent. It keeps
 * its state in fields, and still pushes and pops a frame record so that the frame store is used as
 * rewritten code uses it. Spawn it with {@code Sched.get().spawn(task, true)} (armed root).
 *
 * <p>It also checks that no two carriers ever run it at once ({@link #overlaps}).
 */
abstract class Resumable implements Task
{
    /** step(): the goroutine is finished. */
    static final int DONE = 0;
    /** step(): call Suspend.park(). */
    static final int PARK = 1;
    /** step(): call Suspend.yield(). */
    static final int YIELD = 2;
    /** step(): call Suspend.preempt(). */
    static final int PREEMPT = 3;
    /** step(): call step() again at once. */
    static final int AGAIN = 4;
    /** step(): call Suspend.parkNanos(parkNanos). */
    static final int PARK_NANOS = 5;

    /** The method id of this "rewritten" method. */
    private static final int METHOD_ID = MethodRegistry.register("io/goroutines/internal/sched/Resumable", "run",
        "()V", "Resumable.java", new int[] {42});

    /** Times some carrier entered run() while another was inside. */
    static final AtomicInteger overlaps = new AtomicInteger();

    /** True while a carrier is inside run(). */
    private final AtomicBoolean inside = new AtomicBoolean();
    /** The leaf called at the suspension point (the "saved call site"). */
    private int leaf;
    /** Argument of the PARK_NANOS leaf (saved with the frame, as rewritten code saves call arguments). */
    long parkNanos;
    /** Times the goroutine unwound. */
    volatile int unwinds;

    /**
     * The plain code between suspension points.
     *
     * @return DONE, PARK, YIELD, PREEMPT or AGAIN
     */
    abstract int step();

    /** Called while unwinding, before the frame is saved: a test can stretch the unwind (a deep stack). */
    void unwinding()
    {
    }

    @Override
    public final void run()
    {
        if (!inside.compareAndSet(false, true))
        {
            overlaps.incrementAndGet();
        }
        try
        {
            body();
        }
        finally
        {
            inside.set(false);
        }
    }

    private void body()
    {
        final G g = G.current();
        final Carrier c = (Carrier) Thread.currentThread(); // its signal word
        if (G.SIG_RESUME == c.sig)
        {
            if (0 != g.resume(METHOD_ID))
            {
                throw new AssertionError("wrong call site");
            }
            g.pop();
            callLeaf(leaf, parkNanos); // re-invoke the callee: the leaf sees SIG_RESUME and clears it
            if (G.SIG_NONE != c.sig)
            {
                throw new AssertionError("leaf did not end the rewind: sig=" + c.sig);
            }
        }
        else if (Tokens.RUN == c.sig)
        {
            c.sig = G.SIG_NONE; // take the token
        }
        else
        {
            throw new AssertionError("root entered unarmed: sig=" + c.sig);
        }
        for (;;)
        {
            final int next = step();
            if (DONE == next)
            {
                return;
            }
            if (AGAIN == next)
            {
                continue;
            }
            leaf = next;
            c.sig = tokenOf(next);
            callLeaf(next, parkNanos);
            if (G.SIG_UNWIND == c.sig)
            {
                unwinding();
                g.push(METHOD_ID, 0, 0, 0); // save the frame and return a dummy value
                unwinds++;
                return;
            }
            if (Tokens.isCall(c.sig))
            {
                throw new AssertionError("leaf did not take the token");
            }
        }
    }

    /** The token rewritten code arms before calling leaf {@code leaf}. */
    private static int tokenOf(final int leaf)
    {
        switch (leaf)
        {
            case PARK:
                return Tokens.of("park", "()V");
            case YIELD:
                return Tokens.of("yield", "()V");
            case PREEMPT:
                return Tokens.of("preempt", "()V");
            case PARK_NANOS:
                return Tokens.of("parkNanos", "(J)V");
            default:
                throw new AssertionError("leaf " + leaf);
        }
    }

    private static void callLeaf(final int leaf, final long nanos)
    {
        switch (leaf)
        {
            case PARK:
                Suspend.park();
                break;
            case YIELD:
                Suspend.yield();
                break;
            case PREEMPT:
                Suspend.preempt();
                break;
            case PARK_NANOS:
                Suspend.parkNanos(nanos);
                break;
            default:
                throw new AssertionError("leaf " + leaf);
        }
    }
}
