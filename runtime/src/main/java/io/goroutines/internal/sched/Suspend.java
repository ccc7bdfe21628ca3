package io.goroutines.internal.sched;

import io.goroutines.internal.diag.Pinning;

import java.util.concurrent.locks.LockSupport;

/**
 * The leaves: the only places where a goroutine really stops. The agent treats every call to a
 * static method of this class as a suspendable call site (it arms the call with {@code SIG_CALL})
 * and never rewrites this class; so every public method here consumes the token, and nothing else
 * belongs here.
 *
 * <p>Each leaf looks at the current goroutine and its signal word:
 * <ul>
 *   <li>no goroutine (a plain thread): blocks the thread ({@link LockSupport}) or, for the yields,
 *       returns at once;</li>
 *   <li>{@code SIG_RESUME}: the rewind reached the leaf, the park is over: {@code SIG_NONE}, return;</li>
 *   <li>{@code SIG_CALL}: an armed call from a rewritten frame: take the token; if a permit is there
 *       return at once, else record what the scheduler must do when the root returns, set
 *       {@code SIG_UNWIND} and return (the frames save themselves on the way out);</li>
 *   <li>{@code SIG_NONE}: pinned (a frame that was not rewritten is on the stack): block the
 *       carrier thread itself, after handing its P to another carrier. When the agent is active (the
 *       root was entered armed) the park is first shown to {@link Pinning}, which reports the call
 *       site once ({@code pinning=warn}) or throws ({@code pinning=fail}); this is the only place
 *       the diagnostics cost anything, never the armed path.</li>
 * </ul>
 * A leaf can return without having parked (a permit, a stale unpark, a timeout): callers always
 * wait in a loop on their own condition, {@code while (!done) Suspend.park();}.
 */
public final class Suspend
{
    /** The leaves' tokens: what rewritten code arms before calling each of them. */
    private static final int PARK = Tokens.of("park", "()V");
    private static final int PARK_NANOS = Tokens.of("parkNanos", "(J)V");
    private static final int YIELD = Tokens.of("yield", "()V");
    private static final int PREEMPT = Tokens.of("preempt", "()V");
    private static final int TEST_YIELD = Tokens.of("testYield", "()V");

    /** Largest park timeout: keeps nanoTime deadlines far from overflow (about 73 years). */
    private static final long MAX_TIMEOUT_NS = Long.MAX_VALUE >> 2;

    private Suspend()
    {
    }

    /**
     * Parks the goroutine (or the plain thread) until {@link Sched#unpark(G)} (or
     * {@link LockSupport#unpark(Thread)}); returns at once when a permit is there. May return
     * spuriously.
     */
    public static void park()
    {
        final Carrier c = Carrier.here();
        final G g = null == c ? null : c.current;
        if (null == g)
        {
            LockSupport.park();
            return;
        }
        switch (G.leafSig(c, PARK))
        {
            case G.SIG_RESUME:
                c.sig = G.SIG_NONE;
                g.consumePermit(); // the wake-up that made it runnable (merged with any since)
                return;
            case G.SIG_CALL:
                c.sig = G.SIG_NONE;
                if (0 != g.consumePermit())
                {
                    return;
                }
                g.unwindAction = G.ACTION_PARK;
                c.sig = G.SIG_UNWIND;
                return;
            case G.SIG_NONE:
                pinned(g);
                Sched.parkPinned(g, 0);
                return;
            default:
                throw unwinding(c, "park");
        }
    }

