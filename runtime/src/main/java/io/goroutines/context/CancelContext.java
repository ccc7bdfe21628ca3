package io.goroutines.context;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.Select;
import io.goroutines.internal.sched.Timers;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A context that can be cancelled: {@link Context#withCancel} and, with a deadline and a timer,
 * {@link Context#withDeadline} and {@link Context#withTimeout} (Go's {@code cancelCtx} and
 * {@code timerCtx} in one class: they differ only by the deadline and its timer).
 *
 * <h2>Design (Go's context.go)</h2>
 * Each cancelable context has one small lock guarding its done channel, its error, its set of
 * cancelable children and its timer. A child registers with its nearest cancelable ancestor
 * ({@link #ancestor}; value contexts in between are skipped, as they have no state of their own).
 * {@link #cancel(boolean, RuntimeException)} under the lock closes the done channel, sets the error
 * and cancels every child, recursively, each child's lock taken while the parent's is held; so when
 * a cancel returns, every descendant is done, even if another thread cancelled some of them at the
 * same moment (that thread holds the descendant's lock until it is done with the subtree, and our
 * cancel waits for it). Locks are only ever taken parent before child: a child's own cancel releases
 * its lock before it takes the parent's to leave the parent's set, and registration takes only the
 * parent's. Cancelling is a handful of channel closes, never a wait, so it may run in a timer action
 * on a carrier.
 *
 * <p>The done channel is made lazily, on the first {@link #done()}: a context used only through
 * {@link #err()}, or cancelled before anyone asked, costs no channel (it gets the shared
 * {@link #CLOSED} one). The error is written after the channel is closed, so a thread that reads a
 * non-null error knows the channel is closed; a thread that saw the channel closed and reads a null
 * error (the canceller is between the two writes) takes the lock and waits for the canceller to
 * finish, so {@link #err()} is null exactly until done is closed.
 *
 * <p>Deadlines: the deadline is an {@link Instant}, the timer runs on {@code System.nanoTime()}; the
 * two are related once, at creation, by the difference from {@link Instant#now()}, so a later step of
 * the wall clock does not move the timer (Go's monotonic clock reading plays the same part).
 *
 * <p>A parent that is a context of the user's: when it wraps one of ours and delegates both
 * {@code value(key)} and {@code done()} to it (Go's {@code parentCancelCtx}), the child registers with
 * the wrapped one through the private key {@link #CANCEL_KEY}; otherwise a goroutine waits for the
 * parent's done channel and then cancels the child.
 *
 * <p>Invariants (under the lock):
 * <ul>
 *   <li>{@code err != null} implies {@code done} is non-null and closed, {@code children == null}
 *       and {@code timer == null};</li>
 *   <li>{@code err} never changes once non-null;</li>
 *   <li>a context is in at most one children set, its {@link #ancestor}'s, and only while both are
 *       not done (a context leaves its parent's set before its done channel closes);</li>
 *   <li>locks are taken parent before child, never the other way.</li>
 * </ul>
 */
final class CancelContext implements Context.Cancelable
{
    /**
     * The private key whose {@link Context#value(Object)} is the nearest cancelable context (Go's
     * {@code cancelCtxKey}). No code outside this package can bind or ask for it.
     */
    static final Object CANCEL_KEY = new Object();

    /** Done channel of a context cancelled before anyone asked for it (Go's {@code closedchan}). */
    static final Chan<Void> CLOSED = closedChan();

    /** Longest timeout: keeps nanoTime deadlines far from overflow (about 73 years), as Go.sleep. */
    private static final long MAX_NS = Long.MAX_VALUE >> 2;

    /** The parent. */
    private final Context parent;
    /** The deadline, or null for a context made by {@link Context#withCancel}. */
    private final Instant deadline;
    /** The nearest cancelable ancestor this context is registered with, or null when there is none. */
    private final CancelContext ancestor;
    /** Guards everything below. */
    private final Object lock = new Object();
    /** The done channel, null until asked for or cancelled. Written under lock; read without it. */
    private volatile Chan<Void> done;
    /** Why it is done, null until then. Written under lock after {@link #done} is closed. */
    private volatile RuntimeException err;
    /** Cancelable children registered here, null when none. Guarded by lock. */
    private Set<CancelContext> children;
    /** The deadline's timer while it is pending, else null. Guarded by lock. */
    private Timers.Timer timer;

    /**
     * Creates a context; it is not registered anywhere yet ({@link #propagateCancel()}).
     *
     * @param parent   the parent
     * @param deadline the deadline, or null
     * @param ancestor the nearest cancelable ancestor, or null
     */
    private CancelContext(final Context parent, final Instant deadline, final CancelContext ancestor)
    {
        this.parent = parent;
        this.deadline = deadline;
        this.ancestor = ancestor;
    }

    /**
     * {@link Context#withCancel}.
     *
     * @param parent the parent, not null
     * @return the child
     */
    static CancelContext withCancel(final Context parent)
    {
        final CancelContext c = new CancelContext(parent, null, cancelAncestor(parent));
        c.propagateCancel();
        return c;
    }

    /**
     * {@link Context#withDeadline}.
     *
     * @param parent   the parent, not null
     * @param deadline the deadline, not null
     * @return the child
     */
    static CancelContext withDeadline(final Context parent, final Instant deadline)
    {
        final long nowNs = System.nanoTime();
        final long leftNs = clampNs(Duration.between(Instant.now(), deadline));
        return withDeadline(parent, deadline, nowNs, leftNs);
    }

    /**
     * {@link Context#withTimeout}: the deadline is now plus {@code timeout}, and the timer runs for
     * {@code timeout} from now (no round trip through the wall clock).
     *
     * @param parent  the parent, not null
     * @param timeout the timeout, not null
     * @return the child
     */
    static CancelContext withTimeout(final Context parent, final Duration timeout)
    {
        final long nowNs = System.nanoTime();
        final long leftNs = clampNs(timeout);
        return withDeadline(parent, Instant.now().plusNanos(leftNs), nowNs, leftNs);
    }

    /**
     * Go's {@code WithDeadlineCause}.
     *
     * @param parent   the parent
     * @param deadline the deadline to report
     * @param nowNs    nanoTime when {@code leftNs} was measured
     * @param leftNs   time left until the deadline, 0 when it has passed
     * @return the child
     */
    private static CancelContext withDeadline(
        final Context parent, final Instant deadline, final long nowNs, final long leftNs)
    {
        final Optional<Instant> current = parent.deadline();
        if (current.isPresent() && current.get().isBefore(deadline))
        {
            return withCancel(parent); // the parent's deadline comes first and will cancel the child
        }
        final CancelContext c = new CancelContext(parent, deadline, cancelAncestor(parent));
        c.propagateCancel();
        if (leftNs <= 0)
        {
            c.cancel(true, DEADLINE_EXCEEDED); // no effect when the parent was done: its error stays
            return c;
        }
        c.startTimer(nowNs + leftNs);
        return c;
    }

    /** {@inheritDoc} */
    @Override
    public RecvChan<Void> done()
    {
        final Chan<Void> d = done; // acquire; pairs with the write under lock
        if (null != d)
        {
            return d;
        }
        synchronized (lock)
        {
            Chan<Void> made = done;
            if (null == made) // not cancelled yet (cancel leaves CLOSED here)
            {
                made = Chan.make();
                done = made;
            }
            return made;
        }
    }

    /** {@inheritDoc} */
    @Override
    public RuntimeException err()
    {
        final RuntimeException e = err; // acquire; written after done was closed
        if (null != e)
        {
            return e;
        }
        synchronized (lock)
        {
            return err; // waits for a cancel that closed done but has not set err yet
        }
    }

    /** {@inheritDoc} */
    @Override
    public Optional<Instant> deadline()
    {
        return null == deadline ? parent.deadline() : Optional.of(deadline);
    }

    /** {@inheritDoc} */
    @Override
    public Object value(final Object key)
    {
        return CANCEL_KEY == key ? this : ValueContext.lookup(parent, key);
    }

    /** {@inheritDoc} */
    @Override
    public void cancel()
    {
        cancel(true, CANCELED);
    }

    /** {@inheritDoc} */
    @Override
    public String toString()
    {
        if (null == deadline)
        {
            return parent + ".WithCancel";
        }
        return parent + ".WithDeadline(" + deadline + " [" + Duration.between(Instant.now(), deadline) + "])";
    }

    /** The parent, for {@link ValueContext#lookup}. */
    Context parent()
    {
        return parent;
    }

    /** Cancelable children registered here, for tests. */
    int children()
    {
        synchronized (lock)
        {
            return null == children ? 0 : children.size();
        }
    }

    /** The pending deadline timer, or null, for tests. */
    Timers.Timer timer()
    {
        synchronized (lock)
        {
            return timer;
        }
    }

    /**
     * Makes this context done with {@code e}, with every descendant, unless it is done already. Never
     * waits except for the brief locks of this context and its descendants.
     *
     * @param removeFromParent whether to leave the ancestor's children set (false when the ancestor
     *                         itself is cancelling, or when this context was never registered)
     * @param e                {@link Context#CANCELED} or {@link Context#DEADLINE_EXCEEDED}
     */
    void cancel(final boolean removeFromParent, final RuntimeException e)
    {
        final CancelContext from = removeFromParent ? ancestor : null;
        final Timers.Timer t;
        if (null == from)
        {
            t = cancelSelf(e);
        }
        else
        {
            // Go leaves the parent's set after closing done; we leave it first, under the parent's
            // lock (parent before child, the order the parent's own cancel takes them), so that whoever
            // sees this context done finds it out of its parent's set already.
            synchronized (from.lock)
            {
                if (null != from.children)
                {
                    from.children.remove(this);
                }
                t = cancelSelf(e);
            }
        }
        Timers.cancel(t); // a pending timer no longer holds this context
    }

    /**
     * Closes done, records {@code e} and cancels the children, unless this context is done already.
     *
     * @param e the error
     * @return the timer to cancel, or null
     */
    private Timers.Timer cancelSelf(final RuntimeException e)
    {
        synchronized (lock)
        {
            if (null != err)
            {
                return null;
            }
            final Chan<Void> d = done;
            if (null == d)
            {
                done = CLOSED;
            }
            else
            {
                d.close();
            }
            err = e; // release, after the close: whoever reads err non-null finds done closed
            final Set<CancelContext> kids = children;
            children = null;
            if (null != kids)
            {
                for (final CancelContext child : kids)
                {
                    child.cancel(false, e); // the child's lock inside ours: always parent first
                }
            }
            final Timers.Timer t = timer;
            timer = null;
            return t;
        }
    }

    /**
     * Go's {@code propagateCancel}: arranges for this new context to be cancelled with its parent.
     * Registers with {@link #ancestor}, or is done at once when the parent is, or (a parent of the
     * user's) starts a goroutine that waits for the parent. Nothing for a parent never cancelled.
     */
    private void propagateCancel()
    {
        if (null != ancestor)
        {
            ancestor.adopt(this);
            return;
        }
        final RecvChan<Void> parentDone = parent.done();
        if (null == parentDone || EmptyContext.NEVER == parentDone)
        {
            return; // background (possibly behind values or a wrapper): never cancelled
        }
        if (null != parentDone.tryRecv())
        {
            cancel(false, errOf(parent));
            return;
        }
        watch(parentDone);
    }

    /**
     * Cancels this context when a parent of the user's is done, from a goroutine of its own.
     *
     * @param parentDone the parent's done channel
     */
    private void watch(final RecvChan<Void> parentDone)
    {
        // Go's propagateCancel: select { case <-parent.Done(): cancel; case <-child.Done(): }, so the
        // watcher also ends when this child is cancelled first.
        final RecvChan<Void> childDone = done();
        Go.go(() -> Select.select(
            Select.recv(parentDone, v -> cancel(false, errOf(parent))),
            Select.recv(childDone, null)));
    }

    /**
     * Registers a new child, or cancels it at once when this context is done already.
     *
     * @param child the child, whose lock the caller does not hold
     */
    private void adopt(final CancelContext child)
    {
        final RuntimeException e;
        synchronized (lock)
        {
            e = err;
            if (null == e)
            {
                if (null == children)
                {
                    children = new HashSet<>(); // identity: CancelContext keeps Object's equals
                }
                children.add(child);
                return;
            }
        }
        child.cancel(false, e);
    }

    /**
     * Arms the deadline timer, unless the context is done already (then the timer is dropped). The
     * timer is made outside the lock, so that no lock of ours is held while the scheduler's are taken.
     *
     * @param deadlineNs when it fires, in nanoTime
     */
    private void startTimer(final long deadlineNs)
    {
        final Timers.Timer t = Timers.schedule(deadlineNs, this::expire);
        synchronized (lock)
        {
            if (null == err)
            {
                timer = t;
                return;
            }
        }
        Timers.cancel(t); // cancelled meanwhile (by its parent or its owner): release the timer
    }

    /** The deadline timer's action, run on a carrier: short, and it throws nothing. */
    private void expire()
    {
        cancel(true, DEADLINE_EXCEEDED);
    }

    /**
     * Go's {@code parentCancelCtx}: the cancelable context a child of {@code parent} registers with.
     * Our own value contexts are looked through; a context of the user's counts only when it hands
     * out one of ours for {@link #CANCEL_KEY} and delegates {@code done()} to it too (a wrapper that
     * has a done channel of its own must be watched instead).
     *
     * @param parent the parent
     * @return the ancestor, or null
     */
    private static CancelContext cancelAncestor(final Context parent)
    {
        final Object found = ValueContext.lookup(parent, CANCEL_KEY);
        if (!(found instanceof CancelContext))
        {
            return null;
        }
        final CancelContext p = (CancelContext)found;
        if (p == parent || isOwnChain(parent, p))
        {
            return p;
        }
        return parent.done() == p.done() ? p : null;
    }

    /**
     * Whether {@code ancestor} is reached from {@code c} through value contexts of ours only.
     *
     * @param c        where to start
     * @param ancestor the cancelable context found for {@link #CANCEL_KEY}
     * @return true when no context of the user's lies in between
     */
    private static boolean isOwnChain(final Context c, final CancelContext ancestor)
    {
        Context k = c;
        while (k instanceof ValueContext)
        {
            k = ((ValueContext)k).parent();
        }
        return k == ancestor;
    }

    /**
     * The error of a done parent of the user's; {@link Context#CANCELED} if it (wrongly) says null.
     *
     * @param parent the parent
     * @return the error to cancel the child with
     */
    private static RuntimeException errOf(final Context parent)
    {
        final RuntimeException e = parent.err();
        return null == e ? CANCELED : e;
    }

    /**
     * Converts a duration to nanoseconds for the timer: 0 when zero or negative, at most
     * {@link #MAX_NS}.
     *
     * @param d the duration
     * @return nanoseconds in {@code [0, MAX_NS]}
     */
    private static long clampNs(final Duration d)
    {
        if (d.isNegative() || d.isZero())
        {
            return 0;
        }
        return d.compareTo(Duration.ofNanos(MAX_NS)) > 0 ? MAX_NS : d.toNanos();
    }

    /** Makes {@link #CLOSED}. */
    private static Chan<Void> closedChan()
    {
        final Chan<Void> c = Chan.make();
        c.close();
        return c;
    }
}
