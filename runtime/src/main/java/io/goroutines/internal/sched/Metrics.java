package io.goroutines.internal.sched;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of the scheduler's figures for the debug endpoint's {@code /debug/metrics} (and the
 * MBean to come): goroutines by state, Ps, carriers, run-queue lengths and the event counters. Taken
 * without stopping anyone, so the figures are each exact but not from one instant.
 */
public final class Metrics
{
    private Metrics()
    {
    }

    /** Parks committed so far (cheap: no walk over the goroutines). */
    public static long parks()
    {
        return Sched.get().parks();
    }

    /** The figures, by name, in a stable order; values are numbers or lists of numbers. */
    public static Map<String, Object> snapshot()
    {
        final Sched sched = Sched.get();
        int running = 0;
        int runnable = 0;
        int waiting = 0;
        int pinned = 0;
        for (final G g : Goroutines.known(sched))
        {
            switch (g.state())
            {
                case G.RUNNING -> running++;
                case G.RUNNABLE -> runnable++;
                case G.WAITING -> waiting++;
                case G.PINNED -> pinned++;
                default ->
                {
                }
            }
        }
        final List<Integer> runQueues = new ArrayList<>();
        for (final P p : sched.ps())
        {
            runQueues.add(p.runq.size());
        }
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("goroutines", sched.liveCount());
        m.put("goroutinesRunning", running);
        m.put("goroutinesRunnable", runnable);
        m.put("goroutinesWaiting", waiting);
        m.put("goroutinesPinned", pinned);
        m.put("goroutinesLeaked", sched.leaked.get());
        m.put("procs", Sched.maxProcs(0));
        m.put("procsIdle", sched.npidle());
        m.put("carriers", sched.carriers.size());
        m.put("runQueues", runQueues);
        m.put("globalQueue", sched.globq.size());
        m.put("timers", sched.pendingTimers());
        m.put("steals", sched.stats.steals.sum());
        m.put("handoffs", sched.stats.handoffs.sum());
        m.put("preemptions", sched.stats.preemptions.sum());
        m.put("runaways", sched.stats.runaways.sum());
        m.put("carrierWakeups", sched.stats.wakeups.sum());
        m.put("parks", sched.parks());
        m.put("pinnedParks", sched.stats.pinnedParks.sum());
        return m;
    }
}
