package io.goroutines.internal.sched;

import io.goroutines.internal.sched.Goroutines.Info;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Go's {@code checkdead}: finds the moment when nothing can ever run again. The monitor calls
 * {@link #check(Sched)} while every P is idle; the program is deadlocked when, twice in a row with no
 * goroutine moving in between:
 * <ul>
 *   <li>every P is idle and no goroutine is queued, and no timer is pending (a sleeping goroutine,
 *       a timer or ticker, a deadline will fire);</li>
 *   <li>every goroutine that has not ended waits on a primitive, parked or pinned, and none is inside
 *       {@code Go.blocking} (status {@code syscall});</li>
 *   <li>the main goroutine waits, or the plain main thread waits on a primitive of the runtime;</li>
 *   <li>no waiter was served whose goroutine or thread has not run yet: a pinned goroutine with a
 *       permit, a main thread whose waiter is done, a goroutine made runnable (not WAITING any more)
 *       are awake;</li>
 *   <li>every other thread of the application waits without a timeout ({@link Thread.State#WAITING}):
 *       a thread that runs, sleeps or reads a socket may still wake someone. Go has no such threads;
 *       in Java a report while one of them could still send would kill a healthy program, so this
 *       rule trades missed reports for never a false one.</li>
 * </ul>
 * The JVM's own service threads, the runtime's carriers and the monitor are not counted. The looks
 * are bracketed by the scheduler's count of Ps leaving the idle list: a timer fires and a goroutine
 * runs only on a carrier holding a P, so an unchanged count means none of it happened in between.
 */
public final class Deadlocks
{
    /** Threads of the JVM itself that never wake a goroutine. */
    private static final Set<String> JVM_THREADS = Set.of("Reference Handler", "Finalizer", "Signal Dispatcher",
        "Common-Cleaner", "Attach Listener", "Notification Thread", "DestroyJavaVM");

    /** The application's main thread, set by the agent at start-up; null when unknown (no agent). */
    private static volatile Thread mainThread;
    /** The waiter of the main thread's current wait on a primitive, or null. */
    private static volatile Waiter mainWaiter;
    /** What to do: {@code exit}, {@code warn} or {@code off}. */
    private static volatile String mode = "exit";
    /**
     * Who gets the goroutines of a deadlock and the lines naming its cycles ({@link WaitGraph}); the
     * diagnostics print them, and exit in {@code exit} mode.
     */
    private static volatile BiConsumer<List<Info>, List<String>> reporter;
    /** A fingerprint that means "someone is awake". */
    private static final long NOT_ASLEEP = Long.MIN_VALUE;
    /** The fingerprint reported last (warn), so that one deadlock is reported once. */
    private static long reported = NOT_ASLEEP;

    private Deadlocks()
    {
    }

    /**
     * Sets the mode from the agent's option value and, on the thread that starts the JVM, records it
     * as the main thread. The agent calls this from premain.
     *
     * @param value {@code exit}, {@code warn} or {@code off}
     */
    public static void configure(final String value)
    {
        if (!"exit".equals(value) && !"warn".equals(value) && !"off".equals(value))
        {
            throw new IllegalArgumentException("deadlock: unknown mode '" + value + "' (accepted: exit, warn, off)");
        }
        mode = value;
        final Thread t = Thread.currentThread();
        if ("main".equals(t.getName()))
        {
            mainThread = t;
        }
    }

    /** Sets who gets the report (the diagnostics print it, and exit in {@code exit} mode). */
    public static void reporter(final BiConsumer<List<Info>, List<String>> next)
    {
        reporter = next;
    }

    /** The mode in force. */
    public static String mode()
    {
        return mode;
    }

    /** Whether detection is on: the monitor then looks while every P is idle. */
    static boolean enabled()
    {
        return !"off".equals(mode) && null != reporter;
    }

    /**
     * Notes that the current plain thread starts or stops waiting on a primitive (only the main
     * thread matters).
     *
     * @param w the waiter, or null when the wait is over
     */
    static void plainWait(final Waiter w)
    {
        if (Thread.currentThread() == mainThread)
        {
            mainWaiter = w;
        }
    }

    /**
     * Looks for a deadlock and hands the report to the reporter when there is one (once per
     * deadlock). Monitor thread only.
     *
     * @return true when a deadlock was found
     */
    static boolean check(final Sched sched)
    {
        // The looks below are not one snapshot: a carrier may take an idle P, pop a due timer and be
        // descheduled before it readies the sleeper, so one look sees no timer and the sleeper still
        // waiting. Every such move takes a P off the idle list first, which the count brackets.
        final long exits = sched.idleExits();
        if (!quiet(sched) || !othersWait())
        {
            return false;
        }
        final long first = asleep(sched);
        if (NOT_ASLEEP == first || first != asleep(sched) || !quiet(sched) || exits != sched.idleExits())
        {
            return false;
        }
        if (first == reported)
        {
            return true; // reported already (warn): say it once
        }
        reported = first;
        final BiConsumer<List<Info>, List<String>> to = reporter;
        if (null != to)
        {
            to.accept(goroutines(), WaitGraph.describe(Goroutines.known(sched)));
        }
        return true;
    }

    /** Every P idle, nothing queued, no timer pending. */
    private static boolean quiet(final Sched sched)
    {
        if (!sched.allProcsIdle() || !sched.globq.isEmpty() || TimerHeap.NONE != sched.earliestTimer())
        {
            return false;
        }
        for (final P p : sched.ps())
        {
            if (!p.runq.isEmpty())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * A fingerprint of the goroutines' ids and park counts when every one is asleep and main waits,
     * else {@link #NOT_ASLEEP}: two equal fingerprints mean nobody moved in between.
     */
    private static long asleep(final Sched sched)
    {
        final Waiter w = mainWaiter; // served but not yet running counts as awake
        final boolean[] mainWaits = {null != w && !w.isDone() && Thread.State.WAITING == mainThreadState()};
        final long[] print = {17};
        final boolean[] awake = {false};
        // the registry (parked once), the carriers' goroutines (running, in Go.blocking) and the queues
        for (final G g : Goroutines.known(sched))
        {
            final int s = g.state();
            if (G.DEAD == s)
            {
                continue;
            }
            final GRecord r = g.record;
            // one with a permit was woken: its carrier (pinned) or its waker (parked) is on its way
            if (G.WAITING != s && G.PINNED != s || null == r || "syscall".equals(r.reason) ||
                0 != g.lvPermit() || G.PINNED == s && r.timed())
            {
                awake[0] = true;
            }
            mainWaits[0] |= Sched.MAIN_ID == g.id;
            print[0] = print[0] * 31 + (g.id * 0x9E3779B97F4A7C15L ^ g.parkSeq);
        }
        return awake[0] || !mainWaits[0] ? NOT_ASLEEP : print[0] == NOT_ASLEEP ? NOT_ASLEEP + 1 : print[0];
    }

    private static Thread.State mainThreadState()
    {
        final Thread t = mainThread;
        return null == t ? Thread.State.TERMINATED : t.getState();
    }

    /** Whether every application thread but the runtime's and the JVM's waits without a timeout. */
    private static boolean othersWait()
    {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (null != root.getParent())
        {
            root = root.getParent();
        }
        Thread[] threads = new Thread[64];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length)
        {
            threads = new Thread[threads.length * 2];
        }
        final Thread self = Thread.currentThread();
        for (int i = 0; i < n; i++)
        {
            final Thread t = threads[i];
            if (t == self || t instanceof Carrier || JVM_THREADS.contains(t.getName()) ||
                t.getName().startsWith("goroutines-") || runtimeGroup(t.getThreadGroup()))
            {
                continue;
            }
            if (Thread.State.WAITING != t.getState() && Thread.State.TERMINATED != t.getState())
            {
                return false;
            }
        }
        return true;
    }

    /** Whether a thread belongs to one of the runtime's groups (the debug endpoint's server). */
    private static boolean runtimeGroup(final ThreadGroup group)
    {
        for (ThreadGroup g = group; null != g; g = g.getParent())
        {
            if (g.getName().startsWith("goroutines-"))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Every goroutine, by id, after the plain main thread (as goroutine 0) when it is the one that
     * waits.
     */
    private static List<Info> goroutines()
    {
        final List<Info> infos = new ArrayList<>();
        final Thread main = mainThread;
        final Waiter w = mainWaiter;
        if (null != main && null != w)
        {
            infos.add(new Info(0, w.reason(), 0, Goroutines.frames(main.getStackTrace(), 0), null, 0));
        }
        infos.addAll(Goroutines.all(List.of()));
        return infos;
    }
}
