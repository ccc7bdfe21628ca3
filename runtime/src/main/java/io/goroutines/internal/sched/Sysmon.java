package io.goroutines.internal.sched;

import java.util.concurrent.locks.LockSupport;

/**
 * The monitor thread (Go's sysmon, preemption part only): asks goroutines that have run longer than
 * the time slice to yield, by setting {@link G#preempt}, which rewritten code reads at loop
 * back-edges.
 *
 * <p>Like Go's {@code retake}, it does not read the clock on every schedule: each carrier bumps
 * {@link Carrier#schedTick} when it starts a goroutine, and the monitor remembers the tick and when it
 * first saw it; the same tick seen for longer than a slice means the same goroutine ran all along.
 * It checks every half slice (at least 20 us, at most 10 ms), and sleeps without a timeout while every
 * P is idle, so that an idle JVM costs nothing; taking a P wakes it.
 *
 * <p>Not yet: retaking the P of a runaway goroutine (one in code without preemption points).
 */
final class Sysmon implements Runnable
{
    /** Shortest check period, as Go's sysmon's 20 us. */
    private static final long MIN_PERIOD_NS = 20_000L;
    /** Longest check period, as Go's sysmon's 10 ms. */
    private static final long MAX_PERIOD_NS = 10_000_000L;

    /** The scheduler watched. */
    private final Sched sched;
    /** The time slice. */
    private final long sliceNs;
    /** Time between two checks. */
    private final long periodNs;
    /** The monitor thread. */
    private final Thread thread;
    /** True while the monitor sleeps until a P is taken; written by the monitor, cleared by wakers. */
    private volatile boolean sleeping;

    Sysmon(final Sched sched, final long sliceNs)
    {
        this.sched = sched;
        this.sliceNs = sliceNs;
        this.periodNs = Math.max(MIN_PERIOD_NS, Math.min(MAX_PERIOD_NS, sliceNs / 2));
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
        if (sleeping) // volatile read after the idleProcs write of the caller; pairs with run's re-check
        {
            sleeping = false;
            LockSupport.unpark(thread);
        }
    }

    /** The monitor loop. */
    @Override
    public void run()
    {
        for (;;)
        {
            if (sched.allProcsIdle())
            {
                sleeping = true; // then re-read idleProcs: pairs with the idleProcs write -> sleeping read in wake
                if (sched.allProcsIdle())
                {
                    LockSupport.park(this);
                }
                sleeping = false;
                Thread.interrupted();
                continue;
            }
            LockSupport.parkNanos(this, periodNs);
            retake(System.nanoTime());
        }
    }

    /** One pass over the carriers: flags goroutines that ran a whole slice. */
    private void retake(final long nowNs)
    {
        for (final Carrier c : sched.carriers)
        {
            final long tick = c.schedTick;
            final G g = c.current; // racy read, benign: a stale goroutine at worst yields once for nothing
            if (null == g || G.RUNNING != g.state())
            {
                c.sysmonTick = -1;
                continue;
            }
            if (tick != c.sysmonTick)
            {
                c.sysmonTick = tick;
                c.sysmonWhenNs = nowNs;
            }
            else if (nowNs - c.sysmonWhenNs >= sliceNs)
            {
                g.preempt = true;
                c.sysmonWhenNs = nowNs;
            }
        }
    }
}
