package io.goroutines.internal.sched;

/**
 * How a hand-written leaf ({@link Leaf}: {@code Chan.send}, {@code Chan.recv},
 * {@link Waiter#await}, {@code WaitGroup.await}; {@code Select.select} only forwards) waits on a {@link Waiter} without a saved frame of its own: the wait loop of
 * {@link Suspend}'s leaves, cut where a rewritten method would save itself.
 *
 * <p>A leaf starts with {@link #enter}, which tells it how it was called:
 * <ul>
 *   <li>{@code SIG_CALL}: armed, by rewritten code (the token is taken). It does its work; when it
 *       must wait it queues its waiter and calls {@link #park}: when that returns false the goroutine
 *       is unwinding, and the leaf returns at once (any value: its caller saves itself and returns
 *       too). The waiter stays in the goroutine ({@code G.leafWait}) until the park is over.</li>
 *   <li>{@code SIG_RESUME}: the rewind reached it again (its caller passes the same receiver and
 *       arguments, which a virtual call saves). {@link #resumed} gives back the waiter;
 *       {@link #parkUntilDone} either finds it done (the leaf finishes the operation as after a
 *       park) or parks again (a spurious wake-up).</li>
 *   <li>{@code SIG_NONE}: a plain thread, or a goroutine that a frame further out pins. It waits
 *       with {@link #block}, which blocks the thread (or the carrier, pinned, as a leaf of
 *       {@link Suspend} does, reporting the site to {@code Pinning}).</li>
 * </ul>
 * A leaf may also hand its call to a rewritten method ({@link #forward}): the token it was called
 * with becomes that method's, so the method runs armed and can park with frames of its own; on
 * the rewind the leaf passes {@code SIG_RESUME} through to it. The leaf must take that path before
 * {@link #enter}, on a condition that cannot change between the call and the resume (a final field),
 * or always take it when {@link #resuming} (then only that method can have parked). A leaf that
 * finishes without the method takes its token ({@link #take}).
 *
 * <p>Invariants: {@code G.leafWait} is non-null only while a leaf's park is in progress (from the
 * unwind to the resume that finds the waiter done); a goroutine waits in at most one leaf at a time.
 */
public final class LeafWaits
{
    private LeafWaits()
    {
    }

    /**
     * A leaf's entry: {@code SIG_CALL} when armed with {@code token} (taken), {@code SIG_RESUME} when
     * the rewind reached it (the signal is cleared and the wake-up permit consumed), {@code SIG_NONE}
     * on a plain thread ({@code g == null}) or when not armed (pinned).
     *
     * @param g     the current goroutine, or null
     * @param token the leaf's token ({@link Tokens#of})
     * @return how the leaf was called
     * @throws IllegalStateException when the goroutine is unwinding: a frame ignored the signal
     */
    public static int enter(final G g, final int token)
    {
        if (null == g)
        {
            return G.SIG_NONE;
        }
        final Carrier c = (Carrier) Thread.currentThread(); // g is its current goroutine
        switch (G.leafSig(c, token))
        {
            case G.SIG_CALL:
                c.sig = G.SIG_NONE;
                return G.SIG_CALL;
            case G.SIG_RESUME:
                c.sig = G.SIG_NONE;
                g.consumePermit(); // the wake-up that made it runnable (merged with any since)
                return G.SIG_RESUME;
            case G.SIG_NONE:
                return G.SIG_NONE;
            default:
                throw new IllegalStateException("sched: a leaf was called while " + g + " is unwinding (sig=" + c.sig
                    + "): a frame ignored SIG_UNWIND after a suspendable call");
        }
    }

    /**
     * Armed: begins the wait on {@code w} (queued by the caller) and parks.
     *
     * @param g  the current goroutine (the leaf was entered with {@code SIG_CALL})
     * @param w  its waiter, already queued
     * @param on what it waits on, for deadlock reports ({@link G#waitingOn}), or null
     * @return true when {@code w} is done already (the leaf goes on), false when the goroutine is
     *         unwinding (the leaf returns at once)
     */
    public static boolean park(final G g, final Waiter w, final Object on)
    {
        w.begin(on);
        return parkUntilDone(g, w);
    }

    /**
     * After {@code SIG_RESUME}: the waiter of the park in progress.
     *
     * @param g the current goroutine
     * @return the waiter the leaf parked on
     * @throws IllegalStateException when no park of a leaf is in progress: the leaf was resumed out of order
     */
    public static Waiter resumed(final G g)
    {
        final Waiter w = g.leafWait;
        if (null == w)
        {
            throw new IllegalStateException("sched: a leaf of " + g + " was resumed but did not park");
        }
        return w;
    }

    /**
     * Armed or resumed: true when {@code w} is done (the wait is over); otherwise, unless a wake-up
     * permit is there (then it looks again), parks: keeps {@code w} in the goroutine, asks the
     * scheduler to park it when the root returns and starts the unwind, and returns false.
     *
     * @param g the current goroutine
     * @param w its waiter
     * @return whether the wait is over
     */
    public static boolean parkUntilDone(final G g, final Waiter w)
    {
        for (;;)
        {
            if (w.isDone())
            {
                g.leafWait = null;
                w.end();
                return true;
            }
            if (0 == g.consumePermit())
            {
                g.leafWait = w;
                g.unwindAction = G.ACTION_PARK;
                G.sig(G.SIG_UNWIND);
                return false;
            }
        }
    }

    /**
     * Not armed ({@code SIG_NONE}): the wait loop that blocks a plain thread, or the carrier of a
     * pinned goroutine.
     *
     * @param w    the waiter, already queued
     * @param lock the lock that guards its queue (null for a select)
     * @param on   what it waits on, for deadlock reports, or null
     */
    public static void block(final Waiter w, final RtLock lock, final Object on)
    {
        w.begin(on);
        while (!w.isDone())
        {
            try
            {
                Suspend.park(); // a plain call: it blocks the thread, or pins
            }
            catch (final RuntimeException ex)
            {
                w.refused(lock, ex);
            }
            w.parked(lock);
        }
        w.end();
    }

    /**
     * Whether the rewind reached the leaf ({@code SIG_RESUME}): then a leaf that forwards its calls
     * ({@link #forward}) must call the same rewritten method as before its park. Nothing is consumed.
     *
     * @param g the current goroutine, or null
     * @return whether {@code g} is being rewound
     */
    public static boolean resuming(final G g)
    {
        return null != g && G.SIG_RESUME == G.sig();
    }

    /**
     * A leaf that forwards its calls finishes without calling the rewritten method: takes its token
     * if it was armed, as a leaf's entry does.
     *
     * @param g     the current goroutine, or null
     * @param token the leaf's token
     */
    public static void take(final G g, final int token)
    {
        if (null != g && token == G.sig())
        {
            G.sig(G.SIG_NONE);
        }
    }

    /**
     * Hands a leaf's call to a rewritten method: when the leaf's own token is armed, arms
     * {@code to} instead; any other signal ({@code SIG_RESUME} on the rewind, none) stays as it is.
     *
     * @param g    the current goroutine, or null
     * @param from the leaf's token
     * @param to   the token of the rewritten method it calls next
     */
    public static void forward(final G g, final int from, final int to)
    {
        if (null != g && from == G.sig())
        {
            G.sig(to);
        }
    }
}
