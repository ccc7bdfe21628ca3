package io.goroutines.internal.sched;

/**
 * Timers: the API that parks with a timeout, {@code Go.sleep} and the time package use. Each timer
 * lives in one P's {@link TimerHeap} (the P of the carrier that sets it, else the first P), and
 * fires on a carrier: the one holding that P at its next schedule, a spinning carrier that steals
 * from it, or the one carrier that sleeps until the earliest deadline while all are idle
 * ({@link Sched}). There is no timer thread.
 *
 * <p>Firing a goroutine timer unparks the goroutine; an action timer runs its action on the carrier,
 * so it must be short and must not block (the time package's actions send on a channel without
 * waiting, or start a goroutine).
 */
public final class Timers
{
    private Timers()
    {
    }

    /** A pending timer. */
    public static final class Timer
    {
        /** When it fires, in nanoTime. */
        final long deadlineNs;
        /** Goroutine to unpark, or null. */
        final G g;
        /** Action to run when {@link #g} is null. */
        final Runnable action;
        /** Position in its heap, -1 when in none. Guarded by the heap's lock. */
        int index = -1;
        /** The heap it is in, {@link TimerHeap#MOVING} between two, null once fired or cancelled. */
        volatile TimerHeap heap;

        Timer(final long deadlineNs, final G g, final Runnable action)
        {
            this.deadlineNs = deadlineNs;
            this.g = g;
            this.action = action;
        }
    }

    /**
     * Unparks {@code g} at {@code deadlineNs}.
     *
     * @return the timer, for {@link #cancel(Timer)}
     */
    public static Timer schedule(final long deadlineNs, final G g)
    {
        return Sched.get().addTimer(new Timer(deadlineNs, g, null));
    }

    /**
     * Runs {@code action} on a carrier at {@code deadlineNs}; it must be short and must not block.
     *
     * @return the timer, for {@link #cancel(Timer)}
     */
    public static Timer schedule(final long deadlineNs, final Runnable action)
    {
        return Sched.get().addTimer(new Timer(deadlineNs, null, action));
    }

    /**
     * Cancels a timer.
     *
     * @param timer the timer, may be null
     * @return true when it was pending (it will not fire), false when it fired or was cancelled already
     */
    public static boolean cancel(final Timer timer)
    {
        if (null == timer)
        {
            return false;
        }
        for (;;)
        {
            final TimerHeap heap = timer.heap;
            if (null == heap)
            {
                return false;
            }
            if (TimerHeap.MOVING == heap)
            {
                Thread.onSpinWait(); // a P is being destroyed: its timers move to another
                continue;
            }
            if (heap.remove(timer))
            {
                return true;
            }
        }
    }

    /** Fires one timer: unparks its goroutine or runs its action (a failing action is reported, not rethrown). */
    static void fire(final Timer timer)
    {
        if (null != timer.g)
        {
            Sched.unpark(timer.g);
            return;
        }
        try
        {
            timer.action.run();
        }
        catch (final Throwable t)
        {
            System.err.println("goroutines: a timer action failed: " + t);
            t.printStackTrace();
        }
    }

    /** Timers pending on every P, for tests and metrics. */
    static int pending()
    {
        return Sched.get().pendingTimers();
    }
}
