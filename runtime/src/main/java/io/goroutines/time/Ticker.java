package io.goroutines.time;

import io.goroutines.Chan;
import io.goroutines.RecvChan;
import io.goroutines.internal.TimerChannels;
import io.goroutines.internal.sched.Timers;

import java.time.Duration;
import java.time.Instant;

/**
 * Go's {@code time.Ticker}: delivers the time on {@link #c()} every period.
 *
 * <h2>Design (Go 1.23 semantics, runtime/time.go)</h2>
 * One {@link Timers} timer at a time, re-armed by its own action for the next tick. The channel has
 * a buffer of one and each tick is offered with {@code trySend}: a slow receiver finds at most one
 * tick waiting and misses the others, rather than a queue of old ticks. The ticks keep their phase:
 * after a late firing the next is due at {@code when + period * (1 + (now - when) / period)}, the first
 * multiple of the period after now on the original grid (Go's {@code t.when += t.period * (1 +
 * -delta/t.period)}), not one period after the late firing.
 *
 * <p>The state lives under a small lock that the action takes too. {@link #stop()} and
 * {@link #reset(Duration)} cancel the pending timer, bump {@link #generation} (so an action already
 * taken off the heap and waiting for the lock does nothing) and drain the channel: once they return,
 * no tick of the old setting is received.
 *
 * <p>As in Go 1.23, the channel reports {@code len() == cap() == 0}, and a ticker nobody references
 * is garbage-collected without {@code stop()}: the heap holds it weakly unless a receiver waits on
 * its channel ({@link Schedule}).
 *
 * <p>Invariants (under the lock): the schedule's current firing is in the heap (or about to take the
 * lock) exactly while the ticker runs; {@code periodNs} is in {@code [1, MAX_NS]}.
 */
public final class Ticker
{
    /** Guards everything below it. */
    private final Object lock = new Object();
    /** Its place in the timer heap. */
    private final Schedule schedule = new Schedule(this::onTick, false);
    /** Where the ticks go; at most one waits. */
    private final Chan<Instant> c = TimerChannels.make(schedule);
    /** Current setting; bumped by stop and reset so that a stale firing does nothing. Guarded by lock. */
    private long generation;
    /** The period in nanoseconds. Guarded by lock. */
    private long periodNs;
    /** When the next tick is due, in nanoTime. Guarded by lock. */
    private long whenNs;
    /** {@code Instant.now()} when last started. Guarded by lock. */
    private Instant epoch;
    /** {@code System.nanoTime()} when last started. Guarded by lock. */
    private long epochNs;

    /**
     * A ticker whose first tick comes one period from now ({@code time.NewTicker}).
     *
     * @param period the period; longer than about 73 years is cut to that
     * @throws IllegalArgumentException "non-positive interval for NewTicker"
     * @throws NullPointerException     "time: null duration"
     */
    public Ticker(final Duration period)
    {
        final long ns = Durations.period(period, "non-positive interval for NewTicker");
        synchronized (lock)
        {
            startLocked(ns);
        }
    }

    /**
     * The channel of ticks (Go's {@code t.C}). Each value is the time its tick was due, as Go's. It is
     * never closed, not even by {@link #stop()}.
     *
     * @return the channel
     */
    public RecvChan<Instant> c()
    {
        return c;
    }

    /**
     * Stops the ticker: once this returns, no tick is received any more, until a {@link #reset}.
     * Does not close the channel.
     */
    public void stop()
    {
        synchronized (lock)
        {
            stopLocked();
        }
    }

    /**
     * Stops the ticker and starts it again with a new period: the next tick comes one new period
     * from now, and no tick of the old setting is received once this returns. Restarts a stopped
     * ticker too.
     *
     * @param period the new period
     * @throws IllegalArgumentException "non-positive interval for Ticker.Reset"
     * @throws NullPointerException     "time: null duration"
     */
    public void reset(final Duration period)
    {
        final long ns = Durations.period(period, "non-positive interval for Ticker.Reset");
        synchronized (lock)
        {
            stopLocked();
            startLocked(ns);
        }
    }

    /**
     * Starts ticking with {@code ns}; the ticker is stopped. Caller holds lock.
     *
     * @param ns the period, {@code [1, MAX_NS]}
     */
    private void startLocked(final long ns)
    {
        periodNs = ns;
        epoch = Instant.now();
        epochNs = System.nanoTime();
        whenNs = epochNs + ns;
        scheduleLocked();
    }

    /** Schedules the tick due at {@link #whenNs}. Caller holds lock. */
    private void scheduleLocked()
    {
        schedule.arm(whenNs, generation);
    }

    /**
     * The timer action, on a carrier: offers the tick, drops it when one is waiting already, and
     * schedules the next one on the original phase.
     *
     * @param armedGeneration the generation it was scheduled in
     */
    private void onTick(final long armedGeneration)
    {
        synchronized (lock)
        {
            if (armedGeneration != generation)
            {
                return; // stopped or reset after this firing was taken off the heap
            }
            final long nowNs = System.nanoTime();
            c.trySend(Durations.instant(epoch, epochNs, whenNs)); // false: a tick waits; drop this one
            whenNs = nextWhen(whenNs, periodNs, nowNs);
            scheduleLocked();
        }
    }

    /**
     * When the tick after the one due at {@code whenNs} is due, on the original phase: the first
     * {@code whenNs + k * periodNs} ({@code k >= 1}) after {@code nowNs}, so ticks missed while the
     * firing was late are skipped rather than fired in a burst (Go's
     * {@code t.when += t.period * (1 + -delta/t.period)}).
     *
     * @param whenNs   when the tick that fires now was due
     * @param periodNs the period, at least 1
     * @param nowNs    now; a firing is never early, so at least {@code whenNs} (earlier counts as on time)
     * @return when the next tick is due
     */
    static long nextWhen(final long whenNs, final long periodNs, final long nowNs)
    {
        final long lateNs = Math.max(0, nowNs - whenNs);
        return whenNs + periodNs * (1 + lateNs / periodNs);
    }

    /** Cancels the next tick, invalidates one about to run, drains a waiting tick. Caller holds lock. */
    private void stopLocked()
    {
        generation++;
        schedule.cancel();
        c.tryRecv();
    }
}