    /**
     * Parks as {@link #park()}, but for at most {@code nanos}; with {@code nanos <= 0} it returns at
     * once (leaving any permit in place, as {@link LockSupport#parkNanos(long)}). May return spuriously.
     *
     * @param nanos the longest wait in nanoseconds
     */
    public static void parkNanos(final long nanos)
    {
        final Carrier c = Carrier.here();
        final G g = null == c ? null : c.current;
        final long timeoutNs = Math.min(nanos, MAX_TIMEOUT_NS);
        if (null == g)
        {
            if (timeoutNs > 0)
            {
                LockSupport.parkNanos(timeoutNs);
            }
            return;
        }
        switch (G.leafSig(c, PARK_NANOS))
        {
            case G.SIG_RESUME:
                c.sig = G.SIG_NONE;
                Timers.cancel(g.parkTimer);
                g.parkTimer = null;
                g.consumePermit();
                return;
            case G.SIG_CALL:
                c.sig = G.SIG_NONE;
                if (timeoutNs <= 0 || 0 != g.consumePermit())
                {
                    return;
                }
                g.parkTimer = Timers.schedule(System.nanoTime() + timeoutNs, g);
                g.unwindAction = G.ACTION_PARK;
                c.sig = G.SIG_UNWIND;
                return;
            case G.SIG_NONE:
                if (timeoutNs > 0)
                {
                    pinned(g);
                    Sched.parkPinned(g, timeoutNs);
                }
                return;
            default:
                throw unwinding(c, "parkNanos");
        }
    }

    /**
     * Go's {@code Gosched}: puts the goroutine at the back of the run queue. Pinned or on a plain
     * thread it only yields the thread to the OS.
     */
    public static void yield()
    {
        final Carrier c = Carrier.here();
        if (null == c || null == c.current)
        {
            Thread.yield();
            return;
        }
        yieldLeaf(c, YIELD, "yield", true);
    }

    /**
     * The preemption point the agent puts at each loop back-edge, where it stays a call only where
     * the frame cannot suspend (a monitor held): pinned or on a plain thread it only clears the flag.
     * Where the frame can suspend the agent emits no call but {@link G#preempted(Carrier)}; armed, this
     * leaf would do the same (clear the flag, yield as {@link #yield()}).
     */
    public static void preempt()
    {
        final Carrier c = Carrier.here();
        if (null == c || null == c.current)
        {
            return;
        }
        c.preempt = false;
        yieldLeaf(c, PREEMPT, "preempt", false);
    }

    /**
     * Test mode (the agent's forced suspension): when armed, suspends and requeues like
     * {@link #yield()}, so that every suspendable call site really unwinds and rewinds; pinned or on
     * a plain thread it does nothing.
     */
    public static void testYield()
    {
        final Carrier c = Carrier.here();
        if (null == c || null == c.current)
        {
            return;
        }
        yieldLeaf(c, TEST_YIELD, "testYield", false);
    }

    /**
     * The yield-type leaves: when armed with {@code token}, requeue and unwind; at the end of a
     * rewind, return; pinned, yield the thread to the OS ({@code pinnedYieldsThread}) or do nothing.
     */
    private static void yieldLeaf(final Carrier c, final int token, final String leaf, final boolean pinnedYieldsThread)
    {
        switch (G.leafSig(c, token))
        {
            case G.SIG_RESUME:
                c.sig = G.SIG_NONE;
                return;
            case G.SIG_CALL:
                requeue(c);
                return;
            case G.SIG_NONE:
                if (pinnedYieldsThread)
                {
                    Thread.yield();
                }
                return;
            default:
                throw unwinding(c, leaf);
        }
    }

    /**
     * A pinned park is about to block the carrier: with the agent active, a frame that was not
     * rewritten (or a monitor, or a constructor) broke the chain of armed calls; {@link Pinning}
     * names it. Without the agent every park pins by design, so there is nothing to report.
     *
     * @throws IllegalStateException with {@code pinning=fail}, before anything is blocked
     */
    private static void pinned(final G g)
    {
        if (g.armedRoot)
        {
            Pinning.pinned(g);
        }
    }

    /** Armed yield: take the token, ask the scheduler to requeue, unwind. Also {@link G#preempted(Carrier)}. */
    static void requeue(final Carrier c)
    {
        c.current.unwindAction = G.ACTION_YIELD;
        c.sig = G.SIG_UNWIND;
    }

    private static IllegalStateException unwinding(final Carrier c, final String leaf)
    {
        return new IllegalStateException("sched: " + leaf + " called while " + c.current + " is unwinding (sig=" + c.sig +
            "): a frame ignored SIG_UNWIND after a suspendable call");
    }
}
