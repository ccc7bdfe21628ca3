package io.goroutines;

import io.goroutines.internal.sched.WaitQueue;
import io.goroutines.internal.sched.Waiter;

/**
 * A goroutine or thread waiting on one channel, with its element slot (Go's {@code sudog}). A plain
 * send or receive parks on its own sudog; a {@link Select} queues one per case ({@link SelectEntry},
 * which knows its case) and parks on their {@link Selector}. The select's fields live in the subclass
 * so that a plain waiter, the one a parked goroutine usually holds, takes 48 bytes, not 64.
 *
 * <p>Fields other than the final ones are guarded by the lock of the channel the sudog is queued on
 * until the sudog is finished; after that they belong to the waiter, which reads them once its
 * parker is done (the done flag's release store orders them).
 */
class Sudog extends Waiter
{
    /** The value a sender offers, or the one a receiver got. */
    Object item;
    /** True when the operation happened, false when the channel was closed. */
    boolean success;
    /** Next sudog to wake in a {@link Served} list. */
    Sudog wakeLink;

    /** A plain send ({@code item} is the value) or receive ({@code item} is null) of the current goroutine or thread. */
    Sudog(final Object item, final String reason)
    {
        super(reason);
        this.item = item;
    }

    /** An entry of a select ({@link SelectEntry}), parked under its selector. */
    Sudog(final Object item, final Selector sel)
    {
        super(sel, sel.reason());
        this.item = item;
    }

    /**
     * Whether a waker that took this waiter from its queue may serve it: always for a plain one; for
     * a select's entry, only when this claim commits the select to it. Lock of the channel held.
     */
    boolean claim()
    {
        return true;
    }

    /** Marks the parker done: this sudog, or a select entry's selector. */
    void markDone()
    {
        complete();
    }

    /**
     * Records the outcome and marks the parker done (this sudog, or its select, which the caller
     * claimed); the owning channel's lock is held. The caller wakes it after unlocking.
     */
    void finish(final Object item, final boolean success)
    {
        this.item = item;
        this.success = success;
        markDone();
    }

    /**
     * Takes the oldest waiter that may still be served from {@code q}: a plain one, or a select's
     * that this call claimed for its select (Go's {@code waitq.dequeue} with {@code selectDone}).
     * Entries of selects that committed elsewhere are dropped on the way. Lock of the queue's channel held.
     *
     * @return the waiter, out of the queue, or null when none is left
     */
    static Sudog pollLive(final WaitQueue q)
    {
        for (;;)
        {
            final Sudog s = (Sudog)q.poll();
            if (null == s || s.claim())
            {
                return s;
            }
        }
    }

    /** Waiters finished under a lock, to wake after it is released. */
    static final class Served
    {
        /** First added, linked through {@link Sudog#wakeLink} (woken in the order served). */
        private Sudog head;
        /** Last added. */
        private Sudog tail;

        /** Adds a finished waiter. */
        void add(final Sudog s)
        {
            if (null == head)
            {
                head = s;
            }
            else
            {
                tail.wakeLink = s;
            }
            tail = s;
        }

        /** Wakes every waiter added, and forgets them. */
        void wakeAll()
        {
            Sudog s = head;
            head = null;
            tail = null;
            while (null != s)
            {
                final Sudog next = s.wakeLink;
                s.wakeLink = null;
                s.wake();
                s = next;
            }
        }
    }
}
