package io.goroutines.internal.sched;

/**
 * A carrier thread (Go's M): a platform thread that runs goroutines.
 *
 * <p>A carrier runs goroutines only while it holds a P ({@link #p}). A carrier whose goroutine enters
 * {@code Go.blocking} keeps its P aside ({@link #oldp}, status SYSCALL) and takes it back on return
 * unless the monitor gave it away meanwhile; a pinned park hands the P off at once. Either way the
 * carrier may run on without a P until its goroutine reaches a scheduling point. Idle carriers park
 * until another thread hands them a P ({@link #nextp}).
 */
public final class Carrier extends Thread
{
    /** The goroutine this carrier runs now, or null. Owner thread only (the monitor reads it racily). */
    public G current;

    /**
     * The signal word of the goroutine running here ({@link G}'s class comment: the tokens,
     * {@code SIG_UNWIND}, {@code SIG_RESUME}). Owner thread only. It lives on the carrier, not in the
     * goroutine, because rewritten code reaches it from {@code Thread.currentThread()}, which the JIT
     * takes as one value for a whole compiled method: in a chain of inlined rewritten calls, a caller's
     * arm, the callee's check of it and the caller's check after the call all address the same
     * object, so they fold to a single store. Kept in the G, each callee would load the goroutine
     * again after every volatile read (a loop's preemption check), and nothing folded.
     */
    public int sig;

    /**
     * Set by the monitor when the goroutine running here has run past its time slice; read at the
     * back-edges of rewritten loops, cleared when the carrier starts a goroutine. On the carrier for
     * the reason {@link #sig} is: a back-edge reads it without loading the goroutine first. A request
     * that races with a switch of goroutines makes the next one yield once early, which is harmless.
     */
    public volatile boolean preempt;

    /**
     * Depth of nested {@code Go.blocking} sections on this carrier. Owner thread only. Only the
     * outermost section gives the P up and takes it back.
     */
    int blockingDepth;

    /** The P this carrier holds, or null. Owner thread only. */
    P p;

    /** The P kept aside during a blocking section (status SYSCALL), or null. Owner thread only. */
    P oldp;

    /** True while this carrier looks for work with a P (Go's spinning M). Owner thread only. */
    boolean spinning;

    /** Whether the goroutine being started came from runnext and inherits the time slice. Owner only. */
    boolean inheritTime;

    /** A P handed to this parked carrier by another thread; taken (set to null) by the carrier. */
    volatile P nextp;

    /** Whether the hand-off makes this carrier a spinning one (written before {@link #nextp}). */
    boolean grantSpinning;

    /** When the goroutine's current slice on this carrier began, for the trace; 0 when none. Owner only. */
    long sliceFromNs;

    /** The P of that slice (-1: none). Owner thread only. */
    int sliceP;

    /** State of this carrier's xorshift generator (steal order). Owner thread only. */
    private int seed;

    /**
     * A carrier thread; daemon, so that it never keeps the JVM alive.
     *
     * @param group     thread group, may be null
     * @param body      the scheduling loop
     * @param name      thread name
     * @param stackSize Java stack size in bytes, 0 for the JVM's default
     */
    public Carrier(final ThreadGroup group, final Runnable body, final String name, final long stackSize)
    {
        super(group, body, name, stackSize);
        setDaemon(true);
        seed = name.hashCode() | 1;
    }

    /**
     * The calling thread as a carrier, or null on a plain thread. {@code Thread.currentThread()} is an
     * intrinsic, so this is a type check.
     */
    public static Carrier here()
    {
        final Thread t = Thread.currentThread();
        return t instanceof Carrier ? (Carrier) t : null;
    }

    /** A pseudo-random number in {@code [0, n)} (Go's cheaprandn). Owner thread only. */
    int randn(final int n)
    {
        int x = seed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        seed = x;
        return (int)(((x & 0xFFFF_FFFFL) * n) >>> 32);
    }
}
