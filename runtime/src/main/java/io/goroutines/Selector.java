package io.goroutines;

import io.goroutines.internal.sched.RtLock;
import io.goroutines.internal.sched.Waiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one waiter a blocked {@link Select} parks on, whatever case wakes it (Go's {@code g} with its
 * {@code selectDone} flag). Each case has its own {@link Sudog} queued on its channel; the first
 * waker to claim the selector (one CAS of {@link #winner}) commits the select to that case, and every
 * other waker drops its entry. A plain thread that is interrupted, or a pinned park that throws,
 * claims it for nobody ({@link #withdraw(RtLock)}), so that no case can commit after it gave up.
 *
 * <p>Invariants: {@code winner} goes from null to a case's sudog or to {@link #WITHDRAWN}, once; the
 * selector is done only after its winner was set.
 */
final class Selector extends Waiter
{
    /** The winner of a select that gave up. */
    private static final Object WITHDRAWN = new Object();
    /** Access to {@link #winner}. */
    private static final VarHandle WINNER;

    static
    {
        try
        {
            WINNER = MethodHandles.lookup().findVarHandle(Selector.class, "winner", Object.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The entries queued, by case index (null for cases not queued). */
    final SelectEntry[] entries;
    /** The case's sudog that committed the select, {@link #WITHDRAWN}, or null while undecided. */
    private volatile Object winner;

    /**
     * A selector for the current goroutine or thread.
     *
     * @param reason Go's wait reason: "select", or "select (no cases)"
     * @param cases  number of cases
     */
    Selector(final String reason, final int cases)
    {
        super(reason);
        this.entries = new SelectEntry[cases];
    }

    /** Commits the select to the case of {@code s}; false when it had committed already. */
    boolean claim(final SelectEntry s)
    {
        return WINNER.compareAndSet(this, null, s);
    }

    /** The case that committed the select; call once {@link #isDone()}. */
    SelectEntry winner()
    {
        return (SelectEntry)winner;
    }

    /** Removes every queued entry but {@code keep} from its channel (Go's selectgo pass 3). */
    void dequeueAllBut(final SelectEntry keep)
    {
        for (final SelectEntry s : entries)
        {
            if (null != s && keep != s)
            {
                s.chan.lock.lock();
                try
                {
                    s.chan.dequeueLocked(s);
                }
                finally
                {
                    s.chan.lock.unlock();
                }
            }
        }
    }

    /** Gives up unless a case committed first: then no case can commit any more. */
    @Override
    protected boolean withdraw(final RtLock lock)
    {
        if (WINNER.compareAndSet(this, null, WITHDRAWN))
        {
            dequeueAllBut(null);
            return true;
        }
        return false;
    }
}
