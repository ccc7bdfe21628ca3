package io.goroutines.internal.sched;

/**
 * A FIFO of {@link Waiter}s, intrusive and doubly linked, so that an interrupted plain thread can
 * leave from the middle in O(1). Not thread-safe: every method must be called with the owner's lock
 * held.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code head == null} iff {@code tail == null} iff {@code size == 0};</li>
 *   <li>every waiter reachable from {@code head} has {@code queue == this}.</li>
 * </ul>
 */
public final class WaitQueue
{
    /** Oldest waiter. */
    private Waiter head;
    /** Newest waiter. */
    private Waiter tail;
    /** Number of waiters. */
    private int size;

    /** Appends a waiter that is in no queue. */
    public void add(final Waiter w)
    {
        assert null == w.queue && !w.isDone() : "waitq: add of a queued or done waiter";
        w.queue = this;
        w.prev = tail;
        w.next = null;
        if (null == tail)
        {
            head = w;
        }
        else
        {
            tail.next = w;
        }
        tail = w;
        size++;
    }

    /** Removes and returns the oldest waiter, or null when empty. */
    public Waiter poll()
    {
        final Waiter w = head;
        if (null != w)
        {
            unlink(w);
        }
        return w;
    }

    /**
     * Removes a waiter.
     *
     * @return false when it was not in this queue
     */
    public boolean remove(final Waiter w)
    {
        if (this != w.queue)
        {
            return false;
        }
        unlink(w);
        return true;
    }

    /**
     * Empties the queue and returns its waiters as a chain linked by {@code next}, oldest first, each
     * out of any queue; the caller completes each under the lock and wakes them with
     * {@link Waiter#wakeAll(Waiter)} after releasing it.
     *
     * @return the oldest waiter, or null when empty
     */
    public Waiter pollAll()
    {
        final Waiter first = head;
        for (Waiter w = first; null != w; w = w.next)
        {
            w.queue = null;
            w.prev = null;
        }
        head = null;
        tail = null;
        size = 0;
        return first;
    }

    /** The oldest waiter, left in place, or null when empty. */
    public Waiter peek()
    {
        return head;
    }

    /** Whether no waiter is queued. */
    public boolean isEmpty()
    {
        return null == head;
    }

    /** Number of waiters. */
    public int size()
    {
        return size;
    }

    private void unlink(final Waiter w)
    {
        final Waiter prev = w.prev;
        final Waiter next = w.next;
        if (null == prev)
        {
            head = next;
        }
        else
        {
            prev.next = next;
        }
        if (null == next)
        {
            tail = prev;
        }
        else
        {
            next.prev = prev;
        }
        w.prev = null;
        w.next = null;
        w.queue = null;
        size--;
    }
}
