package io.goroutines.time;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.Task;
import io.goroutines.internal.TimerChannels;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Go's {@code time.Timer}: a single event. A channel timer ({@code new Timer(d)}, Go's
 * {@code NewTimer}) delivers the time it was due on {@link #c()}; a function timer
 * ({@link #afterFunc}) starts a goroutine instead.
 *
 * <h2>Design (Go 1.23 semantics)</h2>
 * Since Go 1.23 a timer's channel behaves as unbuffered: once {@link #stop()} or {@link #reset}
 * returns, no value from the old setting can be received, so the old idiom
 * {@code if (!t.stop()) { t.c().recv(); }} is not needed (and would block). Here the channel has a
 * buffer of one, and the timer's state lives under a small lock that the firing action takes too:
 * <ul>
 *   <li>firing (a {@link Timers} action on a carrier: short, never blocking) checks under the lock
 *       that its arming is still the current one ({@link #generation}), then offers the value with
 *       {@code trySend} (there is always room: every arming follows a drain) or starts the task;</li>
 *   <li>stop and reset, under the lock, cancel the pending timer, bump the generation (so an action
 *       already taken off the heap and waiting for the lock does nothing) and drain the channel with
 *       {@code tryRecv}.</li>
 * </ul>
 * So a value is either received before stop/reset takes the lock, or never. {@code stop()} returns
 * true when the timer was active: pending, or fired with its value still in the channel (as Go 1.23,
 * where such a value counts as not yet delivered); false when the value was received, the timer
 * already stopped, or the function already started.
 *
 * <p>A zero or negative duration fires at once, in the constructor or {@code reset} itself, rather
 * than through the timer heap: the earliest possible moment, with the same observable behaviour. A
 * duration over about 73 years is cut to that, so nanoTime arithmetic cannot overflow.
 *
 * <p>As in Go 1.23, the channel reports {@code len() == cap() == 0}, and a channel timer that nobody
 * references is garbage-collected without {@code stop()}: the heap holds it weakly unless a receiver
 * waits on its channel ({@link Schedule}). A function timer is held until it fires or is stopped.
 *
 * <p>Invariants (under the lock): {@code armed} iff the schedule's firing is current (in the heap or
 * about to take the lock); {@code armed} implies the channel is empty.
 */
public final class Timer
{
    /** Guards everything below it. */
    private final Object lock = new Object();
    /** Where a channel timer delivers; null for a function timer. */
    private final Chan<Instant> c;
    /** What a function timer starts; null for a channel timer. */
    private final Task task;
    /** Its place in the timer heap. */
    private final Schedule schedule;
    /** Current arming; bumped by stop and reset so that a stale firing does nothing. Guarded by lock. */
    private long generation;
    /** Whether armed and not yet fired or stopped. Guarded by lock. */
    private boolean armed;
    /** {@code Instant.now()} when last armed. Guarded by lock. */
    private Instant epoch;
    /** {@code System.nanoTime()} when last armed. Guarded by lock. */
    private long epochNs;
    /** When it is due, in nanoTime. Guarded by lock. */
    private long whenNs;

    /**
     * A timer that sends the time on {@link #c()} once {@code d} has passed ({@code time.NewTimer}).
     *
     * @param d the duration; zero or negative fires at once
     * @throws NullPointerException "time: null duration"
     */
    public Timer(final Duration d)
    {
        this(d, null);
    }

    /**
     * A channel timer ({@code task == null}) or a function timer.
     *
     * @param d    the duration
     * @param task the function, or null
     */
    private Timer(final Duration d, final Task task)
    {
        final long ns = Durations.toNanos(d);
        this.task = task;
        this.schedule = new Schedule(this::onTimer, null != task);
        this.c = null == task ? TimerChannels.make(schedule) : null;
        synchronized (lock)
        {
            armLocked(ns);
        }
    }

    /**
     * A timer that runs {@code task} in a goroutine of its own once {@code d} has passed
     * ({@code time.AfterFunc}). Its {@link #c()} is null. {@link #stop()} returning false means the
     * task was started already; stop does not wait for it.
     *
     * @param d    the duration; zero or negative starts the task at once
     * @param task the task; an exception escaping it is a panic, as in any goroutine
     * @return the timer
     * @throws NullPointerException "time: null duration", "time: nil func"
     */
    public static Timer afterFunc(final Duration d, final Task task)
    {
        Objects.requireNonNull(task, "time: nil func");
        return new Timer(d, task);
    }

    /**
     * The channel on which the time is delivered (Go's {@code t.C}). The value is the time the timer
     * was due, as Go's (so never earlier than the start plus the duration); the channel is never
     * closed, not even by {@link #stop()}.
     *
     * @return the channel, or null for a timer made by {@link #afterFunc}
     */
    public RecvChan<Instant> c()
    {
        return c;
    }

    /**
     * Stops the timer. Once this returns, nothing more is received from {@link #c()} for the old
     * setting, and a function timer's task is not started any more.
     *
     * @return true when the timer was active (pending, or fired but its value not yet received);
     *         false when its value was received, it was stopped already, or its task was started
     */
    public boolean stop()
    {
        synchronized (lock)
        {
            return disarmLocked();
        }
    }

    /**
     * Re-arms the timer to fire {@code d} from now, dropping the old setting as {@link #stop()} does.
     *
     * @param d the new duration; zero or negative fires at once
     * @return what {@link #stop()} would have returned
     * @throws NullPointerException "time: null duration"
     */
    public boolean reset(final Duration d)
    {
        final long ns = Durations.toNanos(d);
        synchronized (lock)
        {
            final boolean active = disarmLocked();
            armLocked(ns);
            return active;
        }
    }

    /**
     * Arms the timer, or fires it at once for a zero duration. Caller holds lock, and the timer is not
     * armed.
     *
     * @param ns nanoseconds until it fires, {@code [0, MAX_NS]}
     */
    private void armLocked(final long ns)
    {
        epoch = Instant.now();
        epochNs = System.nanoTime();
        whenNs = epochNs + ns;
        armed = true;
        if (0 == ns)
        {
            fireLocked();
            return;
        }
        schedule.arm(whenNs, generation);
    }

    /**
     * The timer action, on a carrier: fires unless stop or reset came first.
     *
     * @param armedGeneration the generation it was armed in
     */
    private void onTimer(final long armedGeneration)
    {
        synchronized (lock)
        {
            if (armedGeneration != generation || !armed)
            {
                return; // stopped or reset after this firing was taken off the heap
            }
            fireLocked();
        }
    }

    /** Delivers the value or starts the task; never blocks. Caller holds lock. */
    private void fireLocked()
    {
        armed = false;
        if (null == task)
        {
            final boolean sent = c.trySend(Durations.instant(epoch, epochNs, whenNs));
            assert sent : "time: timer channel not drained before arming";
        }
        else
        {
            Go.go(task);
        }
    }

    /**
     * Go's {@code t.Stop()} under the lock: cancels the pending firing, invalidates one that is about
     * to run, drains an undelivered value.
     *
     * @return whether the timer was active
     */
    private boolean disarmLocked()
    {
        generation++;
        final boolean wasArmed = armed;
        armed = false;
        schedule.cancel();
        final boolean drained = null != c && null != c.tryRecv();
        return wasArmed || drained;
    }
}
