package io.goroutines.time;

import io.goroutines.internal.TimerChannels;
import io.goroutines.internal.sched.Timers;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.function.LongConsumer;

/**
 * Where a {@link Timer} or {@link Ticker} stands in the timer heap, holding it only weakly unless
 * someone waits on its channel (Go 1.23: timers and tickers nobody references are collected without
 * {@code stop()}).
 *
 * <p>The heap entry's action is a {@link Firing}, a weak reference to the owner's firing function.
 * While a receiver is parked on the owner's channel ({@link #blocked()} until {@link #unblocked()}),
 * or always for a function timer, the firing also holds it strongly, so a goroutine waiting on an
 * otherwise unreferenced timer is still woken (a parked goroutine is reachable only through what it
 * waits on). Once the owner is collected, its firing is queued by the garbage collector and its heap
 * entry cancelled at the next {@link #arm} of any timer, so abandoned long timers do not pile up in
 * the heap either.
 *
 * <p>Invariants (under this object's monitor): {@code waiting >= 0}; the current firing holds the
 * owner strongly iff {@code always || waiting > 0}.
 */
final class Schedule implements TimerChannels.Hook
{
    /** Firings whose owner was collected, to cancel. */
    private static final ReferenceQueue<LongConsumer> COLLECTED = new ReferenceQueue<>();

    /** The owner's firing function, given the generation it was armed in. */
    private final LongConsumer owner;
    /** Whether the heap holds the owner strongly at all times (a function timer). */
    private final boolean always;
    /** Receivers parked on the owner's channel. Guarded by this. */
    private int waiting;
    /** The current or last firing, or null. Guarded by this. */
    private Firing firing;

    /**
     * @param owner  runs when the timer is due, with the generation given to {@link #arm}; it must
     *               reference the timer, which must reference this schedule (so that the owner lives
     *               as long as the timer does)
     * @param always whether the timer is held even when nobody waits on a channel (a function timer)
     */
    Schedule(final LongConsumer owner, final boolean always)
    {
        this.owner = owner;
        this.always = always;
    }

    /**
     * Puts the owner in the heap, due at {@code whenNs}; the previous firing must have run or been
     * cancelled.
     *
     * @param whenNs     when, in nanoTime
     * @param generation passed back to the owner when it fires
     */
    synchronized void arm(final long whenNs, final long generation)
    {
        expungeCollected();
        final Firing f = new Firing(owner, generation);
        f.strong = always || waiting > 0 ? owner : null;
        firing = f;
        f.entry = Timers.schedule(whenNs, f);
    }

    /** Takes the current firing out of the heap, if it is there. */
    synchronized void cancel()
    {
        if (null != firing)
        {
            Timers.cancel(firing.entry);
            firing = null;
        }
    }

    /** {@inheritDoc} */
    @Override
    public synchronized void blocked()
    {
        if (0 == waiting++ && null != firing)
        {
            firing.strong = owner;
        }
    }

    /** {@inheritDoc} */
    @Override
    public synchronized void unblocked()
    {
        if (0 == --waiting && null != firing && !always)
        {
            firing.strong = null;
        }
    }

    /** Cancels the heap entries of collected timers. */
    private static void expungeCollected()
    {
        for (Reference<? extends LongConsumer> r = COLLECTED.poll(); null != r; r = COLLECTED.poll())
        {
            Timers.cancel(((Firing)r).entry);
        }
    }

    /** A heap entry's action: fires the owner if it is still there. */
    private static final class Firing extends WeakReference<LongConsumer> implements Runnable
    {
        /** The owner's generation when armed. */
        private final long generation;
        /** The owner, while it must not be collected; else null. */
        volatile LongConsumer strong;
        /** The heap entry, for cancelling it once the owner is collected. */
        volatile Timers.Timer entry;

        Firing(final LongConsumer owner, final long generation)
        {
            super(owner, COLLECTED);
            this.generation = generation;
        }

        @Override
        public void run()
        {
            LongConsumer o = strong;
            if (null == o)
            {
                o = get();
            }
            if (null != o)
            {
                o.accept(generation);
            }
        }
    }
}
