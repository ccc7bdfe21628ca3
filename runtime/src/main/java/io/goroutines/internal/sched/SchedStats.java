package io.goroutines.internal.sched;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of scheduler events that cost more than a hand-off anyway (waking or starting a carrier,
 * a steal, a hand-off, a preemption request, a runaway, a park), for the metrics and for tuning.
 * Run-queue puts and gets are not counted. With {@code -Dgoroutines.schedstats=true} they
 * are printed to stderr when the JVM exits.
 */
final class SchedStats
{
    /** Carriers woken or started for work (Go's startm). */
    final LongAdder wakeups = new LongAdder();
    /** Successful steals from another P. */
    final LongAdder steals = new LongAdder();
    /** Ps handed to another carrier (blocking call retaken, pinned park). */
    final LongAdder handoffs = new LongAdder();
    /** Preemption requests by the monitor (slice over or overdue timer). */
    final LongAdder preemptions = new LongAdder();
    /** Ps replaced because their goroutine ran away. */
    final LongAdder runaways = new LongAdder();
    /** Parks committed (a goroutine unwound and waits). */
    final LongAdder parks = new LongAdder();
    /** Parks that blocked their carrier (pinned). */
    final LongAdder pinnedParks = new LongAdder();
    /** Times a spinning carrier gave its P up without finding work. */
    final LongAdder idleSpins = new LongAdder();

    /** Prints the counters at exit when asked for. */
    void printAtExitIfAsked()
    {
        if (Boolean.getBoolean("goroutines.schedstats"))
        {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(this), "goroutines-schedstats"));
        }
    }

    @Override
    public String toString()
    {
        return "goroutines: schedstats wakeups=" + wakeups.sum() + " steals=" + steals.sum() + " handoffs=" +
            handoffs.sum() + " preemptions=" + preemptions.sum() + " runaways=" + runaways.sum() +
            " idleSpins=" + idleSpins.sum();
    }
}
