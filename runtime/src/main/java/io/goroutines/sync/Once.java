package io.goroutines.sync;

import io.goroutines.Action;
import io.goroutines.annotation.Goroutine;

/**
 * Go's {@code sync.Once}: runs an action exactly once. {@code new Once()} is the zero value, not
 * yet done.
 *
 * <h2>Design (Go's sync/once.go)</h2>
 * A volatile {@code done} flag and a {@link Mutex}. The fast path, once done, is one volatile read.
 * Otherwise the caller takes the mutex, checks {@code done} again, and runs the action while
 * holding it, so concurrent callers wait in {@link Mutex#lock()} (parking, not holding a carrier)
 * until the action has returned, and the mutex's unlock-before-lock order makes the action's
 * effects visible to them. {@code done} is set in a {@code finally}: an action that throws counts
 * as done, its exception reaches its own caller, and the callers waiting meanwhile return normally
 * without running anything (Go: "if f panics, Do considers it to have returned"). Calling
 * {@code run} from inside the action waits forever, as in Go.
 *
 * <p>Rejected: a CAS on {@code done} as the only guard (Go's comment on {@code Do}): the losers
 * would return before the winner's action has finished. A Java monitor around the action: it
 * would be held across the action's parks.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code done} goes from false to true once, after the action has returned or thrown, with
 *       the mutex held;</li>
 *   <li>the action runs at most once.</li>
 * </ul>
 */
public final class Once
{
    /** Serialises the slow path; held while the action runs. */
    private final Mutex mutex = new Mutex();
    /** Whether the action has run (or thrown). Written with {@link #mutex} held. */
    private volatile boolean done;

    /**
     * Runs {@code action} if no call of this {@code Once} has run one yet; otherwise does nothing,
     * after waiting for a call that is running its action to return. A null action fails as a
     * throwing action does: it counts as done.
     *
     * @param action the body; any exception it throws reaches this caller
     */
    @Goroutine
    public void run(final Action action)
    {
        if (!done) // acquire; pairs with the write of done
        {
            runSlow(action);
        }
    }

    /** Whether the action has run, for tests. */
    boolean isDone()
    {
        return done;
    }

    /** The first call, or a caller racing it: run the action under the mutex unless done. */
    @Goroutine
    private void runSlow(final Action action)
    {
        mutex.lock();
        try
        {
            if (!done)
            {
                try
                {
                    action.run();
                }
                finally
                {
                    done = true; // release: later fast paths see the action's effects
                }
            }
        }
        finally
        {
            mutex.unlock();
        }
    }
}
