package io.goroutines.internal.sched;

import io.goroutines.internal.stack.Frames;

/**
 * A goroutine: its saved frames, the signal word that rewritten code and the runtime use to
 * unwind and rewind it, and its scheduling state.
 *
 * <h2>The handshake between rewritten frames (what the agent emits)</h2>
 * Every rewritten ({@code @Goroutine}) method starts with {@code G g = G.current()}. Then:
 * <ul>
 *   <li>{@code sig == SIG_CALL}: its caller is rewritten code that armed the call; the method sets
 *       {@code sig = SIG_NONE} and runs as a suspendable frame.</li>
 *   <li>{@code sig == SIG_RESUME}: the goroutine is being rewound; the method pops its record from
 *       {@link #frames}, restores its locals and operand stack and re-invokes its callee (which sees
 *       {@code SIG_RESUME} in turn). The innermost leaf ({@link Suspend}) sets {@code SIG_NONE}.</li>
 *   <li>otherwise ({@code SIG_NONE}): it was entered from code that was not rewritten (reflection,
 *       a JDK callback, a non-{@code @Goroutine} interface): it sets its local {@code g} to null and
 *       runs as plain code, so that a park anywhere below it blocks the carrier (pins) instead of
 *       unwinding through a frame that cannot be resumed.</li>
 * </ul>
 * Before each suspendable call a suspendable frame sets {@code sig = SIG_CALL}; after the call it
 * tests {@code sig != SIG_NONE} (one field read and a branch on the fast path):
 * {@code SIG_UNWIND} means the callee parked: save this frame, return a dummy value;
 * {@code SIG_CALL} means the callee was not rewritten and never took the token: clear it.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code sig} is only read and written by the carrier running this goroutine;</li>
 *   <li>{@code sig == SIG_UNWIND} only between a leaf's decision to park and the scheduler seeing
 *       the goroutine's root call return;</li>
 *   <li>{@code sig == SIG_RESUME} only between the scheduler re-entering the root and the leaf.</li>
 * </ul>
 */
public final class G
{
    /** No call in flight: a frame entered now was not called by rewritten code. */
    public static final int SIG_NONE = 0;
    /** Token: rewritten code is calling a suspendable method. */
    public static final int SIG_CALL = 1;
    /** The goroutine is unwinding to park: every frame saves itself and returns. */
    public static final int SIG_UNWIND = 2;
    /** The goroutine is being rewound: every frame restores itself and re-invokes its callee. */
    public static final int SIG_RESUME = 3;

    /** The signal word (see the class comment). Owner thread only. */
    public int sig;

    /** Set by the monitor when this goroutine has run past its time slice; read at back-edges. */
    public volatile boolean preempt;

    /** Saved frames while parked. */
    public final Frames frames = new Frames();

    /**
     * The goroutine running on the current thread, or null on a plain thread.
     * {@code Thread.currentThread()} is an intrinsic, so this is a few instructions.
     */
    public static G current()
    {
        final Thread t = Thread.currentThread();
        return t instanceof Carrier ? ((Carrier) t).current : null;
    }
}
