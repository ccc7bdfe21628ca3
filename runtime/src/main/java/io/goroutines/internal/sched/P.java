package io.goroutines.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A P (Go's processor): the right to run goroutines, with its own run queue and timers. There are
 * {@code procs} of them; a carrier needs one to run goroutines.
 *
 * <p>Status (Go's {@code _Pidle}, {@code _Prunning}, {@code _Psyscall}, {@code _Pdead}), changed by
 * {@link #casStatus}:
 * <pre>
 *   IDLE --(a carrier takes it from the idle list)--> RUNNING --(carrier finds no work)--> IDLE
 *   RUNNING --(its goroutine enters Go.blocking)--> SYSCALL --(the call returns, CAS)--> RUNNING
 *                                                    SYSCALL --(monitor retakes it, CAS)--> IDLE or RUNNING elsewhere
 *   any --(maxProcs shrinks, or a runaway's P is retired)--> DEAD
 * </pre>
 * In SYSCALL the blocked carrier keeps the P as its {@code oldp} but does not touch it; whoever
 * wins the CAS out of SYSCALL owns it. So the run queue has one owner at a time: the carrier whose
 * {@code p} field is this P.
 */
final class P
{
    /** Free, on the scheduler's idle list. */
    static final int IDLE = 0;
    /** Held by a carrier that runs goroutines or looks for work. */
    static final int RUNNING = 1;
    /** Its carrier is inside {@code Go.blocking}; the monitor may retake it. */
    static final int SYSCALL = 2;
    /** Destroyed (maxProcs shrank); never used again. */
    static final int DEAD = 3;

    /** Access to {@link #status}. */
    private static final VarHandle STATUS;

    static
    {
        try
        {
            STATUS = MethodHandles.lookup().findVarHandle(P.class, "status", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Number, for names and messages. */
    final int id;
    /** Local run queue. */
    final RunQueue runq = new RunQueue();
    /** Timers set by goroutines running on this P. */
    final TimerHeap timers = new TimerHeap();
    /** One of IDLE..DEAD. */
    private volatile int status;
    /** The carrier holding it (RUNNING or SYSCALL), for the monitor; racy reads are fine. */
    volatile Carrier m;
    /** Set when this P must be destroyed by its holder at its next schedule (maxProcs shrank, runaway replaced). */
    volatile boolean retire;
    /** Set with {@link #retire} when the monitor replaced this P because its goroutine ran away. */
    volatile boolean runaway;
    /**
     * Set by the monitor when the time slice running on this P is over. Rewritten code yields at its
     * next back-edge, but a chain of goroutines that ready each other into runnext and park (a
     * ping-pong pair) would inherit the slice forever: the next schedule on this P then moves runnext
     * behind the queue and starts a new slice.
     */
    volatile boolean sliceOver;
    /**
     * Set by the monitor with the running goroutine's preempt flag when a timer of this P is due: that
     * goroutine's yield then stays on this P's queue instead of going to the global queue (whose
     * every-61st-schedule turn would run it again before the woken goroutine, for a whole slice), and
     * the next schedule fires the timer into runnext, ahead of it. Cleared by that schedule.
     */
    volatile boolean timerYield;
    /**
     * Id of the goroutine the monitor last asked to yield for a due timer (not the goroutine: a P
     * must not keep a goroutine reachable, or a leaked one would never be found); the monitor's own.
     */
    long timerYieldGid;
    /** When the monitor asked it (nanoTime); the monitor's own. */
    long timerYieldSinceNs;
    /** Incremented when a goroutine starts a new time slice on this P (not for runnext, which inherits it). Owner only; the monitor reads it racily. */
    int schedTick;
    /** Incremented on each entry to a blocking section. Owner only; the monitor reads it racily. */
    int syscallTick;
    /**
     * Parks committed on this P: a plain increment by the owner (the park path's metrics hook costs
     * no atomic), read racily by the metrics; added to the scheduler's count when the P is destroyed.
     */
    long parks;
    /** The next goroutine id of this P's batch, and the end of the batch (Go's goidcache). Owner only. */
    long goidNext;
    long goidEnd;

    // The monitor's bookkeeping (monitor thread only), as Go's sysmontick.
    /** Last schedTick seen. */
    int sysmonSchedTick = -1;
    /** When it was first seen. */
    long sysmonSchedWhenNs;
    /** Last syscallTick seen. */
    int sysmonSyscallTick = -1;
    /** When it was first seen. */
    long sysmonSyscallWhenNs;
    /** The goroutine first asked to yield in this slice. */
    G sysmonG;
    /** When it was asked. */
    long sysmonGWhenNs;
    /** Whether the running goroutine was already reported as a runaway in this slice. */
    boolean runawayReported;

    P(final int id, final int status)
    {
        this.id = id;
        this.status = status;
    }

    int status()
    {
        return status;
    }

    void setStatus(final int next)
    {
        status = next;
    }

    boolean casStatus(final int expected, final int next)
    {
        return STATUS.compareAndSet(this, expected, next);
    }

    @Override
    public String toString()
    {
        return "P" + id;
    }

    /** Id, status, flags and holder, for failure messages. */
    String describe()
    {
        final Carrier holder = m;
        return "P" + id + "(status " + status + (retire ? ", retire" : "") + (runaway ? ", runaway" : "") +
            ", runq " + runq.size() + ", m " + (null == holder ? "none" : holder.getName() + " " +
            holder.getState() + " running " + holder.current) + ")";
    }
}
