package io.goroutines.internal.sched;

import io.goroutines.Task;
import io.goroutines.internal.diag.Panics;

import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The goroutine scheduler: carriers, Ps, the run queue, park and unpark.
 *
 * <h2>Concepts (after Go's proc.go)</h2>
 * <ul>
 *   <li><b>G</b> ({@link G}): a goroutine. Its continuation lives in its frame store while it is
 *       not running; while it runs it is an ordinary call chain on a carrier's Java stack.</li>
 *   <li><b>M</b> ({@link Carrier}): a daemon platform thread that runs goroutines one after the
 *       other by calling their root {@code task.run()}.</li>
 *   <li><b>P</b>: a permit to run goroutines; there are {@code procs} of them ({@code GOMAXPROCS}).
 *       A carrier needs one to take work. Ps carry no queue yet, so they are only counted
 *       ({@link #idleProcs}); per-P run queues with work stealing come in a later step.</li>
 * </ul>
 *
 * <h2>The current approach</h2>
 * One global MPMC run queue (lock-free {@link ConcurrentLinkedQueue}: unbounded, since the number of
 * goroutines is). Wake-ups follow Go's spinning-M protocol: making a goroutine runnable enqueues it
 * and then calls {@link #wakep()}, which starts or unparks one carrier only when a P is idle and no
 * carrier is already spinning (looking for work with a P). A spinning carrier that finds work stops
 * spinning and calls {@code wakep} again, so a burst of work wakes carriers one at a time instead of
 * all at once (no thundering herd). A carrier that finds nothing gives its P back, stops spinning,
 * then looks at the queue once more before it parks: "delicate dance" of {@code findRunnable} in
 * proc.go. That order is what prevents lost wake-ups:
 * <pre>
 *   producer:  runq.offer(g)   then  read idleProcs / nmspinning   (wakep)
 *   carrier:   idleProcs++ , nmspinning--   then  read runq         (findRunnable)
 * </pre>
 * All four are volatile or atomic, so at least one side sees the other's write: either the producer
 * sees the idle P and wakes someone, or the carrier sees the goroutine.
 * Idle carriers park with {@link LockSupport#park} and never poll; the timer thread and the
 * monitor sleep too when there is nothing to do, so an idle JVM uses no CPU.
 *
 * <h2>Parking a goroutine (unwinding by return)</h2>
 * A leaf ({@link Suspend}) that must park records the action, sets {@code sig = SIG_UNWIND} and
 * returns; every rewritten frame saves itself and returns; when the root returns here, the carrier
 * <em>commits</em> the park: {@code RUNNING -> WAITING}, then re-reads the permit, since an
 * {@link #unpark(G)} that ran during the unwind saw {@code RUNNING} and only left the permit. If the
 * permit is there the carrier takes the goroutine back ({@code WAITING -> RUNNING}, one CAS decides
 * between it and the unparker) and resumes it at once. As in Go's {@code gopark}, the goroutine is
 * published as waiting only once its frames are complete, so no other carrier can run it early.
 *
 * <h2>Pinning and blocking calls</h2>
 * A goroutine that parks with no rewritten frame to unwind through (its leaf sees {@code SIG_NONE})
 * blocks its carrier thread. The carrier first hands its P back ({@link #handoffP}), waking another
 * carrier if work is queued, so the other goroutines keep running (Go's syscall hand-off, done at
 * once rather than after sysmon's 20 us). When it wakes, it runs on without a P until its goroutine
 * parks, yields or ends, unless it can take an idle P straight away; the OS time-slices the extra
 * thread meanwhile. {@code Go.blocking} does the same. Carriers are capped at {@code maxThreads}.
 *
 * <h2>Rejected approaches</h2>
 * <ol>
 *   <li>A {@code ForkJoinPool} or {@code ThreadPoolExecutor} running "resume" tasks: there is no place
 *       to commit a park after the unwind (an unpark racing the unwind would run the goroutine on two
 *       threads at once, or be lost), and pool compensation for pinned threads is not controllable.</li>
 *   <li>Idle carriers that poll the queue with a sleep: costs CPU on an idle JVM and adds latency.</li>
 *   <li>Waking a carrier on every enqueue: a thundering herd on bursts; the spinning count avoids it.</li>
 * </ol>
 * Sources: Go's {@code runtime/proc.go} ({@code wakep}, {@code startm}, {@code stopm},
 * {@code findRunnable}, {@code handoffp}, {@code gopark}/{@code goready}) and D. Vyukov,
 * "Scalable Go Scheduler Design Doc" (2012).
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code 0 <= idleProcs <= procs} and {@code 0 <= dropProcs};</li>
 *   <li>a carrier with {@code hasP} is running a goroutine or is in {@code findRunnable};</li>
 *   <li>a goroutine is on the run queue at most once (only the thread that moved it to
 *       {@code RUNNABLE} enqueues it);</li>
 *   <li>{@code nmspinning} equals the number of carriers with {@code spinning == true}, plus at most one
 *       being started by {@code wakep}.</li>
 * </ul>
 */
public final class Sched
{
    /** Default time slice before the monitor asks a goroutine to yield: 10 ms, as Go's forcePreemptNS. */
    public static final long DEFAULT_PREEMPT_NS = 10_000_000L;
    /** Default cap on carrier threads, as Go's default SetMaxThreads. */
    public static final int DEFAULT_MAX_THREADS = 10_000;
    /**
     * Default Java stack of a carrier: 8 MiB. A goroutine's whole call depth lives on its carrier's
     * stack (and is re-invoked frame by frame on every resume), so carriers get the usual main-thread
     * stack of Linux (ulimit -s) instead of the JVM's 1 MiB default; there are few carriers, and stack
     * pages that are never touched are only reserved, not committed.
     */
    public static final long DEFAULT_STACK_BYTES = 8L << 20;
    /** Id of the main goroutine. */
    public static final long MAIN_ID = 1;

    /** Polls of an empty run queue before a carrier gives up its P (a few microseconds). */
    private static final int SPIN_POLLS = 64;

    /** Guards the configuration below. */
    private static final Object CONFIG_LOCK = new Object();
    /** Configured procs, 0 for {@link #defaultProcs()}. Guarded by CONFIG_LOCK. */
    private static int configProcs;
    /** Configured carrier cap. Guarded by CONFIG_LOCK. */
    private static int configMaxThreads = DEFAULT_MAX_THREADS;
    /** Configured carrier stack size. Guarded by CONFIG_LOCK. */
    private static long configStackBytes = DEFAULT_STACK_BYTES;
    /** Configured time slice, 0 = preemption off. Guarded by CONFIG_LOCK. */
    private static long configPreemptNs = DEFAULT_PREEMPT_NS;
    /** Set when the scheduler was created: configuration is frozen. Guarded by CONFIG_LOCK. */
    private static boolean started;
    /** Whether roots are entered armed (the agent rewrote the code); see {@link #enableUnwinding()}. */
    private static volatile boolean unwinding;

    /** Lazy holder: the scheduler starts on first use, after the agent had its chance to configure it. */
    private static final class Holder
    {
        /** The one scheduler of this JVM. */
        static final Sched INSTANCE = create();
    }

    /** Cap on carrier threads. */
    private final int maxThreads;
    /** Java stack size of new carriers, 0 = JVM default. */
    private final long stackBytes;
    /** The global run queue. */
    private final ConcurrentLinkedQueue<G> runq = new ConcurrentLinkedQueue<>();
    /** Carriers spinning (looking for work while holding a P), Go's nmspinning. */
    private final AtomicInteger nmspinning = new AtomicInteger();
    /** Live goroutines (main included). */
    private final AtomicInteger live = new AtomicInteger();
    /** Next goroutine id; 1 is reserved for the main goroutine. */
    private final AtomicLong nextId = new AtomicLong(MAIN_ID + 1);
    /** Whether runMain was called. */
    private final AtomicBoolean mainStarted = new AtomicBoolean();
    /** Guards idle carriers, carrier count and the P counts (Go's sched.lock). */
    private final Object lock = new Object();
    /** Parked carriers waiting for a P, most recently parked first. Guarded by lock. */
    private final ArrayDeque<Carrier> idleCarriers = new ArrayDeque<>();
    /** Every carrier ever started, for the monitor. */
    final CopyOnWriteArrayList<Carrier> carriers = new CopyOnWriteArrayList<>();
    /** Carriers started. Guarded by lock. */
    private int carrierCount;
    /** Number of Ps. Written under lock; read without. */
    private volatile int procs;
    /** Ps that no carrier holds. Written under lock; read without (wakep). */
    private volatile int idleProcs;
    /** Ps to destroy when their carriers release them (maxProcs shrank). Written under lock. */
    private volatile int dropProcs;
    /** The monitor, or null when preemption is off. */
    private final Sysmon sysmon;

    private Sched(final int procs, final int maxThreads, final long stackBytes, final long preemptNs)
    {
        this.procs = procs;
        this.idleProcs = procs;
        this.maxThreads = maxThreads;
        this.stackBytes = stackBytes;
        this.sysmon = preemptNs > 0 ? new Sysmon(this, preemptNs) : null;
    }

    /**
     * Configures the scheduler; the agent calls this from premain, before any goroutine exists.
     *
     * @param procs          number of Ps, 0 for {@link #defaultProcs()}
     * @param maxThreads     cap on carrier threads, at least procs
     * @param stackBytes     Java stack size of carriers in bytes, 0 for the JVM default
     * @param preemptSliceNs time slice in nanoseconds, 0 to turn preemption off
     * @throws IllegalArgumentException on a value out of range
     * @throws IllegalStateException    when the scheduler already started
     */
    public static void configure(final int procs, final int maxThreads, final long stackBytes, final long preemptSliceNs)
    {
        if (procs < 0 || maxThreads < 1 || (procs > 0 && maxThreads < procs) || stackBytes < 0 || preemptSliceNs < 0)
        {
            throw new IllegalArgumentException("sched: bad configuration procs=" + procs + " maxThreads=" + maxThreads +
                " stackBytes=" + stackBytes + " preemptSliceNs=" + preemptSliceNs +
                " (procs >= 0, maxThreads >= max(1, procs), sizes >= 0)");
        }
        synchronized (CONFIG_LOCK)
        {
            if (started)
            {
                throw new IllegalStateException("sched: configure called after the scheduler started; " +
                    "configure it before the first goroutine");
            }
            configProcs = procs;
            configMaxThreads = maxThreads;
            configStackBytes = stackBytes;
            configPreemptNs = preemptSliceNs;
        }
    }

    /**
     * Called by the agent once its transform is installed: from then on every goroutine's root call
     * is entered armed ({@code SIG_CALL}), so its parks unwind instead of pinning. Without it (unit
     * tests, no agent) roots are entered with {@code SIG_NONE} and every park pins its carrier; this
     * keeps a root that was not rewritten from leaving a stale token that a leaf would mistake for an
     * armed call.
     */
    public static void enableUnwinding()
    {
        unwinding = true;
    }

    /** {@code $GOMAXPROCS} when it is a positive integer (else a warning), or the available processors. */
    public static int defaultProcs()
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        final String env = System.getenv("GOMAXPROCS");
        if (null == env || env.isBlank())
        {
            return cpus;
        }
        try
        {
            final int n = Integer.parseInt(env.trim());
            if (n >= 1)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // fall through to the warning
        }
        System.err.println("goroutines: ignoring GOMAXPROCS=" + env + " (expected a positive integer); using " + cpus);
        return cpus;
    }

    /** The scheduler, started on first use. */
    public static Sched get()
    {
        return Holder.INSTANCE;
    }

    private static Sched create()
    {
        synchronized (CONFIG_LOCK)
        {
            started = true;
            final int procs = configProcs > 0 ? configProcs : defaultProcs();
            final Sched sched = new Sched(procs, Math.max(configMaxThreads, procs), configStackBytes, configPreemptNs);
            if (null != sched.sysmon)
            {
                sched.sysmon.start();
            }
            return sched;
        }
    }

    /**
     * Starts a goroutine ({@code go task.run()}).
     *
     * @param task its body
     * @return the new goroutine, already runnable
     */
    public static G spawn(final Task task)
    {
        return get().spawn(task, unwinding);
    }

    /**
     * Starts a goroutine.
     *
     * @param task  its body
     * @param armed whether its root is entered with the token (the root is rewritten code)
     * @return the new goroutine, already runnable
     */
    G spawn(final Task task, final boolean armed)
    {
        final G g = new G(nextId.getAndIncrement(), task);
        g.armedRoot = armed;
        live.incrementAndGet();
        ready(g);
        return g;
    }

    /**
     * Wakes a parked goroutine, or leaves it a permit so that its next park returns at once
     * (LockSupport semantics). Any thread may call it, any number of times; a dead goroutine ignores it.
     */
    public static void unpark(final G g)
    {
        g.svPermit(); // volatile write; pairs with the permit re-check after the state store in commit/parkPinned
        final int state = g.state();
        if (G.WAITING == state)
        {
            if (g.casState(G.WAITING, G.RUNNABLE))
            {
                get().ready(g);
            }
        }
        else if (G.PINNED == state)
        {
            LockSupport.unpark(g.carrier);
        }
    }

    /** Live goroutines, the main goroutine included. */
    public static int numGoroutine()
    {
        return get().live.get();
    }

    /**
     * Sets the number of Ps ({@code runtime.GOMAXPROCS}).
     *
     * @param n the new number, or less than 1 to only query
     * @return the previous number
     */
    public static int maxProcs(final int n)
    {
        final Sched sched = get();
        if (n < 1)
        {
            return sched.procs;
        }
        final int previous;
        synchronized (sched.lock)
        {
            previous = sched.procs;
            if (n > previous)
            {
                final int undrop = Math.min(n - previous, sched.dropProcs);
                sched.dropProcs -= undrop;
                sched.idleProcs += n - previous - undrop;
            }
            else if (n < previous)
            {
                final int fromIdle = Math.min(previous - n, sched.idleProcs);
                sched.idleProcs -= fromIdle;
                sched.dropProcs += previous - n - fromIdle;
            }
            sched.procs = n;
        }
        sched.wakep();
        return previous;
    }

    /**
     * Runs a blocking call from a goroutine: hands the carrier's P to another carrier first, so the
     * other goroutines keep running while this carrier blocks. On a plain thread it just calls.
     *
     * @param body the blocking call
     * @return its result
     * @throws Exception whatever the body throws, unchanged
     */
    public static <T> T blocking(final Callable<T> body) throws Exception
    {
        final Thread thread = Thread.currentThread();
        if (!(thread instanceof Carrier) || null == ((Carrier)thread).current)
        {
            return body.call();
        }
        final Carrier c = (Carrier)thread;
        final G g = c.current;
        final Sched sched = get();
        g.waitReason = "syscall";
        sched.handoffP(c);
        c.blockingDepth++;
        try
        {
            return body.call();
        }
        finally
        {
            if (0 == --c.blockingDepth)
            {
                g.waitReason = null;
                sched.reacquireP(c);
            }
        }
    }

    /**
     * Whether a {@code @Goroutine main} entered now must start the program's main goroutine: it is
     * called on the JVM's main thread (not on a carrier), the agent enabled unwinding, and no main
     * goroutine was started yet. The agent emits this test at the entry of {@code @Goroutine main},
     * followed by {@link #runMain(Task)} when it holds; elsewhere main is an ordinary call.
     */
    public static boolean shouldStartMain()
    {
        final Thread t = Thread.currentThread();
        return unwinding && !(t instanceof Carrier) && "main".equals(t.getName()) && !get().mainStarted.get();
    }

    /**
     * Runs {@code @Goroutine main} as goroutine 1, blocks the calling thread until it returns, then
     * ends the JVM as Go does: exit status 0, or 2 after a panic. Never returns.
     */
    public static void runMain(final Task task)
    {
        final boolean ok = runMainAndWait(task);
        System.out.flush();
        System.err.flush();
        System.exit(ok ? 0 : 2);
    }

    /**
     * Runs {@code task} as the main goroutine and waits for it.
     *
     * @return true when it returned, false when it panicked (and the panic handler returned)
     */
    static boolean runMainAndWait(final Task task)
    {
        final Sched sched = get();
        if (!sched.mainStarted.compareAndSet(false, true))
        {
            throw new IllegalStateException("sched: runMain called twice; there is one main goroutine");
        }
        final Thread waiter = Thread.currentThread();
        final AtomicInteger outcome = new AtomicInteger(); // 0 running, 1 returned, 2 panicked
        final G g = new G(MAIN_ID, task);
        g.armedRoot = unwinding;
        g.onExit = (failure) ->
        {
            outcome.set(null == failure ? 1 : 2);
            LockSupport.unpark(waiter);
        };
        sched.live.incrementAndGet();
        sched.ready(g);
        boolean interrupted = false;
        while (0 == outcome.get())
        {
            LockSupport.park(g);
            interrupted |= Thread.interrupted();
        }
        if (interrupted)
        {
            waiter.interrupt();
        }
        return 1 == outcome.get();
    }

    /** Java stack size of carriers in bytes, 0 for the JVM default (for messages). */
    public long stackBytes()
    {
        return stackBytes;
    }

    /** Whether every P is idle (the monitor may sleep). */
    boolean allProcsIdle()
    {
        return idleProcs >= procs;
    }

    // ------------------------------------------------------------------------------------------
    // Making goroutines runnable and waking carriers.

    /** Puts a goroutine that the caller moved to RUNNABLE on the run queue and wakes a carrier if needed. */
    void ready(final G g)
    {
        runq.offer(g);
        wakep();
    }

    /**
     * Starts or wakes one spinning carrier when a P is idle and nobody is spinning already
     * (Go's wakep). Called after work was added.
     */
    private void wakep()
    {
        if (0 == idleProcs || 0 != nmspinning.get() || !nmspinning.compareAndSet(0, 1))
        {
            return;
        }
        startm(true);
    }

    /**
     * Gives an idle P to an idle carrier, or to a new one (Go's startm).
     *
     * @param spinning whether the carrier starts spinning; the caller already counted it in nmspinning
     */
    private void startm(final boolean spinning)
    {
        Carrier m;
        synchronized (lock)
        {
            m = 0 == idleProcs ? null : idleCarriers.poll();
            if (0 == idleProcs || (null == m && carrierCount >= maxThreads))
            {
                if (spinning)
                {
                    nmspinning.decrementAndGet(); // undo wakep's count: nobody will spin
                }
                return;
            }
            idleProcs--;
            if (null == m)
            {
                carrierCount++;
            }
        }
        if (null != m)
        {
            m.grantSpinning = spinning;
            m.granted = true; // release; pairs with the read of granted in stopm
            LockSupport.unpark(m);
        }
        else
        {
            startCarrier(spinning);
        }
        wakeSysmon();
    }

    /** Creates and starts a carrier that already holds a P (counted by the caller). */
    private void startCarrier(final boolean spinning)
    {
        final int n;
        synchronized (lock)
        {
            n = carrierCount;
        }
        final Carrier m = new Carrier(null, this::carrierMain, "goroutines-carrier-" + n, stackBytes);
        m.hasP = true;
        m.spinning = spinning; // Thread.start publishes both
        try
        {
            m.start();
            carriers.add(m);
        }
        catch (final OutOfMemoryError ex)
        {
            synchronized (lock)
            {
                carrierCount--;
                idleProcs++;
            }
            if (spinning)
            {
                nmspinning.decrementAndGet();
            }
            System.err.println("sched: could not start a carrier thread (" + ex.getMessage() +
                "); lower maxThreads or raise the OS thread limit");
        }
    }

    /** Wakes the monitor if it sleeps because every P was idle. */
    private void wakeSysmon()
    {
        final Sysmon sysmon = this.sysmon;
        if (null != sysmon)
        {
            sysmon.wake();
        }
    }

    // ------------------------------------------------------------------------------------------
    // The carrier's loop.

    /** Body of every carrier thread. */
    private void carrierMain()
    {
        final Carrier c = (Carrier)Thread.currentThread();
        try
        {
            for (;;)
            {
                final G g = findRunnable(c);
                if (c.spinning)
                {
                    resetSpinning(c);
                }
                execute(c, g);
            }
        }
        catch (final Throwable t)
        {
            // a bug in the runtime itself: a carrier that dies holding its P would starve the program
            System.err.println("fatal error: sched: carrier " + c.getName() + " failed: " + Panics.describe(t));
            t.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(2);
        }
    }

    /**
     * Returns the next goroutine to run, with the carrier holding a P; parks the carrier while there
     * is none. Owner thread only.
     */
    private G findRunnable(final Carrier c)
    {
        for (;;)
        {
            if (!c.hasP && !tryAcquireP(c))
            {
                stopm(c);
                continue;
            }
            if (0 != dropProcs)
            {
                dropSpinning(c);
                releaseP(c); // destroys the P while maxProcs shrinks
                continue;
            }
            final G g = pollRunq();
            if (null != g)
            {
                return g;
            }
            // Delicate dance (proc.go): drop the P, then the spinning count, and only then look at the
            // queue once more. A ready() that ran before our drop saw no idle P (or us spinning) and
            // relies on us; one that runs after sees the idle P and wakes a carrier itself.
            final boolean wasSpinning = c.spinning;
            releaseP(c);
            dropSpinning(c);
            if (!runq.isEmpty() && tryAcquireP(c))
            {
                if (wasSpinning)
                {
                    c.spinning = true;
                    nmspinning.incrementAndGet();
                }
                continue;
            }
            stopm(c);
        }
    }

    /** Polls the run queue, spinning briefly on an empty one before giving up. */
    private G pollRunq()
    {
        final ConcurrentLinkedQueue<G> runq = this.runq;
        G g = runq.poll();
        for (int i = 0; null == g && i < SPIN_POLLS; i++)
        {
            Thread.onSpinWait();
            if (!runq.isEmpty())
            {
                g = runq.poll();
            }
        }
        return g;
    }

    /** A spinning carrier found work: stop spinning and let another carrier take over the search. */
    private void resetSpinning(final Carrier c)
    {
        c.spinning = false;
        nmspinning.decrementAndGet();
        wakep();
    }

    /** Stops spinning, if the carrier was. Owner thread only. */
    private void dropSpinning(final Carrier c)
    {
        if (c.spinning)
        {
            c.spinning = false;
            nmspinning.decrementAndGet();
        }
    }

    /** Takes an idle P if there is one. Owner thread only. */
    private boolean tryAcquireP(final Carrier c)
    {
        if (0 == idleProcs)
        {
            return false;
        }
        synchronized (lock)
        {
            if (0 == idleProcs)
            {
                return false;
            }
            idleProcs--;
        }
        c.hasP = true;
        wakeSysmon();
        return true;
    }

    /** Gives the carrier's P back (or destroys it while maxProcs shrinks). Owner thread only. */
    private void releaseP(final Carrier c)
    {
        synchronized (lock)
        {
            c.hasP = false;
            if (dropProcs > 0)
            {
                dropProcs--;
            }
            else
            {
                idleProcs++; // release; pairs with the idleProcs read in wakep
            }
        }
    }

    /** Parks the carrier until another thread grants it a P (Go's stopm). Owner thread only. */
    private void stopm(final Carrier c)
    {
        synchronized (lock)
        {
            // A ready() between our last look at the queue and this lock found no idle carrier to
            // wake (we were not registered yet) and, at maxThreads, could not start one: look again
            // under the lock that startm takes, and keep the P ourselves. (ready offers before wakep
            // locks, so either we see its work here or it sees us registered below.)
            if (!runq.isEmpty() && idleProcs > 0)
            {
                idleProcs--;
                c.hasP = true;
            }
            else
            {
                idleCarriers.push(c);
            }
        }
        if (c.hasP)
        {
            wakeSysmon();
            return;
        }
        while (!c.granted) // acquire; pairs with the write of granted in startm
        {
            LockSupport.park(this);
            Thread.interrupted(); // nobody may interrupt an idle carrier into a busy loop
        }
        c.granted = false;
        c.hasP = true;
        c.spinning = c.grantSpinning; // already counted in nmspinning by wakep
    }

    /**
     * Hands the carrier's P to the others before the carrier blocks (pinned park, Go.blocking).
     * Owner thread only.
     */
    void handoffP(final Carrier c)
    {
        if (!c.hasP)
        {
            return;
        }
        releaseP(c);
        if (!runq.isEmpty())
        {
            wakep(); // a ready() before the release saw no idle P and relied on this carrier
        }
    }

    /** After a blocking section: takes an idle P if one is free, else runs on without one. Owner thread only. */
    void reacquireP(final Carrier c)
    {
        if (!c.hasP)
        {
            tryAcquireP(c);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Running a goroutine.

    /** Runs {@code g} until it parks, yields or ends. Owner thread only. */
    private void execute(final Carrier c, final G g)
    {
        if (!g.casState(G.RUNNABLE, G.RUNNING))
        {
            throw new IllegalStateException("sched: execute of " + g + " that is not runnable");
        }
        g.carrier = c;
        g.preempt = false;
        g.waitReason = null;
        Thread.interrupted(); // an interrupt of the carrier during one goroutine is not the next one's
        c.current = g;
        c.schedTick = c.schedTick + 1; // volatile write, owner only: the monitor sees a new slice
        for (;;)
        {
            g.sig = g.started ? G.SIG_RESUME : g.armedRoot ? Tokens.RUN : G.SIG_NONE;
            g.started = true;
            Throwable failure = null;
            try
            {
                g.task.run();
            }
            catch (final Throwable t)
            {
                failure = t;
            }
            if (null == failure && G.SIG_UNWIND == g.sig)
            {
                g.sig = G.SIG_NONE;
                if (commit(c, g))
                {
                    continue; // woken while it unwound: resume it on this carrier at once
                }
            }
            else
            {
                finish(g, failure);
            }
            break;
        }
        c.current = null;
    }

    /**
     * Commits a park or a yield after the root returned with SIG_UNWIND. Owner thread only; after a
     * successful transition to WAITING the carrier must not touch {@code g} except through the CAS.
     *
     * @return true when the goroutine was unparked during its unwind and this carrier took it back
     */
    private boolean commit(final Carrier c, final G g)
    {
        g.frames.shrink(); // still owned here: give back what a deeper park once needed
        if (G.ACTION_YIELD == g.unwindAction)
        {
            g.casState(G.RUNNING, G.RUNNABLE);
            runq.offer(g);
            if (!c.hasP)
            {
                wakep();
            }
            return false;
        }
        if (!g.casState(G.RUNNING, G.WAITING)) // release: publishes the frames
        {
            throw new IllegalStateException("sched: commit of a park of " + g + " that is not running");
        }
        // An unpark that saw RUNNING left only the permit; read it after the WAITING store (pairs
        // with svPermit -> state read in unpark). Whoever wins WAITING -> x runs the goroutine.
        return 0 != g.lvPermit() && g.casState(G.WAITING, G.RUNNING);
    }

    /** A goroutine's root returned (or threw): it is dead. Owner thread only. */
    private void finish(final G g, final Throwable thrown)
    {
        Throwable failure = thrown;
        if (null == failure && 0 != g.frames.depth())
        {
            failure = new IllegalStateException("sched: " + g + " returned with " + g.frames.depth() +
                " saved frames (sig=" + g.sig + "): a rewritten frame was resumed out of order");
        }
        g.sig = G.SIG_NONE;
        g.frames.clear();
        g.task = null;
        g.casState(G.RUNNING, G.DEAD);
        live.decrementAndGet();
        final Consumer<Throwable> onExit = g.onExit;
        g.onExit = null;
        try
        {
            if (null != failure)
            {
                Panics.panic(g, failure);
            }
        }
        finally
        {
            if (null != onExit)
            {
                onExit.accept(failure);
            }
        }
    }

    /**
     * Parks a pinned goroutine: blocks its carrier thread until unparked (or {@code timeoutNs}
     * elapse when positive), after handing the carrier's P to the others. Owner thread only.
     *
     * @param g         the goroutine running on this carrier, its leaf entered with SIG_NONE
     * @param timeoutNs how long to wait at most, or 0 or less to wait until unparked
     */
    static void parkPinned(final G g, final long timeoutNs)
    {
        if (0 != g.xchgPermit())
        {
            return;
        }
        final Carrier c = (Carrier)Thread.currentThread();
        final Sched sched = get();
        sched.handoffP(c);
        final long deadlineNs = timeoutNs > 0 ? System.nanoTime() + timeoutNs : 0;
        boolean interrupted = false;
        g.casState(G.RUNNING, G.PINNED); // then read the permit: pairs with svPermit -> state read in unpark
        while (0 == g.lvPermit())
        {
            if (timeoutNs > 0)
            {
                final long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0)
                {
                    break;
                }
                LockSupport.parkNanos(g, leftNs);
            }
            else
            {
                LockSupport.park(g);
            }
            interrupted |= Thread.interrupted(); // goroutines are not interrupted; keep it for the caller
        }
        g.casState(G.PINNED, G.RUNNING);
        g.xchgPermit();
        if (interrupted)
        {
            c.interrupt();
        }
        if (0 == c.blockingDepth) // inside Go.blocking the section's end takes a P back, not this park
        {
            sched.reacquireP(c);
        }
    }
}
