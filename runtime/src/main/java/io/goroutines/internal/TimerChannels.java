package io.goroutines.internal;

import io.goroutines.Chan;
import io.goroutines.RecvChan;

import java.util.Objects;

/**
 * The channels of the time package's timers and tickers: ordinary channels with a buffer of one that
 * report {@code len() == cap() == 0}, as Go 1.23's timer channels do, and that tell their timer when
 * a receiver starts and stops waiting on them.
 *
 * <p>Why: a timer nobody references any more must be collectable without {@code stop()} (Go 1.23),
 * so the timer heap holds it weakly; but a goroutine parked on the timer's channel must still be
 * woken, and a parked goroutine is reachable only through what it waits on. So, as Go's
 * {@code blockTimerChan}, a timer is held strongly by the heap exactly while someone waits on its
 * channel ({@link Hook}).
 *
 * <p>{@link Chan} installs its {@link Access} when it is initialised; only the time package calls
 * {@link #make(Hook)}.
 */
public final class TimerChannels
{
    /** Makes and inspects timer channels; installed by {@link Chan}. */
    private static volatile Access access;

    private TimerChannels()
    {
    }

    /**
     * What a timer channel tells its timer. Calls come from the waiting goroutine or thread, outside
     * every channel lock, and nest: each {@code blocked()} is followed by one {@code unblocked()}.
     */
    public interface Hook
    {
        /** A receiver (a goroutine, a thread or a select) is about to park on the channel. */
        void blocked();

        /** That receiver is no longer parked on it (served, or gave up). */
        void unblocked();
    }

    /** What {@link Chan} gives this class: the access to its private constructor and count. */
    public interface Access
    {
        /**
         * A timer channel.
         *
         * @param hook the timer
         * @param <T>  the element type
         * @return a channel with a buffer of one that reports {@code len() == cap() == 0}
         */
        <T> Chan<T> make(Hook hook);

        /**
         * Elements really in a channel's buffer (which a timer channel's {@code len()} hides).
         *
         * @param c the channel
         * @return its count
         */
        int buffered(Chan<?> c);
    }

    /**
     * Installs the access; called once by {@link Chan}'s initialiser.
     *
     * @param a the access
     */
    public static void install(final Access a)
    {
        access = Objects.requireNonNull(a);
    }

    /**
     * Elements waiting in a timer's channel, 0 or 1, for tests ({@code len()} reports 0, as Go's).
     *
     * @param c the channel
     * @return the number of values waiting
     */
    public static int buffered(final RecvChan<?> c)
    {
        return access().buffered((Chan<?>)c);
    }

    /**
     * A timer channel for {@code hook}: buffer of one, {@code len() == cap() == 0}.
     *
     * @param hook the timer, told when receivers block; the channel references it strongly
     * @param <T>  the element type
     * @return the channel
     */
    public static <T> Chan<T> make(final Hook hook)
    {
        return access().make(Objects.requireNonNull(hook));
    }

    private static Access access()
    {
        final Access a = access;
        if (null != a)
        {
            return a;
        }
        Chan.never(); // initialises Chan, which installs the access
        return access;
    }
}
