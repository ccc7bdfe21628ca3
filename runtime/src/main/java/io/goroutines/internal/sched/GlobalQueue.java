package io.goroutines.internal.sched;

/**
 * The global run queue (Go's {@code sched.runq}): an unbounded FIFO of runnable goroutines linked
 * through {@link G#schedLink}, under its own lock.
 *
 * <p>What goes here: half of a full local queue (one batch), goroutines that yield or are
 * preempted (Go's {@code Gosched} puts them here so that they go behind everyone), and goroutines
 * made runnable by a thread that holds no P (a plain thread, the monitor, a carrier in a blocking
 * call). Carriers take from it every 61st schedule tick first, and whenever their local queue is
 * empty, in batches ({@link #getBatch}) so that they do not come back for every goroutine.
 *
 * <p>{@link #size} is volatile so that carriers can look at it without the lock; it is written
 * only under the lock, after the list changed.
 *
 * <p>Invariants: {@code size} is the length of the list; {@code head == null} iff
 * {@code tail == null} iff {@code size == 0}; a queued goroutine's {@code schedLink} is its
 * successor (null for the tail) and is null again once it leaves.
 */
final class GlobalQueue
{
    /** First goroutine. Guarded by this. */
    private G head;
    /** Last goroutine. Guarded by this. */
    private G tail;
    /** Length; written under the lock, read without. */
    private volatile int size;

    /** Appends one goroutine. */
    void put(final G g)
    {
        synchronized (this)
        {
            if (null == tail)
            {
                head = g;
            }
            else
            {
                tail.schedLink = g;
            }
            tail = g;
            size = size + 1;
        }
    }

    /** Appends {@code batch[0..n)} in order. */
    void putBatch(final G[] batch, final int n)
    {
        if (0 == n)
        {
            return;
        }
        for (int i = 0; i < n - 1; i++)
        {
            batch[i].schedLink = batch[i + 1];
        }
        synchronized (this)
        {
            if (null == tail)
            {
                head = batch[0];
            }
            else
            {
                tail.schedLink = batch[0];
            }
            tail = batch[n - 1];
            size = size + n;
        }
    }

    /** Takes the first goroutine, or null. */
    G get()
    {
        if (0 == size)
        {
            return null;
        }
        synchronized (this)
        {
            return pop();
        }
    }

    /**
     * Go's {@code globrunqget}: takes a fair share of the queue, {@code min(size, size / procs + 1,
     * 128)}, returns the first and puts the rest on {@code local} (owner only).
     *
     * @param local the caller's local run queue
     * @param procs number of Ps sharing the queue
     * @return a goroutine to run, or null when the queue is empty
     */
    G getBatch(final RunQueue local, final int procs)
    {
        if (0 == size)
        {
            return null;
        }
        final G first;
        G rest = null;
        synchronized (this)
        {
            final int n = Math.min(Math.min(size, size / Math.max(1, procs) + 1), RunQueue.SIZE / 2);
            first = pop();
            if (null == first)
            {
                return null;
            }
            if (n > 1)
            {
                // unlink n-1 goroutines in one piece; they are put on the local queue outside the lock
                rest = head;
                G last = rest;
                for (int i = 2; i < n; i++)
                {
                    last = last.schedLink;
                }
                head = last.schedLink;
                last.schedLink = null;
                if (null == head)
                {
                    tail = null;
                }
                size = size - (n - 1);
            }
        }
        while (null != rest)
        {
            final G next = rest.schedLink;
            rest.schedLink = null;
            local.put(rest, false, this);
            rest = next;
        }
        return first;
    }

    /** Caller holds the lock. */
    private G pop()
    {
        final G g = head;
        if (null == g)
        {
            return null;
        }
        head = g.schedLink;
        if (null == head)
        {
            tail = null;
        }
        g.schedLink = null;
        size = size - 1;
        return g;
    }

    /** Whether the queue looks empty (no lock). */
    boolean isEmpty()
    {
        return 0 == size;
    }

    /** Length (no lock). */
    int size()
    {
        return size;
    }

    /** For dumps: the goroutines queued now. */
    void peek(final java.util.function.Consumer<G> out)
    {
        synchronized (this)
        {
            for (G g = head; null != g; g = g.schedLink)
            {
                out.accept(g);
            }
        }
    }
}
