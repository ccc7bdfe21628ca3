package io.goroutines.internal.sched;

import io.goroutines.Task;
import io.goroutines.internal.stack.Frames;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A goroutine: its saved frames, its scheduling state, and the protocol by which rewritten code and
 * the runtime unwind and rewind it through the signal word of the carrier that runs it
 * ({@link Carrier#sig}: a goroutine's signal lives on its carrier while it runs, see there why).
 *
 * <p>It is its own frame store: a G is a {@link Frames}, as Go's {@code g} holds its stack. A store of
 * its own cost a parked goroutine an object header and a reference (one waiting in
 * {@code Chan.recv} took 360 bytes of heap with it, 345 without), and every rewritten frame a field
 * load at each save and each restore; the rewritten code calls the store's methods on the {@code G}
 * it reads from its carrier.
 *
 * <h2>The handshake between rewritten frames (what the agent emits)</h2>
 * Every rewritten ({@code @Goroutine}) method starts with {@code Carrier c = Carrier.here()} and,
 * on a carrier, looks at {@code sig} ({@code c.sig}):
 * <ul>
 *   <li>{@code sig ==} its own token ({@link Tokens}: {@code SIG_CALL} tagged with a hash of the
 *       method's name and descriptor): its caller is rewritten code that armed the call; the method
 *       sets {@code sig = SIG_NONE} and runs as a suspendable frame.</li>
 *   <li>{@code sig == SIG_RESUME}: the goroutine is being rewound; the method pops its record from
 *       its saved frames ({@code c.current}), restores its locals and operand stack and re-invokes its
 *       callee (which sees {@code SIG_RESUME} in turn). The innermost leaf ({@link Suspend}) sets
 *       {@code SIG_NONE}.</li>
 *   <li>otherwise ({@code SIG_NONE}, or another method's token): it was entered from code that was
 *       not rewritten (reflection,
 *       a JDK callback, a non-{@code @Goroutine} interface): it sets its local {@code c} to null and
 *       runs as plain code, so that a park anywhere below it blocks the carrier (pins) instead of
 *       unwinding through a frame that cannot be resumed.</li>
 * </ul>
 * Before each suspendable call a suspendable frame sets {@code sig} to the callee's token; after the call it
 * tests {@code sig != SIG_NONE} (one field read and a branch on the fast path):
 * {@code SIG_UNWIND} means the callee parked: save this frame, return a dummy value;
 * a token means the callee was not rewritten and never took it: clear it.
 *
 * <h2>Scheduling states (who owns the continuation)</h2>
 * The state word {@link #state} says who may run the goroutine and touch its signal and
 * the saved frames; it changes only through {@link #casState(int, int)}, except for the dequeuing
 * carrier's RUNNABLE -> RUNNING ({@link #startRunning()}):
 * <pre>
 *   RUNNABLE --(carrier dequeues)--> RUNNING --(root returns, park committed)--> WAITING
 *      ^                              |  |  ^                                      |
 *      |                              |  |  +---- woken during the unwind ---------+ (same carrier)
 *      +----(root returns, yield)-----+  |                                         |
 *      +-------------------------(Sched.unpark wins the CAS)-----------------------+
 *                                        +--(pinned park)--> PINNED --(permit)--> RUNNING
 *   RUNNING --(root returns normally or throws)--> DEAD
 * </pre>
 * There is no separate "parking" state: while a goroutine unwinds towards its root it is still
 * {@link #RUNNING}, so a concurrent {@link Sched#unpark(G)} only leaves a {@link #permit}; the
 * carrier commits the park after the root returned (state {@link #WAITING}, then a re-check of the
 * permit), as Go's {@code gopark} runs its unlock function only after switching off the goroutine.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code sig} is only read and written by the carrier running this goroutine;</li>
 *   <li>{@code sig == SIG_UNWIND} only between a leaf's decision to park and the scheduler seeing
 *       the goroutine's root call return;</li>
 *   <li>{@code sig == SIG_RESUME} only between the scheduler re-entering the root and the leaf;</li>
 *   <li>{@code state == RUNNABLE} iff the goroutine is on a run queue (or being put there by the
 *       one thread that won the transition to it): it is never queued twice;</li>
 *   <li>{@code state == WAITING} implies {@code sig == SIG_NONE} and the frames are complete.</li>
 * </ul>
 */
public final class G extends Frames
{
    /** No call in flight: a frame entered now was not called by rewritten code. */
    public static final int SIG_NONE = 0;
    /** Token: rewritten code is calling a suspendable method. */
    public static final int SIG_CALL = 1;
    /** The goroutine is unwinding to park: every frame saves itself and returns. */
    public static final int SIG_UNWIND = 2;
    /** The goroutine is being rewound: every frame restores itself and re-invokes its callee. */
    public static final int SIG_RESUME = 3;

    /** On a run queue, or about to be put on one by the thread that made it runnable. The queue owns it. */
    public static final int RUNNABLE = 0;
    /** A carrier runs it (or it is unwinding to park or yield): that carrier owns sig and frames. */
    public static final int RUNNING = 1;
    /** Parked after a complete unwind; frames saved; nobody owns it until an unpark CASes it to RUNNABLE. */
    public static final int WAITING = 2;
    /** Parked while pinned: its carrier thread is blocked in the leaf and still owns it. */
    public static final int PINNED = 3;
    /** Finished (returned or threw). Nobody owns it; an unpark is ignored. */
    public static final int DEAD = 4;

    /** Unwind action: park until unparked. */
    static final byte ACTION_PARK = 1;
    /** Unwind action: go to the back of the run queue (Gosched, preemption). */
    static final byte ACTION_YIELD = 2;

    /** Access to {@link #state}. */
    private static final VarHandle STATE;
    /** Access to {@link #permit}. */
    private static final VarHandle PERMIT;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(G.class, "state", int.class);
            PERMIT = lookup.findVarHandle(G.class, "permit", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Goroutine id: 1 is the main goroutine, others count up from 2; 0 for a bare G (tests). */
    public final long id;

    /** The root call; null once the goroutine is dead (nothing stays reachable from a dead G). */
    Task task;

    /** Scheduling state, one of RUNNABLE..DEAD; see the class comment. Changed by casState only. */
    private volatile int state;

    /** Wake-up permit, 0 or 1, as LockSupport's: set by unpark, consumed by a park. */
    private volatile int permit;

    /** The carrier that runs (or last ran) this goroutine; written before the state that publishes it. */
    volatile Carrier carrier;

    /** False until the root was entered once: the first entry is a call, later ones resume. Owner only. */
    boolean started;

    /** Whether the root is entered with the token (SIG_CALL): true when the root is rewritten code. */
    boolean armedRoot;

    /** What the scheduler does when the root returns with SIG_UNWIND: ACTION_PARK or ACTION_YIELD. Owner only. */
    byte unwindAction; // a byte: with it the object is 88 bytes, not 96 (a parked goroutine must stay small)

    /** Next goroutine in the global run queue. Guarded by that queue's lock. */
    G schedLink;

    /** Timer of a parkNanos in progress, cancelled on resume. Owner only. */
    Timers.Timer parkTimer;

    /**
     * The waiter a hand-written leaf ({@link Leaf}) parked on, kept here across the unwind because
     * such a leaf saves no frame; null otherwise. Owner only ({@link LeafWaits}).
     */
    Waiter leafWait;

    /** Called once when the goroutine is dead, with its failure or null (the main goroutine's waiter); may be null. */
    Consumer<Throwable> onExit;

    /**
     * Why the goroutine waits, in Go's words ("chan receive"), for dumps; null while running. Written
     * by the goroutine itself before it parks; a plain field (a park costs no extra fence): a dump
     * reads it after the state, whose release at the park's commit publishes it.
     */
    public String waitReason;

    /**
     * What it waits on while parked in a primitive (the channel, mutex, WaitGroup...; for a select,
     * an {@code Object[]} of its channels), null otherwise: deadlock reports name who can reach it.
     * Written with {@link #waitReason}, published the same way.
     */
    public Object waitingOn;

    /** Its entry in the registry of goroutines (dumps, leaks), made at its first park; null before. */
    GRecord record;

    /** The frame that started it ({@code com.example.Main.main(Main.java:17)}), or null (main). */
    String createdBy;

    /** Id of the goroutine that started it, 0 for a plain thread. */
    long parentId;

    /**
     * Parks committed so far. Written by the owner before the release store of {@link #WAITING};
     * a dump copies the frames between two reads of it and keeps the copy only when they agree.
     */
    int parkSeq;

    /** The frame that started this goroutine ({@code created by}), or null (main, bare). */
    public String createdBy()
    {
        return createdBy;
    }

    /** A bare goroutine with id 0 and no task: for tests of rewritten code that drive it by hand. */
    public G()
    {
        this(0, null);
        this.state = RUNNING;
    }

    /**
     * A new runnable goroutine.
     *
     * @param id   its id
     * @param task its root call
     */
    G(final long id, final Task task)
    {
        this.id = id;
        this.task = task;
        this.state = RUNNABLE;
    }

    /**
     * Before a suspendable call in rewritten code: arms the call's token ({@link Tokens}), unless the
     * frame runs as plain code ({@code c == null}). Emitted by the agent; a few bytes of bytecode,
     * inlined by the JIT.
     */
    public static void arm(final Carrier c, final int token)
    {
        if (null != c)
        {
            c.sig = token;
        }
    }

    /**
     * At the start of an exception handler of rewritten code: drops a token that a call left armed
     * when it threw before its callee took it (a null receiver, a failed class initialisation).
     */
    public static void clearCall(final Carrier c)
    {
        if (null != c && Tokens.isCall(c.sig))
        {
            c.sig = SIG_NONE;
        }
    }

    /**
     * A leaf's view of the signal: {@code SIG_CALL} when the leaf's own token is armed,
     * {@code SIG_RESUME} or {@code SIG_UNWIND} as they are, and {@code SIG_NONE} for anything else
     * (not armed, or a token meant for another method: the leaf then runs pinned).
     */
    static int leafSig(final Carrier c, final int token)
    {
        final int s = c.sig;
        if (s == token)
        {
            return SIG_CALL;
        }
        return s == SIG_RESUME || s == SIG_UNWIND ? s : SIG_NONE;
    }

    /** After a suspendable call in rewritten code: whether the slow path must look at the signal. */
    public static boolean signalled(final Carrier c)
    {
        return null != c && SIG_NONE != c.sig;
    }

    /**
     * The slow path after a suspendable call: true when the callee parked (this frame must save
     * itself and return); otherwise the callee was not rewritten and left the token: it is dropped.
     */
    public static boolean unwinding(final Carrier c)
    {
        if (SIG_UNWIND == c.sig)
        {
            return true;
        }
        c.sig = SIG_NONE;
        return false;
    }

    /**
     * At a preemption point of rewritten code, once {@link #preemptRequested} said yes: clears the
     * request and starts a yield (the frame then saves itself and returns, and so do its callers up
     * to the root; the scheduler puts the goroutine on the global queue). What the leaf
     * {@code Suspend.preempt()} does when armed, without a call left in the loop.
     */
    public static void preempted(final Carrier c)
    {
        c.preempt = false;
        Suspend.requeue(c);
    }

    /** At a loop back-edge of rewritten code: whether the goroutine should yield now. */
    public static boolean preemptRequested(final Carrier c)
    {
        return null != c && c.preempt;
    }

    /**
     * Entry of a suspendable method that cannot suspend (synchronized, too large to rewrite, or with
     * no suspendable call): takes the caller's token if it is this method's ({@code token}), so that
     * it cannot be mistaken for a token by a rewritten method called further down through
     * non-rewritten code. Emitted by the agent.
     */
    public static void consume(final int token)
    {
        final Carrier c = Carrier.here();
        if (null != c && c.sig == token)
        {
            c.sig = SIG_NONE;
        }
    }

    /**
     * The signal word of the calling carrier, for runtime code that runs a goroutine ({@code g !=
     * null} from {@link #current()}, so the thread is its carrier). Owner thread only.
     */
    static int sig()
    {
        return ((Carrier) Thread.currentThread()).sig;
    }

    /** Sets the calling carrier's signal word (see {@link #sig()}). Owner thread only. */
    static void sig(final int value)
    {
        ((Carrier) Thread.currentThread()).sig = value;
    }

    /**
     * The goroutine running on the current thread, or null on a plain thread.
     * {@code Thread.currentThread()} is an intrinsic, so this is a few instructions.
     */
    public static G current()
    {
        final Carrier c = Carrier.here();
        return null == c ? null : c.current;
    }

    /** The scheduling state (volatile read). */
    public int state()
    {
        return state;
    }

    /**
     * The only way to change the scheduling state.
     *
     * @param expected the state the caller believes the goroutine is in
     * @param next     the state to move to
     * @return true when the transition happened (volatile semantics)
     */
    public boolean casState(final int expected, final int next)
    {
        return STATE.compareAndSet(this, expected, next);
    }

    /** Sets the permit (volatile write); pairs with the state read that follows it in unpark. */
    void svPermit()
    {
        permit = 1;
    }

    /** Reads the permit (volatile read). */
    int lvPermit()
    {
        return permit;
    }

    /**
     * Takes the permit: returns 1 when one was there (it is now gone), else 0. Owner only. A plain
     * read first, so that the common case (no permit) writes nothing; a permit that is there is
     * taken with an atomic exchange, never with a read and a separate store. With a separate store,
     * an unpark that lands between the two would be overwritten without being read: its waker's
     * condition (written before its {@code svPermit}) need not be visible yet, so the goroutine
     * could find it false, park again, and never be woken (a lost wake-up, seen under CPU
     * starvation with a stale permit left by an earlier unpark of a running goroutine). The
     * exchange either reads that unpark's write, and so sees everything written before it, or
     * leaves it for the next park.
     */
    int consumePermit()
    {
        if (0 == permit)
        {
            return 0;
        }
        return (int)PERMIT.getAndSet(this, 0);
    }

    /**
     * RUNNABLE -> RUNNING by the carrier that took the goroutine from a run queue. A release store,
     * not a CAS: a RUNNABLE goroutine belongs to whoever dequeued it, and no other thread changes
     * the state of a RUNNABLE goroutine (unpark only acts on WAITING and PINNED).
     *
     * @return false when the goroutine was not RUNNABLE (a scheduler bug)
     */
    boolean startRunning()
    {
        if (RUNNABLE != state)
        {
            return false;
        }
        STATE.setRelease(this, RUNNING);
        return true;
    }

    /** Id and state for messages. */
    @Override
    public String toString()
    {
        return "goroutine " + id + " [" + stateName(state) + "]";
    }

    /** The name of a state constant, for messages. */
    static String stateName(final int state)
    {
        switch (state)
        {
            case RUNNABLE:
                return "runnable";
            case RUNNING:
                return "running";
            case WAITING:
                return "waiting";
            case PINNED:
                return "pinned";
            case DEAD:
                return "dead";
            default:
                return "state " + state;
        }
    }
}
