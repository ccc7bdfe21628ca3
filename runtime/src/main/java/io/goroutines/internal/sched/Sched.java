package io.goroutines.internal.sched;

import io.goroutines.Task;
import io.goroutines.internal.diag.Leaks;
import io.goroutines.internal.diag.Panics;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The goroutine scheduler, after Go's {@code runtime/proc.go}: Gs, Ms (carriers) and Ps, with
 * per-P run queues, work stealing, a global queue, spinning carriers, per-P timers and a monitor.
 *
 * <h2>Concepts</h2>
 * <ul>
 *   <li><b>G</b> ({@link G}): a goroutine. Its continuation lives in its frame store while it is
 *       not running; while it runs it is an ordinary call chain on a carrier's Java stack.</li>
 *   <li><b>M</b> ({@link Carrier}): a daemon platform thread that runs goroutines one after the
 *       other by calling their root {@code task.run()}.</li>
 *   <li><b>P</b> ({@link P}): the right to run goroutines; {@code procs} of them (GOMAXPROCS). Each
 *       has a 256-slot local {@link RunQueue} with a {@code runnext} slot, and its own
 *       {@link TimerHeap}. A carrier needs a P to run goroutines.</li>
 *   <li>The <b>global queue</b> ({@link GlobalQueue}): overflow of full local queues, yielded and
 *       preempted goroutines, and goroutines readied by threads without a P.</li>
 * </ul>
 *
 * <h2>Where a runnable goroutine goes</h2>
 * A goroutine made runnable by a goroutine (a channel hand-off, an unpark, a spawn) goes to the
 * running P's {@code runnext}: it runs as soon as the current one parks and inherits the rest of its
 * time slice, which keeps a communicating pair on one carrier with hot caches. Without a P (plain
 * thread, monitor, carrier in a blocking call) it goes to the global queue.
 *
 * <h2>Finding work ({@link #findRunnable}, Go's findRunnable)</h2>
 * Own P's due timers; every 61st tick one goroutine from the global queue first (otherwise two
 * goroutines respawning each other could keep the global queue waiting forever); own run queue
 * ({@code runnext} first); a fair batch of the global queue; then, if fewer than half of the busy Ps
 * already spin, become a <em>spinning</em> carrier and steal: four passes over the Ps in a random
 * order (random start, stride coprime to the number of Ps), taking half of a victim's queue; only
 * the last pass runs the victims' due timers and takes a victim's {@code runnext} (after letting a
 * running victim switch to it first). A spinning carrier that finds work stops spinning and wakes
 * another one ({@link #wakep()}), so bursts of work wake carriers one at a time.
 *
 * <h2>No lost wake-ups ("delicate dance", proc.go)</h2>
 * Adding work then reading {@code npidle}/{@code nmspinning} (in {@link #wakep()}) on one side, and
 * putting the P on the idle list, dropping the spinning count and then looking for work once more
 * on the other: all volatile, so at least one side sees the other. The global queue and the timer
 * heaps are re-checked by every carrier that gives up its P; the other Ps' local queues by the
 * carriers that were spinning (a local queue belongs to a running P, which runs it anyway).
 * Idle carriers park and never poll. While all are idle, exactly one of them (the timer sleeper)
 * parks until the earliest timer of any P; adding an earlier timer wakes it
 * ({@link #timerWake(long)}). So an idle JVM uses no CPU and timers still fire on time.
 *
 * <h2>Parking a goroutine (unwinding by return)</h2>
 * A leaf ({@link Suspend}) that must park records the action, sets {@code sig = SIG_UNWIND} and
 * returns; every rewritten frame saves itself and returns; when the root returns here the carrier
 * <em>commits</em> the park: {@code RUNNING -> WAITING}, then re-reads the permit, since an
 * {@link #unpark(G)} during the unwind saw {@code RUNNING} and only left the permit. If it is there
 * the carrier takes the goroutine back ({@code WAITING -> RUNNING}, one CAS decides between it and
 * the unparker) and resumes it at once. As in Go's {@code gopark}, the goroutine is published as
 * waiting only once its frames are complete, so no other carrier can run it early.
 *
 * <h2>Blocking calls, pinning and runaways (Go's syscall hand-off)</h2>
 * {@code Go.blocking} sets its P aside (status SYSCALL); the monitor gives it to another carrier if
 * the call lasts more than one monitor tick (~20 us), and a call that returns sooner takes it back
 * with one CAS. A pinned park (no rewritten frame to unwind through) hands the P off at once.
 * A goroutine that runs two time slices without reaching a preemption point (code that was not
 * rewritten) is reported and its P is replaced ({@link Sysmon}). A carrier that comes back without
 * a P runs its goroutine on until the next preemption point, which then queues it globally.
 *
 * <h2>Rejected approaches</h2>
 * <ol>
 *   <li>A {@code ForkJoinPool} or {@code ThreadPoolExecutor} running "resume" tasks: there is no place
 *       to commit a park after the unwind, and pool compensation for pinned threads is not controllable.</li>
 *   <li>One global lock-free queue (the first version here): every hand-off crossed carriers
 *       (10x slower ping-pong with two Ps) and the queue head was shared by every carrier.</li>
 *   <li>Idle carriers that poll with a sleep, or a timer thread: CPU on an idle JVM, and a timer
 *       thread makes every wake-up a cross-thread hand-off.</li>
 * </ol>
 * Sources: Go's {@code runtime/proc.go} ({@code wakep}, {@code startm}, {@code stopm},
 * {@code findRunnable}, {@code stealWork}, {@code runqput}, {@code handoffp}, {@code retake},
 * {@code gopark}/{@code goready}) and D. Vyukov, "Scalable Go Scheduler Design Doc" (2012).
 *
 * <p>Invariants:
 * <ul>
 *   <li>a P is on the idle list iff its status is IDLE; {@code npidle} is the list's length;</li>
 *   <li>a RUNNING P is held by exactly one carrier ({@code c.p == p}), the only one that adds to its
 *       run queue; a SYSCALL P by none (its carrier keeps it as {@code oldp} and touches it only
 *       after winning the CAS back);</li>
 *   <li>a goroutine is in at most one queue, and only while RUNNABLE;</li>
 *   <li>{@code nmspinning} is the number of carriers with {@code spinning == true}, plus at most
 *       one being started by {@link #wakep()};</li>
 *   <li>at most one carrier is the timer sleeper, and it is on the idle carrier list.</li>
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

    /** Passes over the Ps when stealing, Go's stealTries. */
    private static final int STEAL_TRIES = 4;
    /** Go's active_spin: how many times a sync primitive may spin before it queues. */
    private static final int ACTIVE_SPIN = 4;
    /** Go's active_spin_cnt: PAUSE instructions per spin. */
    private static final int ACTIVE_SPIN_CNT = 30;
    /** Whether the machine has more than one CPU (Go's ncpu > 1), read once. */
    private static final boolean MULTICORE = Runtime.getRuntime().availableProcessors() > 1;
    /** Goroutine ids a P takes from the shared counter at a time, Go's _GoidCacheBatch. */
    private static final int GOID_BATCH = 16;
    /** Every this many ticks a P takes from the global queue first, Go's 61. */
    private static final int GLOBAL_TICK = 61;
    /**
     * How long a spinning carrier keeps looking before it gives its P up. Go's spinning M looks
     * once through every P (a few microseconds with its usleep(3)); waking a parked JVM thread costs
     * the waker several microseconds, so a carrier that has just been woken stays a little longer.
     *
     * <p>It looks between {@code Thread.yield()}s, not busy spins. Linux often runs a thread it
     * wakes on its waker's CPU, and the waker here is a carrier that readied a goroutine and goes on
     * running. A busy-spinning carrier on that CPU took it from the waker for its whole spin: in a
     * ping-pong on two Ps the waker could not even pick up its own runnext within a 30 us grace, the
     * spinner stole it and split the pair over two carriers (40,000 steals per 2M round trips). With
     * yields the waker runs, and the kernel moves the spinner to an idle CPU when there is one
     * (ping-pong with two Ps: 1,350-1,900 -> 820-1,140 ns per round trip, about the figure of one P).
     */
    private static final long SPIN_NS = 20_000L;

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
    final GlobalQueue globq = new GlobalQueue();
    /** Carriers spinning (looking for work while holding a P), Go's nmspinning. */
    final AtomicInteger nmspinning = new AtomicInteger();
    /** Live goroutines (main included). */
    private final LongAdder live = new LongAdder(); // striped: every spawn and exit counts, from every carrier
    /** Every goroutine that has not ended, weakly (dumps, deadlock and leak reports). */
    final AllGs allgs = new AllGs();
    /** A coarse clock for wait times: {@code nanoTime} as of the monitor's last pass. */
    volatile long coarseNs = System.nanoTime();
    /** Goroutines found collected while they waited (leaks). */
    final AtomicLong leaked = new AtomicLong();
    /** Next goroutine id; 1 is reserved for the main goroutine. */
    private final AtomicLong nextId = new AtomicLong(MAIN_ID + 1);
    /** Whether runMain was called. */
    private final AtomicBoolean mainStarted = new AtomicBoolean();
    /** Guards the idle lists, the set of Ps, the carrier count and the timer sleeper (Go's sched.lock). */
    private final Object lock = new Object();
    /** Idle Ps, most recently idle first. Guarded by lock. */
    private final ArrayDeque<P> pidle = new ArrayDeque<>();
    /** Length of {@link #pidle}; written under lock, read without (wakep). */
    private volatile int npidle;
    /**
     * How many times a P left the idle list (or the set of Ps changed); written under lock. Nothing
     * can fire a timer or run a goroutine without a P, so while every P is idle and this count stays
     * the same, nothing moved: the deadlock check reads it before and after its look.
     */
    private volatile long idleExits;
    /** Parked carriers waiting for a P, most recently parked first. Guarded by lock. */
    private final ArrayDeque<Carrier> midle = new ArrayDeque<>();
    /** Every carrier ever started (diagnostics). */
    final CopyOnWriteArrayList<Carrier> carriers = new CopyOnWriteArrayList<>();
    /** Carriers started. Guarded by lock. */
    private int carrierCount;
    /** The Ps that are not DEAD, and the steal strides for their number; replaced as a whole under lock. */
    private volatile Procs allp;
    /** Next P id. Guarded by lock. */
    private int nextPid;
    /** Ps replaced because of a runaway and not destroyed yet; at most {@link #procs}. Guarded by lock. */
    private int runawayPs;
    /** GOMAXPROCS: the number of Ps wanted. Written under lock. */
    private volatile int procs;
    /** The idle carrier that parks until the earliest timer, or null. Written under lock. */
    private volatile Carrier timerSleeper;
    /** When the timer sleeper wakes up (valid while there is one). */
    private volatile long sleepUntil;
    /** Whether a carrier cap warning was printed. */
    private final AtomicBoolean capWarned = new AtomicBoolean();
    /** The monitor. */
    final Sysmon sysmon;
    /** Event counters. */
    final SchedStats stats = new SchedStats();

    /** The live Ps with the strides coprime to their number (Go's randomOrder). */
    static final class Procs
    {
        /** The Ps. */
        final P[] ps;
        /** Every stride in [1, n] coprime to n = ps.length. */
        final int[] coprimes;

        Procs(final P[] ps)
        {
            this.ps = ps;
            final int n = ps.length;
            final int[] c = new int[Math.max(1, n)];
            int k = 0;
            for (int i = 1; i <= n; i++)
            {
                if (1 == gcd(i, n))
                {
                    c[k++] = i;
                }
            }
            if (0 == k)
            {
                c[k++] = 1;
            }
            this.coprimes = Arrays.copyOf(c, k);
        }

        private static int gcd(final int a, final int b)
        {
            return 0 == b ? a : gcd(b, a % b);
        }
    }

    private Sched(final int procs, final int maxThreads, final long stackBytes, final long preemptNs)
    {
        this.procs = procs;
        this.maxThreads = maxThreads;
        this.stackBytes = stackBytes;
        final P[] ps = new P[procs];
        for (int i = 0; i < procs; i++)
        {
            ps[i] = new P(nextPid++, P.IDLE);
        }
        for (int i = procs - 1; i >= 0; i--)
        {
            pidle.push(ps[i]);
        }
        this.npidle = procs;
        this.allp = new Procs(ps);
        this.sysmon = new Sysmon(this, preemptNs);
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

    /**
     * Go's {@code sync_runtime_canSpin}: whether a contended sync primitive may spin once more
     * ({@code iter} spins done) before it queues. Spinning pays only when the holder runs on another
     * CPU and will release soon, and this carrier has nothing better to do: a multicore machine, at
     * least one other P running (not idle, not looking for work), and no goroutine waiting in this
     * P's run queue. At most {@value #ACTIVE_SPIN} spins of {@value #ACTIVE_SPIN_CNT} pauses each,
     * a few microseconds, so a plain thread or a pinned goroutine spins no longer than that either.
     *
     * @param iter spins done so far
     * @return whether to spin ({@link #doSpin()}) rather than queue
     */
    public static boolean canSpin(final int iter)
    {
        if (iter >= ACTIVE_SPIN || !MULTICORE)
        {
            return false;
        }
        final Carrier c = Carrier.here();
        if (null == c)
        {
            return true; // a plain thread: no run queue here to serve (and no scheduler to start)
        }
        final Sched s = Holder.INSTANCE;
        if (s.procs <= s.npidle + s.nmspinning.get() + 1)
        {
            return false;
        }
        final P p = c.p;
        return null == p || p.runq.isEmpty();
    }

    /** Go's {@code sync_runtime_doSpin}: one spin, {@value #ACTIVE_SPIN_CNT} CPU pauses. */
    public static void doSpin()
    {
        for (int i = 0; i < ACTIVE_SPIN_CNT; i++)
        {
            Thread.onSpinWait();
        }
    }

    /** Whether the scheduler runs already (without starting it). */
    public static boolean running()
    {
        synchronized (CONFIG_LOCK)
        {
            return started;
        }
    }

    private static Sched create()
    {
        synchronized (CONFIG_LOCK)
        {
            started = true;
            final int procs = configProcs > 0 ? configProcs : defaultProcs();
            final Sched sched = new Sched(procs, Math.max(configMaxThreads, procs), configStackBytes, configPreemptNs);
            sched.sysmon.start();
            sched.stats.printAtExitIfAsked();
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
     * Starts a goroutine. As Go's {@code newproc}, it goes to the spawning P's {@code runnext}.
     *
     * @param task  its body
     * @param armed whether its root is entered with the token (the root is rewritten code)
     * @return the new goroutine, already runnable
     */
    G spawn(final Task task, final boolean armed)
    {
        final G g = new G(newId(), task);
        g.armedRoot = armed;
        final G parent = G.current();
        g.parentId = null == parent ? 0 : parent.id;
        g.createdBy = CreationSites.of(task);
        if (Events.on)
        {
            Events.start(g);
        }
        live.increment();
        ready(g, true);
        return g;
    }

    /**
     * A new goroutine id. A carrier holding a P takes it from that P's batch of {@value #GOID_BATCH}
     * (Go's goidcache): a shared counter bumped at every spawn was a cache line that carriers
     * spawning at the same time handed back and forth. Ids are unique, not in spawn order across Ps.
     */
    private long newId()
    {
        final Thread t = Thread.currentThread();
        if (t instanceof Carrier)
        {
            final P p = ((Carrier)t).p;
            if (null != p)
            {
                if (p.goidNext == p.goidEnd)
                {
                    p.goidNext = nextId.getAndAdd(GOID_BATCH);
                    p.goidEnd = p.goidNext + GOID_BATCH;
                }
                return p.goidNext++;
            }
        }
        return nextId.getAndIncrement();
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
                if (Events.on)
                {
                    Events.unpark(g);
                }
                get().ready(g, true);
            }
        }
        else if (G.PINNED == state)
        {
            if (Events.on)
            {
                Events.unpark(g);
            }
            LockSupport.unpark(g.carrier);
        }
    }

    /** Live goroutines (the monitor's view). */
    int liveCount()
    {
        return (int)live.sum();
    }

    /**
     * A goroutine was collected while it waited: nothing could ever wake it. It no longer counts as
     * live; the diagnostics report it once.
     */
    void leaked(final GRecord r)
    {
        live.decrement();
        leaked.incrementAndGet();
        Leaks.report(r);
    }

    /** Live goroutines, the main goroutine included. */
    public static int numGoroutine()
    {
        return get().liveCount();
    }

    /**
     * Sets the number of Ps ({@code runtime.GOMAXPROCS}) while goroutines run. New Ps start idle and
     * are woken for work; surplus Ps are destroyed at once when idle or in a blocking call, else by
     * their carrier at its next schedule; their goroutines go to the global queue and their timers
     * to another P.
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
        final java.util.List<P> drained = new java.util.ArrayList<>();
        synchronized (sched.lock)
        {
            previous = sched.procs;
            sched.procs = n;
            final P[] ps = sched.allp.ps;
            int keep = 0;
            for (final P p : ps)
            {
                if (!p.retire)
                {
                    keep++;
                }
            }
            // grow: first take back Ps that were still waiting to be destroyed, then make new ones
            for (int i = 0; i < ps.length && keep < n; i++)
            {
                if (ps[i].retire && !ps[i].runaway)
                {
                    ps[i].retire = false;
                    keep++;
                }
            }
            P[] next = ps;
            while (keep < n)
            {
                final P p = new P(sched.nextPid++, P.IDLE);
                next = Arrays.copyOf(next, next.length + 1);
                next[next.length - 1] = p;
                sched.pidleput(p);
                keep++;
            }
            // shrink: destroy the last ones; idle or blocked ones now, running ones at their next schedule
            for (int i = next.length - 1; i > 0 && keep > n; i--)
            {
                final P p = next[i];
                if (p.retire)
                {
                    continue;
                }
                keep--;
                if (P.IDLE == p.status() && sched.pidle.remove(p))
                {
                    sched.npidle = sched.pidle.size();
                    sched.idleExits++;
                    p.setStatus(P.DEAD);
                    drained.add(p);
                }
                else if (p.casStatus(P.SYSCALL, P.DEAD))
                {
                    drained.add(p);
                }
                else
                {
                    p.retire = true;
                }
            }
            int live = 0;
            final P[] alive = new P[next.length];
            for (final P p : next)
            {
                if (P.DEAD != p.status())
                {
                    alive[live++] = p;
                }
            }
            for (final P p : drained)
            {
                sched.handOverLocked(p, alive[0]); // while still listed: see destroyLocked
            }
            sched.setAllp(Arrays.copyOf(alive, live));
        }
        for (final P p : drained)
        {
            sched.dispose(p);
        }
        sched.wakep();
        return previous;
    }

    /**
     * Runs a blocking call from a goroutine (Go's entersyscall/exitsyscall): the carrier's P is set
     * aside for the monitor to hand to another carrier if the call takes more than a monitor tick,
     * so the other goroutines keep running; a short call takes it back with one CAS. On a plain
     * thread it just calls.
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
        if (0 == c.blockingDepth++)
        {
            g.waitReason = "syscall";
            if (Events.slices)
            {
                Events.stop(c, g, "syscall");
            }
            sched.enterSyscall(c);
        }
        try
        {
            return body.call();
        }
        finally
        {
            if (0 == --c.blockingDepth)
            {
                g.waitReason = null;
                sched.exitSyscall(c, g);
                if (Events.slices)
                {
                    Events.run(c);
                }
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
        if (Events.on)
        {
            Events.start(g);
        }
        sched.live.increment();
        sched.ready(g, false);
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

    /** Whether every live P is idle (the monitor may sleep). */
    boolean allProcsIdle()
    {
        return npidle >= allp.ps.length;
    }

    /** How many times a P left the idle list: see {@link #idleExits}. */
    long idleExits()
    {
        return idleExits;
    }

    /** Idle Ps. */
    int npidle()
    {
        return npidle;
    }

    /** The live Ps (a snapshot). */
    P[] ps()
    {
        return allp.ps;
    }

    /** Replaces the set of live Ps. Caller holds lock. */
    private void setAllp(final P[] ps)
    {
        allp = new Procs(ps);
        idleExits++; // the set of Ps changed: a deadlock check in progress looks again
    }

    // ------------------------------------------------------------------------------------------
    // Making goroutines runnable and waking carriers.

    /**
     * Puts a goroutine that the caller moved to RUNNABLE on a run queue (Go's ready/runqput) and
     * wakes a carrier if one is idle and none is spinning.
     *
     * @param g    the goroutine
     * @param next whether it should run next on this P (readied by the running goroutine)
     */
    void ready(final G g, final boolean next)
    {
        final Thread t = Thread.currentThread();
        if (t instanceof Carrier)
        {
            final P p = ((Carrier)t).p;
            if (null != p)
            {
                p.runq.put(g, next, globq);
                wakep();
                return;
            }
        }
        globq.put(g);
        wakep();
    }

    /**
     * Starts or wakes one spinning carrier when a P is idle and nobody is spinning already
     * (Go's wakep). Called after work was added.
     */
    void wakep()
    {
        if (0 == npidle || 0 != nmspinning.get() || !nmspinning.compareAndSet(0, 1))
        {
            return;
        }
        startm(null, true);
    }

    /**
     * Gives a P to an idle carrier, or to a new one (Go's startm).
     *
     * @param given    the P to give (the caller owns it), or null for an idle one
     * @param spinning whether the carrier starts spinning; the caller already counted it in nmspinning
     */
    private void startm(final P given, final boolean spinning)
    {
        P p = given;
        Carrier m;
        boolean capped = false;
        boolean dead = false;
        synchronized (lock)
        {
            if (null == p)
            {
                p = pidleget();
                if (null == p)
                {
                    if (spinning)
                    {
                        nmspinning.decrementAndGet(); // undo wakep's count: nobody will spin
                    }
                    return;
                }
            }
            m = mget();
            if (null == m)
            {
                if (carrierCount >= maxThreads)
                {
                    dead = pidleput(p);
                    if (spinning)
                    {
                        nmspinning.decrementAndGet();
                    }
                    capped = true;
                }
                else
                {
                    carrierCount++;
                }
            }
            if (!capped)
            {
                p.setStatus(P.RUNNING);
                p.m = m;
            }
        }
        if (capped)
        {
            if (dead)
            {
                dispose(p);
            }
            warnCap();
            return;
        }
        stats.wakeups.increment();
        if (null != m)
        {
            m.grantSpinning = spinning;
            m.nextp = p; // release; pairs with the read of nextp in stopm
            LockSupport.unpark(m);
        }
        else
        {
            startCarrier(p, spinning);
        }
        sysmon.wake();
    }

    private void warnCap()
    {
        if (capWarned.compareAndSet(false, true))
        {
            System.err.println("goroutines: all " + maxThreads + " carrier threads are in use (maxThreads); " +
                "goroutines wait until one comes back. Raise the agent option maxThreads if this is expected.");
        }
    }

    /** Creates and starts a carrier that holds {@code p} (counted by the caller). */
    private void startCarrier(final P p, final boolean spinning)
    {
        final int n;
        synchronized (lock)
        {
            n = carrierCount;
        }
        final Carrier m = new Carrier(null, this::carrierMain, "goroutines-carrier-" + n, stackBytes);
        m.p = p;
        p.m = m;
        m.spinning = spinning; // Thread.start publishes both
        try
        {
            m.start();
            carriers.add(m);
        }
        catch (final OutOfMemoryError ex)
        {
            final boolean dead;
            synchronized (lock)
            {
                carrierCount--;
                dead = pidleput(p);
            }
            if (dead)
            {
                dispose(p);
            }
            if (spinning)
            {
                nmspinning.decrementAndGet();
            }
            System.err.println("goroutines: could not start a carrier thread (" + ex.getMessage() +
                "); lower maxThreads or raise the OS thread limit");
        }
    }

    /** Takes an idle P (status RUNNING from here on), or null. Caller holds lock. */
    private P pidleget()
    {
        final P p = pidle.poll();
        if (null != p)
        {
            npidle = pidle.size();
            idleExits++;
            p.setStatus(P.RUNNING);
        }
        return p;
    }

    /**
     * Puts a P that nobody holds on the idle list, or destroys it if it must go ({@code retire} set
     * by {@link #maxProcs} while its holder still ran: the holder may have checked the flag before it
     * was set, so the check is here, under the lock that maxProcs sets it under). Caller holds lock.
     *
     * @return true when the P was destroyed: the caller must {@link #dispose} it after releasing the lock
     */
    private boolean pidleput(final P p)
    {
        p.m = null;
        if (p.retire)
        {
            destroyLocked(p);
            return true;
        }
        p.setStatus(P.IDLE);
        pidle.push(p);
        npidle = pidle.size(); // release; pairs with the npidle read in wakep
        return false;
    }

    /** Takes an idle carrier, not the timer sleeper if another one is there, or null. Caller holds lock. */
    private Carrier mget()
    {
        Carrier m = midle.poll();
        if (null != m && m == timerSleeper)
        {
            final Carrier other = midle.poll();
            if (null != other)
            {
                midle.push(m);
                return other;
            }
            timerSleeper = null;
        }
        return m;
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
     * Returns the next goroutine to run, with the carrier holding a P ({@link Carrier#inheritTime}
     * says whether it came from runnext); parks the carrier while there is none. Owner thread only.
     */
    private G findRunnable(final Carrier c)
    {
        for (;;)
        {
            final P p = c.p;
            if (null == p)
            {
                if (!tryAcquireP(c))
                {
                    stopm(c, earliestTimer());
                }
                continue;
            }
            if (p.retire)
            {
                c.p = null;
                dropSpinning(c);
                retire(p);
                continue;
            }
            c.inheritTime = false;
            beginSchedule(p, globq);
            G g;
            if (0 == p.schedTick % GLOBAL_TICK && !globq.isEmpty())
            {
                g = globq.get();
                if (null != g)
                {
                    return g;
                }
            }
            g = p.runq.get();
            if (null != g)
            {
                c.inheritTime = p.runq.lastWasNext;
                return g;
            }
            g = globq.getBatch(p.runq, procs);
            if (null != g)
            {
                return g;
            }
            // Steal, unless enough carriers spin already: at most half of the busy Ps (Go's limit).
            final int busy = allp.ps.length - npidle;
            if (c.spinning || 2 * nmspinning.get() < busy)
            {
                if (!c.spinning)
                {
                    c.spinning = true;
                    nmspinning.incrementAndGet();
                }
                g = stealWork(c, p);
                if (null != g)
                {
                    return g;
                }
            }
            // Nothing: give the P up. Delicate dance (proc.go): drop the P, then the spinning count,
            // and only then look once more. A ready() that ran before saw no idle P (or us
            // spinning) and relies on us; one that runs after sees the idle P and wakes a carrier.
            c.p = null;
            final boolean dead;
            synchronized (lock)
            {
                dead = pidleput(p); // retired meanwhile (maxProcs): destroyed instead
            }
            if (dead)
            {
                dispose(p);
            }
            final boolean wasSpinning = dropSpinning(c);
            if (wasSpinning)
            {
                stats.idleSpins.increment();
            }
            if (!globq.isEmpty() || (wasSpinning && anyLocalWork()))
            {
                if (tryAcquireP(c))
                {
                    if (wasSpinning)
                    {
                        c.spinning = true;
                        nmspinning.incrementAndGet();
                    }
                    continue;
                }
            }
            stopm(c, earliestTimer());
        }
    }

    /**
     * What every schedule on {@code p} does first (owner only): a runnext chain whose slice is over
     * goes behind the queue; then the due timers fire. In that order, so that a goroutine its timer
     * readies now runs next, as in Go, rather than behind whatever the ended slice left queued (the
     * other order once made a 1 ms sleep 18 ms late next to a hog).
     */
    static void beginSchedule(final P p, final GlobalQueue overflow)
    {
        if (p.sliceOver)
        {
            p.sliceOver = false;
            p.runq.demoteRunnext(overflow); // a runnext chain used up its slice: the queued ones go first
        }
        if (TimerHeap.NONE != p.timers.nextWhen())
        {
            p.timers.runDue(System.nanoTime()); // may ready goroutines onto p
        }
        if (p.timerYield)
        {
            p.timerYield = false; // answered: the goroutine yielded (or parked instead)
        }
    }

    /**
     * A spinning carrier's search (Go's stealWork): four passes over the other Ps in a random order,
     * stealing half of a run queue; the last pass also runs their due timers and takes a runnext.
     * Then, for up to {@link #SPIN_NS} in all, it watches the queues and searches again when work
     * shows up, before it gives up. Owner thread only; {@code p}'s queue is empty.
     */
    private G stealWork(final Carrier c, final P p)
    {
        final long deadline = System.nanoTime() + SPIN_NS;
        for (;;)
        {
            G g = stealPasses(c, p);
            if (null != g)
            {
                return g;
            }
            for (;;)
            {
                if (p.retire || System.nanoTime() - deadline >= 0)
                {
                    return null;
                }
                g = globq.getBatch(p.runq, procs);
                if (null != g)
                {
                    return g;
                }
                if (anyRingWork())
                {
                    break;
                }
                Thread.yield(); // not onSpinWait: see SPIN_NS
            }
        }
    }

    /** The passes of {@link #stealWork}. */
    private G stealPasses(final Carrier c, final P p)
    {
        final Procs all = allp;
        final P[] ps = all.ps;
        final int n = ps.length;
        for (int pass = 0; pass < STEAL_TRIES; pass++)
        {
            final boolean last = pass == STEAL_TRIES - 1;
            final int stride = all.coprimes[c.randn(all.coprimes.length)];
            int i = c.randn(n);
            for (int k = 0; k < n; k++, i = (i + stride) % n)
            {
                final P v = ps[i];
                if (v == p)
                {
                    continue;
                }
                if (last && TimerHeap.NONE != v.timers.nextWhen() && v.timers.runDue(System.nanoTime()) > 0)
                {
                    final G g = p.runq.get(); // the timers readied goroutines onto our P
                    if (null != g)
                    {
                        return g;
                    }
                }
                if (!v.runq.isEmpty())
                {
                    final Carrier vm = v.m;
                    final boolean running = P.RUNNING == v.status() && null != vm && null != vm.current;
                    final G g = p.runq.steal(v.runq, last, running);
                    if (null != g)
                    {
                        stats.steals.increment();
                        return g;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Whether any P's ring looks non-empty. The spin loop polls this and not runnext: runnext is
     * written at every hand-off of a communicating pair, and a poller reading it would pull its
     * cache line away from the pair's carrier at every hand-off (runnext is stolen only on the last
     * steal pass anyway).
     */
    private boolean anyRingWork()
    {
        for (final P v : allp.ps)
        {
            if (v.runq.ringNonEmpty())
            {
                return true;
            }
        }
        return false;
    }

    /** Whether any P's run queue looks non-empty. */
    private boolean anyLocalWork()
    {
        for (final P v : allp.ps)
        {
            if (!v.runq.isEmpty())
            {
                return true;
            }
        }
        return false;
    }

    /** Stops spinning, if the carrier was; returns whether it was. Owner thread only. */
    private boolean dropSpinning(final Carrier c)
    {
        if (!c.spinning)
        {
            return false;
        }
        c.spinning = false;
        nmspinning.decrementAndGet();
        return true;
    }

    /** A spinning carrier found work: stop spinning and let another carrier take over the search. */
    private void resetSpinning(final Carrier c)
    {
        c.spinning = false;
        if (0 == nmspinning.decrementAndGet())
        {
            wakep();
        }
    }

    /** Takes an idle P if there is one. Owner thread only. */
    private boolean tryAcquireP(final Carrier c)
    {
        if (0 == npidle)
        {
            return false;
        }
        final P p;
        synchronized (lock)
        {
            p = pidleget();
            if (null == p)
            {
                return false;
            }
            p.m = c;
        }
        c.p = p;
        sysmon.wake();
        return true;
    }

    /**
     * Parks the carrier until another thread hands it a P (Go's stopm). While all carriers are idle,
     * one of them sleeps only until the earliest timer ({@code pollUntil}) and then takes a P to run
     * it. Owner thread only.
     */
    private void stopm(final Carrier c, final long pollUntil)
    {
        synchronized (lock)
        {
            // A ready() between our last look at the queue and this lock found no idle carrier to
            // wake (we were not registered yet) and, at maxThreads, could not start one: look again
            // under the lock that startm takes.
            if (!globq.isEmpty())
            {
                final P p = pidleget();
                if (null != p)
                {
                    p.m = c;
                    c.p = p;
                }
            }
            if (null == c.p)
            {
                midle.push(c);
                if (TimerHeap.NONE != pollUntil && null == timerSleeper)
                {
                    sleepUntil = pollUntil;
                    timerSleeper = c;
                }
            }
        }
        if (null != c.p)
        {
            sysmon.wake(); // every P may have been idle: the monitor sleeps
            return;
        }
        for (;;)
        {
            final P granted = c.nextp; // acquire; pairs with the write in startm
            if (null != granted)
            {
                c.nextp = null;
                c.p = granted;
                c.spinning = c.grantSpinning; // already counted in nmspinning by wakep
                return;
            }
            if (timerSleeper != c)
            {
                LockSupport.park(this);
                Thread.interrupted(); // nobody may interrupt an idle carrier into a busy loop
                continue;
            }
            // The timer sleeper. Look at the heaps again after publishing sleepUntil (pairs with
            // the heap write -> sleepUntil read in timerWake), then sleep until the earliest.
            long until = sleepUntil;
            final long earliest = earliestTimer();
            if (TimerHeap.NONE != earliest && earliest - until < 0)
            {
                until = earliest;
                sleepUntil = earliest;
            }
            final long leftNs = until - System.nanoTime();
            if (leftNs > 0)
            {
                LockSupport.parkNanos(this, leftNs);
                Thread.interrupted();
                continue;
            }
            synchronized (lock)
            {
                if (null != c.nextp)
                {
                    continue; // handed a P meanwhile
                }
                timerSleeper = null;
                final P p = pidleget();
                if (null != p)
                {
                    // run the due timers of every P as a spinning carrier does
                    midle.remove(c);
                    p.m = c;
                    c.p = p;
                    c.spinning = true;
                    nmspinning.incrementAndGet();
                }
            }
            if (null != c.p)
            {
                sysmon.wake();
                return;
            }
            // every P is held: their carriers run the timers at their next schedule; wait for a P
        }
    }

    // ------------------------------------------------------------------------------------------
    // Timers.

    /** Adds a timer to the current P's heap (else the first P's) and wakes whoever must run it. */
    Timers.Timer addTimer(final Timers.Timer t)
    {
        final Thread thread = Thread.currentThread();
        P p = thread instanceof Carrier ? ((Carrier)thread).p : null;
        if (null == p)
        {
            p = allp.ps[0];
        }
        p.timers.add(t);
        if (P.DEAD == p.status())
        {
            // the P was destroyed while we added (its timers moved before ours arrived): move again
            synchronized (lock)
            {
                handOverLocked(p, liveHeir(p));
            }
        }
        timerWake(t.deadlineNs);
        return t;
    }

    /**
     * A timer due at {@code when} was added: wake the monitor if it naps past it, and the timer
     * sleeper if it sleeps past it, or start a carrier if none sleeps and a P is idle (it will run the
     * timer or become the sleeper).
     */
    void timerWake(final long when)
    {
        sysmon.timerAdded(when); // a busy P's running goroutine is asked to yield when it is due
        final Carrier sleeper = timerSleeper;
        if (null != sleeper)
        {
            if (when - sleepUntil < 0)
            {
                LockSupport.unpark(sleeper);
            }
            return;
        }
        if (0 != npidle)
        {
            wakep();
        }
    }

    /** Parks committed so far: the Ps' own counts and those of destroyed Ps (racy, for metrics). */
    long parks()
    {
        long n = stats.parks.sum();
        for (final P p : allp.ps)
        {
            n += p.parks;
        }
        return n;
    }

    /** The earliest timer of any P, or {@link TimerHeap#NONE}. */
    long earliestTimer()
    {
        long earliest = TimerHeap.NONE;
        for (final P p : allp.ps)
        {
            final long when = p.timers.nextWhen();
            if (TimerHeap.NONE != when && (TimerHeap.NONE == earliest || when - earliest < 0))
            {
                earliest = when;
            }
        }
        return earliest;
    }

    /** Timers pending on every P. */
    int pendingTimers()
    {
        int n = 0;
        for (final P p : allp.ps)
        {
            n += p.timers.size();
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------
    // Blocking calls, hand-off, destroying Ps.

    /** Go's entersyscall: sets the P aside (SYSCALL) for the monitor to retake. Owner thread only. */
    private void enterSyscall(final Carrier c)
    {
        final P p = c.p;
        if (null == p)
        {
            return;
        }
        p.syscallTick++;
        c.oldp = p;
        c.p = null;
        p.setStatus(P.SYSCALL); // from here on the monitor may take it
        sysmon.syscallEntered();
    }

    /**
     * Go's exitsyscall: takes the P back if nobody took it, else an idle one; else the carrier runs
     * on without a P and the goroutine is asked to yield at its next preemption point, which queues
     * it globally. Owner thread only.
     */
    private void exitSyscall(final Carrier c, final G g)
    {
        final P old = c.oldp;
        c.oldp = null;
        if (null != old && old.casStatus(P.SYSCALL, P.RUNNING))
        {
            c.p = old;
            return;
        }
        if (null == c.p && !tryAcquireP(c))
        {
            c.preempt = true;
        }
    }

    /**
     * Go's handoffp: a P nobody holds (retaken from a blocking call, or given up before a pinned
     * park) goes to a carrier if there is work for it, else to the idle list.
     */
    void handoffp(final P p)
    {
        stats.handoffs.increment();
        if (Events.on)
        {
            Events.handoff(p);
        }
        p.m = null;
        if (p.retire)
        {
            retire(p);
            return;
        }
        if (!p.runq.isEmpty() || !globq.isEmpty())
        {
            startm(p, false);
            return;
        }
        // no work, but nobody spins and no P is idle: start a spinning carrier to look for some
        if (0 == nmspinning.get() + npidle && nmspinning.compareAndSet(0, 1))
        {
            startm(p, true);
            return;
        }
        final boolean dead;
        synchronized (lock)
        {
            dead = pidleput(p);
        }
        if (dead)
        {
            dispose(p);
        }
        if (!globq.isEmpty())
        {
            wakep(); // a ready() before the idle put saw no idle P
        }
        final long when = p.timers.nextWhen();
        if (TimerHeap.NONE != when)
        {
            timerWake(when);
        }
    }

    /** A pinned park is about to block the carrier: hand its P off at once (Go's entersyscallblock). */
    private void handoffNow(final Carrier c)
    {
        final P p = c.p;
        if (null == p)
        {
            return;
        }
        p.syscallTick++;
        c.p = null;
        dropSpinning(c);
        handoffp(p);
    }

    /** Destroys a P its holder gave up ({@code retire} set): its goroutines and timers move on. */
    private void retire(final P p)
    {
        synchronized (lock)
        {
            destroyLocked(p);
        }
        dispose(p);
    }

    /**
     * Destroys a P that nobody holds: DEAD, its timers moved to a live P, and only then dropped from
     * the set of Ps. Moving them first means every look at the Ps' timers (the idle carriers' sleep,
     * the deadlock check) finds each timer on a listed P: a P being destroyed is not idle, so while
     * a timer is between two heaps nobody concludes that every P is idle with no timer pending.
     * An {@link #addTimer} that lands after the move sees DEAD and moves its timer itself. Caller
     * holds lock, and calls {@link #dispose} after releasing it.
     */
    private void destroyLocked(final P p)
    {
        p.setStatus(P.DEAD);
        p.m = null;
        handOverLocked(p, liveHeir(p));
        dropFromAllp(p);
    }

    /**
     * Gives what a dead P leaves behind to a live one: its timers to {@code heir}, its park count to
     * the scheduler's (once: a second hand-over, of timers that landed late, adds nothing). Caller
     * holds lock.
     */
    private void handOverLocked(final P dead, final P heir)
    {
        dead.timers.moveTo(heir.timers);
        stats.parks.add(dead.parks);
        dead.parks = 0;
    }

    /** The first live P other than {@code dead}. Caller holds lock. */
    private P liveHeir(final P dead)
    {
        for (final P heir : allp.ps)
        {
            if (heir != dead && P.DEAD != heir.status())
            {
                return heir;
            }
        }
        throw new IllegalStateException("sched: no live P to take over from " + dead);
    }

    /** Removes a dead P from the live set. Caller holds lock. */
    private void dropFromAllp(final P p)
    {
        if (p.runaway)
        {
            runawayPs--;
        }
        final P[] ps = allp.ps;
        int k = 0;
        final P[] next = new P[ps.length];
        for (final P q : ps)
        {
            if (q != p)
            {
                next[k++] = q;
            }
        }
        if (k != ps.length)
        {
            setAllp(Arrays.copyOf(next, k));
        }
    }

    /**
     * A DEAD P that nobody holds, dropped from the set (its timers already moved by
     * {@link #destroyLocked}): moves its goroutines to the global queue and wakes whoever must run
     * them or the timers it left.
     */
    private void dispose(final P p)
    {
        if (p.runq.drainTo(globq) > 0)
        {
            wakep();
        }
        final long when = earliestTimer();
        if (TimerHeap.NONE != when)
        {
            timerWake(when);
        }
    }

    /**
     * The monitor found a goroutine that ran two time slices without reaching a preemption point:
     * its P is replaced by a new one (given to another carrier), and the old one is destroyed when
     * its carrier comes back to the scheduler. At most {@code procs} Ps are replaced at a time, so
     * that many goroutines in long CPU-bound library calls cannot multiply the carriers beyond
     * twice the Ps (the OS time-slices those). Monitor thread only.
     *
     * @return true when the P was replaced
     */
    boolean replaceRunaway(final P p)
    {
        synchronized (lock)
        {
            if (p.retire || P.RUNNING != p.status() || runawayPs >= procs)
            {
                return false; // at most procs extra Ps: CPU-bound library code must not multiply threads
            }
            runawayPs++;
            p.retire = true;
            p.runaway = true;
            stats.runaways.increment();
            final P[] ps = allp.ps;
            final P[] next = Arrays.copyOf(ps, ps.length + 1);
            final P extra = new P(nextPid++, P.IDLE);
            next[ps.length] = extra;
            setAllp(next);
            pidleput(extra);
        }
        // its queued goroutines are stolen by the new P's carrier
        if (nmspinning.compareAndSet(0, 1))
        {
            startm(null, true);
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // Running a goroutine.

    /** Runs {@code g} until it parks, yields or ends. Owner thread only. */
    private void execute(final Carrier c, final G g)
    {
        if (!g.startRunning())
        {
            throw new IllegalStateException("sched: execute of " + g + " that is not runnable");
        }
        // volatile fields are written only when they change: each write costs a fence
        if (g.carrier != c)
        {
            g.carrier = c;
        }
        if (c.preempt)
        {
            c.preempt = false;
        }
        g.waitReason = null;
        Thread.interrupted(); // an interrupt of the carrier during one goroutine is not the next one's
        c.current = g;
        if (!c.inheritTime)
        {
            c.p.schedTick++; // a new time slice (runnext inherits the current one, as in Go)
        }
        if (Events.slices)
        {
            Events.run(c);
        }
        for (;;)
        {
            c.sig = g.started ? G.SIG_RESUME : g.armedRoot ? Tokens.RUN : G.SIG_NONE;
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
            if (null == failure && G.SIG_UNWIND == c.sig)
            {
                c.sig = G.SIG_NONE;
                if (Events.slices) // still owned: once committed, another carrier may run it
                {
                    Events.stop(c, g, G.ACTION_YIELD == g.unwindAction ? "yield" : g.waitReason);
                }
                if (commit(c, g))
                {
                    if (Events.slices)
                    {
                        Events.run(c);
                    }
                    continue; // woken while it unwound: resume it on this carrier at once
                }
            }
            else
            {
                if (Events.slices)
                {
                    Events.stop(c, g, null == failure ? "end" : "panic");
                }
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
        g.shrink(); // still owned here: give back what a deeper park once needed
        if (G.ACTION_YIELD == g.unwindAction)
        {
            final P yieldP = c.p;
            if (null != yieldP && yieldP.timerYield)
            {
                // asked to yield for a due timer: stay on this P's queue; the next schedule fires the
                // timer (beginSchedule), and what it readies goes into runnext, ahead of this one
                g.casState(G.RUNNING, G.RUNNABLE);
                yieldP.runq.put(g, false, globq);
                return false;
            }
            // Gosched and preemption go behind everyone: to the global queue (Go's goschedImpl)
            g.casState(G.RUNNING, G.RUNNABLE);
            globq.put(g);
            if (null == c.p)
            {
                wakep();
            }
            return false;
        }
        g.parkSeq++;
        final P p = c.p;
        if (null != p)
        {
            p.parks++;
        }
        else
        {
            stats.parks.increment(); // running without a P (a blocking section's end found none)
        }
        if (Events.on)
        {
            Events.park(g);
        }
        final GRecord r = null == g.record ? g.record = allgs.register(g) : g.record; // registered at its first park
        r.parked(g.waitReason, coarseNs, g, false);
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
        if (null == failure && 0 != g.depth())
        {
            failure = new IllegalStateException("sched: " + g + " returned with " + g.depth() +
                " saved frames (sig=" + G.sig() + "): a rewritten frame was resumed out of order");
        }
        G.sig(G.SIG_NONE);
        g.clear();
        g.task = null;
        g.casState(G.RUNNING, G.DEAD);
        final GRecord r = g.record;
        if (null != r)
        {
            r.clear(); // an ended goroutine is no leak: its record is never queued
        }
        if (Events.on)
        {
            Events.end(g); // before the count drops: whoever sees the count sees the event recorded
        }
        live.decrement();
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
        if (0 != g.consumePermit())
        {
            return;
        }
        final Carrier c = (Carrier)Thread.currentThread();
        final Sched sched = get();
        if (Events.on)
        {
            Events.pin(g);
        }
        if (Events.slices)
        {
            Events.stop(c, g, "pinned"); // before the P goes: its next slice starts after this one
        }
        if (0 == c.blockingDepth)
        {
            sched.handoffNow(c); // it blocks for an unknown time: the P goes to the others at once
        }
        final long deadlineNs = timeoutNs > 0 ? System.nanoTime() + timeoutNs : 0;
        boolean interrupted = false;
        sched.stats.pinnedParks.increment();
        final GRecord r = null == g.record ? g.record = sched.allgs.register(g) : g.record;
        r.parked(g.waitReason, sched.coarseNs, g, timeoutNs > 0);
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
        g.consumePermit();
        if (interrupted)
        {
            c.interrupt();
        }
        if (0 == c.blockingDepth) // inside Go.blocking the section's end takes a P back, not this park
        {
            sched.exitSyscall(c, g);
            if (Events.slices)
            {
                Events.run(c);
            }
        }
    }
}
