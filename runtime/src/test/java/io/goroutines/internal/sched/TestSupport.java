package io.goroutines.internal.sched;

import io.goroutines.Go;
import io.goroutines.Task;
import io.goroutines.internal.diag.Panics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared test helpers: a panic handler that records instead of exiting the JVM, and waiting for a
 * condition with a deadline (never a sleep standing in for synchronisation).
 */
public final class TestSupport
{
    /** One recorded panic. */
    public record Panic(G g, Throwable failure)
    {
    }

    /** Panics recorded since the last drain. */
    private static final ConcurrentLinkedQueue<Panic> PANICS = new ConcurrentLinkedQueue<>();

    /** How long a condition may take before the test fails. */
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);

    static
    {
        Panics.handler((g, failure) -> PANICS.add(new Panic(g, failure)));
    }

    private TestSupport()
    {
    }

    /** Installs the recording panic handler (idempotent: the class initializer does it). */
    public static void recordPanics()
    {
        // the static initializer ran
    }

    /** Returns and forgets the panics recorded so far. */
    public static List<Panic> drainPanics()
    {
        final List<Panic> out = new ArrayList<>();
        for (Panic p = PANICS.poll(); null != p; p = PANICS.poll())
        {
            out.add(p);
        }
        return out;
    }

    /** Fails when a goroutine panicked unexpectedly. */
    public static void assertNoPanics()
    {
        final List<Panic> panics = drainPanics();
        if (!panics.isEmpty())
        {
            final AssertionError error = new AssertionError("unexpected panic in " + panics.get(0).g() + ": " +
                panics.get(0).failure(), panics.get(0).failure());
            throw error;
        }
    }

    /**
     * Waits until {@code condition} holds, polling; fails after 20 s.
     *
     * @param what what is awaited, for the failure message
     */
    public static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        int polls = 0;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting for " + what);
            }
            if (++polls < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(50_000);
            }
        }
    }

    /** Timers pending in every P's heap. */
    public static int pendingTimers()
    {
        return Timers.pending();
    }

    /**
     * Starts {@code body}: even indexes as goroutines, odd ones as plain threads (added to
     * {@code threads}, for joining), so that a stress test mixes both.
     */
    public static void startMixed(final int index, final Task body, final List<Thread> threads)
    {
        if (0 == (index & 1))
        {
            Go.go(body);
            return;
        }
        final Thread t = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Exception ex)
            {
                throw new AssertionError(ex);
            }
        });
        threads.add(t);
        t.start();
    }

    /**
     * Starts a plain thread that runs {@code body} and records what it threw in {@code thrown}, for a
     * test to check after {@link #join}.
     */
    public static Thread startCatching(final Runnable body, final AtomicReference<Throwable> thrown)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        });
        t.start();
        return t;
    }

    /** Waits for a plain thread to end; fails after 20 s. */
    public static void join(final Thread t)
    {
        try
        {
            t.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NS));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        if (t.isAlive())
        {
            fail("thread " + t.getName() + " did not end");
        }
    }
}
