package io.goroutines.internal.sched;

import io.goroutines.internal.stack.MethodRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The monitor thread (Go's sysmon). Each pass it looks at every P:
 * <ul>
 *   <li><b>RUNNING</b> with the same {@code schedTick} for a whole time slice: the same goroutine
 *       (or a runnext chain inheriting its slice) ran all along; its carrier's {@link Carrier#preempt} flag is set,
 *       and rewritten code yields at its next loop back-edge. A goroutine that is still running a
 *       whole slice after that (two in all) is a runaway, in code that was not rewritten and so has
 *       no preemption point: its P is replaced ({@link Sched#replaceRunaway(P)}), so that the others
 *       run, and once it has run a second (and burnt CPU time all along, see {@link #REPORT_CPU_NS})
 *       it is reported, once per site.</li>
 *   <li><b>SYSCALL</b> (inside {@code Go.blocking}) with the same {@code syscallTick} since the last
 *       pass (at least 20 us): the P is retaken and handed off ({@link Sched#handoffp(P)}), except
 *       that one with nothing queued is left up to 10 ms while other carriers spin or idle, as Go's
 *       retake does.</li>
 * </ul>
 * It also looks after overdue timers: it starts a carrier when a P is idle (nobody ran the timer),
 * and asks the goroutine running on a busy P with an overdue timer to yield (timer fairness).
 *
 * <p>Like Go's, it does not read the clock on every schedule: the ticks say whether anything
 * changed, and the monitor remembers when it first saw each. The period starts at 20 us and
 * doubles after 50 passes in which nothing was retaken, up to 10 ms or half the time slice; entering a blocking call wakes
 * a monitor that sleeps longer than 20 us, so a blocking call is handed off after about 20-40 us;
 * and it never sleeps past the earliest timer, including one set while it naps
 * ({@link #timerAdded(long)}): a goroutine that sleeps 1 ms next to a CPU hog wakes about 1 ms
 * later, not when the monitor happens to look again (up to half a slice later).
 * While every P is idle it sleeps without a timeout, so an idle JVM costs nothing; taking a P
 * wakes it.
 */
final class Sysmon implements Runnable
{
    /** Shortest period, as Go's sysmon's 20 us. */
    private static final long MIN_DELAY_NS = 20_000L;
    /** Longest period, as Go's sysmon's 10 ms. */
    private static final long MAX_DELAY_NS = 10_000_000L;
    /** Idle passes before the period starts doubling, as Go's 50. */
    private static final int IDLE_PASSES = 50;
    /** How long a blocked P with nothing queued may be left alone while others are idle, Go's 10 ms. */
    private static final long SYSCALL_KEEP_NS = 10_000_000L;
    /**
     * How long a runaway must have run before it is reported: its P is replaced after two slices,
     * but class loading, the agent's transform and class initialisation (code that is never
     * rewritten) add up to a few hundred milliseconds at start-up on a small machine, which is not
     * worth a report; a loop stuck for a second is.
     */
    private static final long REPORT_AFTER_NS = 1_000_000_000L;
    /**
     * CPU time a runaway must burn between two samples of the same top frame before it is reported:
     * rewritten code that was asked to yield reaches a preemption point within microseconds of CPU
     * time, so one that burnt this much is in a loop without any; a goroutine that only looked stuck
     * because the OS did not run its carrier (an oversubscribed machine), or that blocks its carrier
     * in the kernel (a plain {@code Thread.sleep}, a socket read outside {@code Go.blocking}), burns
     * none. Either way its P is replaced; only the report needs the evidence.
     */
    private static final long REPORT_CPU_NS = 50_000_000L;
    /** Frames printed in a runaway report. */
    private static final int REPORT_FRAMES = 12;

    /** First delay of the deadlock watch while every P is idle. */
    private static final long MIN_IDLE_WATCH_NS = 1_000_000L;
    /** Longest delay of the deadlock watch. */
    private static final long MAX_IDLE_WATCH_NS = 1_000_000_000L;

    /** The scheduler watched. */
    private final Sched sched;
    /** The time slice, 0 when preemption is off. */
    private final long sliceNs;
    /** Longest period: Go's 10 ms, or half the time slice when that is shorter. */
    private final long maxDelayNs;
    /** The monitor thread. */
    private final Thread thread;
    /** True while the monitor sleeps until a P is taken; written by the monitor, cleared by wakers. */
    private volatile boolean sleeping;
    /** True while the monitor sleeps longer than the shortest period. */
    private volatile boolean napping;
    /**
     * When the current nap ends (nanoTime), or {@link Long#MAX_VALUE} while the monitor is awake or
     * sleeps until a P is taken. Written before the monitor reads the timers and lowered by
     * {@link #timerAdded(long)}: a timer added after that read finds the nap's end here.
     */
    private volatile long napEndNs = Long.MAX_VALUE;
    /** Set by a waker: go back to the shortest period. */
    private volatile boolean kicked;
    /** Current delay of the deadlock watch. */
    private long idleWatchNs = MIN_IDLE_WATCH_NS;
    /** The runaway whose stack was sampled last, for {@link #report}. */
    private G sampledG;
    /** Top frame of that sample. */
    private String sampledTop;
    /** CPU time of that runaway's carrier at the sample, or -1 when the JVM does not measure it. */
    private long sampledCpuNs;
    /** Runaway sites already reported (top frame). */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    Sysmon(final Sched sched, final long sliceNs)
    {
        this.sched = sched;
        this.sliceNs = sliceNs;
        this.maxDelayNs = sliceNs > 0 ? Math.max(MIN_DELAY_NS, Math.min(MAX_DELAY_NS, sliceNs / 2)) : MAX_DELAY_NS;
        this.thread = new Thread(this, "goroutines-sysmon");
        this.thread.setDaemon(true);
    }

    /** Starts the thread. */
    void start()
    {
        thread.start();
    }

    /** Called after a P was taken: wakes the monitor if it sleeps. Any thread. */
    void wake()
    {
        if (sleeping) // volatile read after the npidle write of the caller; pairs with run's re-check
        {
            sleeping = false;
            kicked = true;
            LockSupport.unpark(thread);
        }
    }

    /** Called when a goroutine enters a blocking call: the monitor must look within ~20 us. */
    void syscallEntered()
    {
        if (napping || sleeping)
        {
            napping = false;
            sleeping = false;
            kicked = true;
            LockSupport.unpark(thread);
        }
    }

    /**
     * A timer due at {@code whenNs} was added (any thread): if the monitor naps past it, wake it to
     * sleep until the timer instead, so that a P busy with one goroutine is asked to yield when the
     * timer is due ({@link #checkTimers(long)}). Costs one volatile read when the timer is later.
     */
    void timerAdded(final long whenNs)
    {
        final long napEnd = napEndNs;
        if (whenNs - napEnd < 0 && Long.MAX_VALUE != napEnd)
        {
            napEndNs = whenNs; // later timers added before the monitor looks again need not wake it
            LockSupport.unpark(thread);
        }
    }

    /** The monitor loop. */
    @Override
    public void run()
    {
        long delay = MIN_DELAY_NS;
        int idle = 0;
        for (;;)
        {
            if (kicked)
            {
                kicked = false;
                idle = 0;
            }
            if (0 == idle)
            {
                delay = MIN_DELAY_NS;
            }
            else if (idle > IDLE_PASSES)
            {
                delay = Math.min(delay * 2, maxDelayNs);
            }
            if (sched.allProcsIdle())
            {
                sched.coarseNs = System.nanoTime();
                housekeep();
                // While deadlock detection is on and finds none, look again after 1 ms, 2 ms, ... 1 s:
                // the last goroutine may park, or the main thread start waiting, after this look.
                final boolean watch = Deadlocks.enabled() && !Deadlocks.check(sched);
                sleeping = true; // then re-read npidle: pairs with the npidle write -> sleeping read in wake
                if (sched.allProcsIdle())
                {
                    if (watch)
                    {
                        LockSupport.parkNanos(this, idleWatchNs);
                        idleWatchNs = Math.min(2 * idleWatchNs, MAX_IDLE_WATCH_NS);
                    }
                    else
                    {
                        LockSupport.park(this);
                    }
                }
                sleeping = false;
                Thread.interrupted();
                idle = 0;
                continue;
            }
            // wake up for the earliest timer too: a busy P runs its timers only at its next schedule.
            // napEndNs is published before the timers are read: a timer added after the read sees it
            // (timerAdded) and wakes the monitor, so no timer is slept past (Dekker, both volatile)
            final long before = System.nanoTime();
            napEndNs = before + delay;
            long sleepNs = delay;
            final long timer = sched.earliestTimer();
            if (TimerHeap.NONE != timer)
            {
                sleepNs = Math.max(MIN_DELAY_NS, Math.min(delay, timer - before));
            }
            napping = sleepNs > MIN_DELAY_NS;
            LockSupport.parkNanos(this, sleepNs);
            napping = false;
            napEndNs = Long.MAX_VALUE;
            Thread.interrupted();
            final long now = System.nanoTime();
            sched.coarseNs = now;
            idleWatchNs = MIN_IDLE_WATCH_NS;
            housekeep();
            final boolean retook = retake(now);
            checkTimers(now);
            idle = retook ? 0 : idle + 1;
        }
    }

    /**
     * The registry's upkeep: unlinks the records of ended goroutines when many were started, and
     * reports the goroutines the collector found unreachable while they waited (leaks).
     */
    private void housekeep()
    {
        if (sched.allgs.sweepDue(sched.liveCount()))
        {
            sched.allgs.sweep();
        }
        for (GRecord r = sched.allgs.pollLeaked(); null != r; r = sched.allgs.pollLeaked())
        {
            sched.leaked(r);
        }
    }

    /** One pass over the Ps (Go's retake). Returns whether a P was retaken from a blocking call. */
    private boolean retake(final long now)
    {
        boolean retook = false;
        for (final P p : sched.ps())
        {
            final int status = p.status();
            if (P.RUNNING == status)
            {
                watchRunning(p, now);
            }
            else if (P.SYSCALL == status)
            {
                final int tick = p.syscallTick;
                if (tick != p.sysmonSyscallTick)
                {
                    p.sysmonSyscallTick = tick;
                    p.sysmonSyscallWhenNs = now;
                    continue;
                }
                if (p.runq.isEmpty() && sched.nmspinning.get() + sched.npidle() > 0 &&
                    now - p.sysmonSyscallWhenNs < SYSCALL_KEEP_NS)
                {
                    continue;
                }
                if (p.casStatus(P.SYSCALL, P.IDLE))
                {
                    sched.handoffp(p);
                    retook = true;
                }
            }
        }
        return retook;
    }

    /** Preempts a goroutine that ran a whole slice; replaces the P of one that ran two. */
    private void watchRunning(final P p, final long now)
    {
        final int tick = p.schedTick;
        if (tick != p.sysmonSchedTick)
        {
            p.sysmonSchedTick = tick;
            p.sysmonSchedWhenNs = now;
            p.runawayReported = false;
            p.sysmonG = null;
            return;
        }
        if (0 == sliceNs)
        {
            return;
        }
        final long ranNs = now - p.sysmonSchedWhenNs;
        final Carrier m = p.m;
        final G g = null == m ? null : m.current; // racy, benign: a stale goroutine at worst yields once for nothing
        if (null == g || G.RUNNING != g.state() || ranNs < sliceNs)
        {
            return;
        }
        if (p.sysmonG != g)
        {
            // a new goroutine on this slice (a runnext chain): give this one a whole slice of its own
            p.sysmonG = g;
            p.sysmonGWhenNs = now;
        }
        m.preempt = true;
        p.sliceOver = true;
        sched.stats.preemptions.increment();
        if (Events.on)
        {
            Events.preempt(g);
        }
        final long stuckNs = now - p.sysmonGWhenNs;
        if (stuckNs >= sliceNs && !p.retire)
        {
            sched.replaceRunaway(p);
        }
        if (stuckNs >= REPORT_AFTER_NS && !p.runawayReported)
        {
            p.runawayReported = report(m, g, ranNs);
        }
    }

    /**
     * An overdue timer: starts a carrier when a P is idle (nobody is running it); on a busy P, asks
     * the running goroutine to yield, so that the timer fires at the next preemption point instead
     * of at the end of the slice (Go waits for the slice; a wake-up then can be 10-20 ms late). That
     * yield stays on the P's own queue, behind what the timers ready ({@link P#timerYield}). A
     * goroutine that has not yielded {@link #maxDelayNs} after it was asked is in code without
     * preemption points: its P is replaced as a runaway's, at once rather than after two slices.
     */
    private void checkTimers(final long now)
    {
        if (0 != sched.npidle() && TimerHeap.due(sched.earliestTimer(), now))
        {
            sched.wakep();
        }
        for (final P p : sched.ps())
        {
            if (P.RUNNING == p.status() && TimerHeap.due(p.timers.nextWhen(), now))
            {
                final Carrier m = p.m;
                final G g = null == m ? null : m.current;
                if (null == g)
                {
                    continue;
                }
                if (p.timerYield && p.timerYieldGid == g.id)
                {
                    // asked before and still running: code that was not rewritten (class loading, a
                    // JDK loop) has no preemption point; after half a period more, let another P run
                    // the timers instead of waiting two slices for the runaway rule
                    if (now - p.timerYieldSinceNs >= maxDelayNs && !p.retire)
                    {
                        sched.replaceRunaway(p);
                    }
                    continue;
                }
                p.timerYieldGid = g.id;
                p.timerYieldSinceNs = now;
                // not sliceOver: the goroutines the timers ready must go first, not behind the queue
                p.timerYield = true; // before the flag: the yield that sees the flag sees this
                m.preempt = true;
                if (Events.on)
                {
                    Events.preempt(g);
                }
            }
        }
    }

    /**
     * Reports a runaway goroutine once per site (its top frame), unless it is loading or
     * initialising a class or linking an invokedynamic call site (a lambda's class is spun and then
     * transformed): the JVM's work and the agent's, never rewritten, often tens of milliseconds at
     * start-up, seconds on a loaded machine. Then it is looked at again on the next pass. A site is
     * reported only when two samples in a row show the same top frame: a goroutine stuck in one
     * loop does, start-up code that runs through many methods (linking lambdas between them) does not;
     * and only when its carrier burnt {@link #REPORT_CPU_NS} of CPU time in between. The runtime's
     * own loops are not reported.
     *
     * @return whether the runaway needs no further look
     */
    private boolean report(final Carrier m, final G g, final long ranNs)
    {
        final StackTraceElement[] stack = m.getStackTrace();
        if (m.current != g || G.RUNNING != g.state())
        {
            return false; // it moved on while the stack was taken: not the runaway's stack
        }
        for (final StackTraceElement e : stack)
        {
            final String method = e.getMethodName();
            if ("<clinit>".equals(method) || "loadClass".equals(method) ||
                "java.lang.invoke.MethodHandleNatives".equals(e.getClassName()) ||
                ("transform".equals(method) && "java.lang.instrument.ClassFileTransformer".equals(e.getClassName())))
            {
                return false;
            }
        }
        if (inRuntime(stack))
        {
            return false; // the runtime's own loops end (closing a channel that a million wait on)
        }
        final String site = stack.length > 0 ? stack[0].toString() : "unknown";
        final long cpuNs = cpuNs(m);
        if (g != sampledG || !site.equals(sampledTop))
        {
            sampledG = g;
            sampledTop = site;
            sampledCpuNs = cpuNs;
            return false;
        }
        if (cpuNs >= 0 && sampledCpuNs >= 0 && cpuNs - sampledCpuNs < REPORT_CPU_NS)
        {
            return false; // not burning CPU (yet): descheduled or blocked, not (yet) seen looping
        }
        if (!reported.add(site))
        {
            return true;
        }
        final StringBuilder sb = new StringBuilder(256);
        sb.append("goroutines: goroutine ").append(g.id).append(" ran ").append(ranNs / 1_000_000)
            .append(" ms without reaching a preemption point: it is in code that was not rewritten")
            .append(" (a loop in a library, or in a method that is not @Goroutine); its P was handed to")
            .append(" another carrier so that the other goroutines run. Reported once per site.\n");
        for (int i = 0; i < stack.length && i < REPORT_FRAMES; i++)
        {
            sb.append("\tat ").append(stack[i]).append('\n');
        }
        System.err.print(sb);
        System.err.flush();
        return true;
    }

    /**
     * Whether the innermost frame outside the JDK is the runtime's (a channel's close waking a
     * million waiters, say): long but finite, and nothing the user could annotate.
     */
    static boolean inRuntime(final StackTraceElement[] stack)
    {
        for (final StackTraceElement e : stack)
        {
            final String c = e.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun."))
            {
                return MethodRegistry.isRuntimeClass(c.replace('.', '/'));
            }
        }
        return false;
    }

    /** CPU time the thread has used, or -1 when the JVM does not measure it. */
    private static long cpuNs(final Thread t)
    {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled() ? mx.getThreadCpuTime(t.getId()) : -1;
    }
}
