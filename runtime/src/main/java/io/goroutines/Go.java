package io.goroutines;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.diag.Dumps;
import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.Goroutines;
import io.goroutines.internal.sched.Sched;
import io.goroutines.internal.sched.Suspend;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code go} statement and package {@code runtime}, for Java.
 */
public final class Go
{
    /** Longest sleep: keeps nanoTime deadlines far from overflow (about 73 years). */
    private static final long MAX_SLEEP_NS = Long.MAX_VALUE >> 2;

    private Go()
    {
    }

    /**
     * Starts a goroutine running {@code task} ({@code go f()}). An exception escaping it is a panic.
     *
     * @param task the body
     */
    public static void go(final Task task)
    {
        Objects.requireNonNull(task, "go: null task");
        Sched.spawn(task);
    }

    /** Yields the carrier to other goroutines ({@code runtime.Gosched}); on a plain thread, Thread.yield. */
    @Goroutine
    public static void gosched()
    {
        Suspend.yield();
    }

    /** Live goroutines, the main goroutine included ({@code runtime.NumGoroutine}). */
    public static int numGoroutine()
    {
        return Sched.numGoroutine();
    }

    /**
     * Sets how many goroutines run in parallel ({@code runtime.GOMAXPROCS}).
     *
     * @param n the new value, or less than 1 to only query
     * @return the previous value
     */
    public static int maxProcs(final int n)
    {
        return Sched.maxProcs(n);
    }

    /**
     * Pauses the current goroutine for at least {@code d} ({@code time.Sleep}); zero or negative
     * returns at once. A goroutine releases its carrier meanwhile; a plain thread sleeps.
     *
     * @throws CancellationException when a plain thread is interrupted (its interrupt status stays set)
     */
    @Goroutine
    public static void sleep(final Duration d)
    {
        final long ns = toNanos(d);
        if (ns <= 0)
        {
            return;
        }
        final long deadlineNs = System.nanoTime() + ns;
        final G g = G.current();
        if (null == g)
        {
            sleepThread(deadlineNs);
            return;
        }
        g.waitReason = "sleep";
        for (long leftNs = ns; leftNs > 0; leftNs = deadlineNs - System.nanoTime())
        {
            Suspend.parkNanos(leftNs);
        }
        g.waitReason = null;
    }

    /**
     * Runs a blocking call (file or socket I/O, a JDK lock...) from a goroutine: the carrier's P is
     * handed to another carrier first, so that the other goroutines keep running.
     *
     * @param body the blocking call
     * @return its result
     * @throws Exception the body's own exception, unchanged
     */
    public static <T> T blocking(final Callable<T> body) throws Exception
    {
        Objects.requireNonNull(body, "blocking: null body");
        return Sched.blocking(body);
    }

    /**
     * A goroutine dump in Go's {@code debug=2} form ({@code runtime.Stack}): the calling goroutine
     * first ({@code goroutine N [running]:}, its frames, {@code created by ...}), then, when
     * {@code all}, every other goroutine that has not ended, each under a header with its status
     * and wait reason ({@code goroutine 7 [chan receive, 3 minutes]:}), blocks separated by a blank
     * line. A plain thread shows as goroutine 0.
     *
     * @param all whether to include every goroutine
     * @return the dump
     */
    public static String stack(final boolean all)
    {
        final List<String> self = Goroutines.frames(new Throwable().getStackTrace(), 1);
        return Dumps.text(Dumps.goroutines(all, self));
    }

    private static long toNanos(final Duration d)
    {
        Objects.requireNonNull(d, "sleep: null duration");
        if (d.isNegative() || d.isZero())
        {
            return 0;
        }
        return d.compareTo(Duration.ofNanos(MAX_SLEEP_NS)) > 0 ? MAX_SLEEP_NS : d.toNanos();
    }

    private static void sleepThread(final long deadlineNs)
    {
        for (long leftNs = deadlineNs - System.nanoTime(); leftNs > 0; leftNs = deadlineNs - System.nanoTime())
        {
            LockSupport.parkNanos(leftNs);
            if (Thread.currentThread().isInterrupted())
            {
                throw new CancellationException("sleep: interrupted");
            }
        }
    }
}
