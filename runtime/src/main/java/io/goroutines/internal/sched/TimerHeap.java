package io.goroutines.internal.sched;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One P's timers (Go's {@code p.timers}): a binary min-heap of deadlines in {@code System.nanoTime()}
 * terms, under its own lock, so that any thread can add or cancel a timer on any P.
 *
 * <p>The heap is run ({@link #runDue}) by the carrier holding the P at each schedule, by a spinning
 * carrier that steals from the P (last pass), and by the carrier that sleeps for timers while every
 * carrier is idle. Only one thread runs a heap at a time ({@link #running}), so the timers of one P
 * fire in deadline order; they fire outside the lock, so a timer action may add or cancel timers.
 * {@link #nextWhen} is the earliest deadline, readable without the lock, so that a schedule costs a
 * volatile read when no timer is due (and no clock read at all when the heap is empty).
 *
 * <p>Chosen over Agrona's timer wheel: a wheel wins when many timers share a period and tick
 * resolution; goroutine timers are mostly one-off sleeps and timeouts of any length, which the
 * heap serves in O(log n) with exact deadlines and O(log n) cancellation (each timer knows its
 * index), and no ticking while idle.
 *
 * <p>Invariants (under the lock): {@code heap[i].index == i} and {@code heap[i].heap == this} for
 * every {@code i < size}; no timer is due before its parent; {@code nextWhen} is
 * {@code heap[0].deadlineNs}, or {@link #NONE} when empty.
 */
final class TimerHeap
{
    /** {@link #nextWhen} of an empty heap. */
    static final long NONE = Long.MAX_VALUE;

    /** The heap. Guarded by this. */
    private Timers.Timer[] heap = new Timers.Timer[8];
    /** Timers in the heap. Guarded by this. */
    private int size;
    /** Earliest deadline, or NONE; written under the lock. */
    private volatile long nextWhen = NONE;
    /** Held by the one thread running due timers. */
    private final AtomicBoolean running = new AtomicBoolean();

    /** Earliest deadline, or {@link #NONE}. */
    long nextWhen()
    {
        return nextWhen;
    }

    /** Whether a timer is due at {@code nowNs}. */
    static boolean due(final long when, final long nowNs)
    {
        return NONE != when && when - nowNs <= 0;
    }

    /** Timers in the heap. */
    synchronized int size()
    {
        return size;
    }

    /**
     * Adds a timer.
     *
     * @return true when it is now the earliest
     */
    synchronized boolean add(final Timers.Timer timer)
    {
        if (size == heap.length)
        {
            heap = Arrays.copyOf(heap, size * 2);
        }
        timer.index = size;
        timer.heap = this;
        heap[size++] = timer;
        siftUp(timer.index);
        nextWhen = heap[0].deadlineNs;
        return 0 == timer.index;
    }

    /**
     * Removes a timer if it is still in this heap.
     *
     * @return true when it was here (it will not fire)
     */
    synchronized boolean remove(final Timers.Timer timer)
    {
        if (timer.heap != this || timer.index < 0)
        {
            return false;
        }
        removeAt(timer.index);
        return true;
    }

    /**
     * Fires every timer due at {@code nowNs}, in deadline order, unless another thread is running
     * this heap already.
     *
     * @return how many fired
     */
    int runDue(final long nowNs)
    {
        if (!due(nextWhen, nowNs) || !running.compareAndSet(false, true))
        {
            return 0;
        }
        int fired = 0;
        try
        {
            for (;;)
            {
                final Timers.Timer t;
                synchronized (this)
                {
                    if (0 == size || heap[0].deadlineNs - nowNs > 0)
                    {
                        return fired;
                    }
                    t = heap[0];
                    removeAt(0);
                }
                Timers.fire(t);
                fired++;
            }
        }
        finally
        {
            running.set(false);
        }
    }

    /** Moves every timer to {@code other} (a P being destroyed); the caller holds no heap lock. */
    void moveTo(final TimerHeap other)
    {
        for (;;)
        {
            final Timers.Timer t;
            synchronized (this)
            {
                if (0 == size)
                {
                    return;
                }
                t = heap[size - 1];
                t.heap = MOVING; // a cancel in between waits for the move
                removeAt(size - 1);
            }
            other.add(t);
        }
    }

    /** Placeholder heap of a timer between two heaps: a cancel retries until it has its new one. */
    static final TimerHeap MOVING = new TimerHeap();

    /** Caller holds the lock. */
    private void removeAt(final int i)
    {
        final Timers.Timer[] heap = this.heap;
        final Timers.Timer removed = heap[i];
        removed.index = -1;
        if (removed.heap == this)
        {
            removed.heap = null;
        }
        final int last = --size;
        if (i != last)
        {
            final Timers.Timer moved = heap[last];
            heap[i] = moved;
            moved.index = i;
            heap[last] = null;
            siftDown(i);
            if (heap[i] == moved)
            {
                siftUp(i);
            }
        }
        else
        {
            heap[last] = null;
        }
        nextWhen = 0 == size ? NONE : heap[0].deadlineNs;
    }

    private void siftUp(final int start)
    {
        final Timers.Timer[] heap = this.heap;
        int i = start;
        final Timers.Timer t = heap[i];
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            final Timers.Timer p = heap[parent];
            if (p.deadlineNs - t.deadlineNs <= 0)
            {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(final int start)
    {
        final Timers.Timer[] heap = this.heap;
        final int size = this.size;
        int i = start;
        final Timers.Timer t = heap[i];
        for (;;)
        {
            int child = 2 * i + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && heap[child + 1].deadlineNs - heap[child].deadlineNs < 0)
            {
                child++;
            }
            final Timers.Timer c = heap[child];
            if (t.deadlineNs - c.deadlineNs <= 0)
            {
                break;
            }
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = t;
        t.index = i;
    }
}
