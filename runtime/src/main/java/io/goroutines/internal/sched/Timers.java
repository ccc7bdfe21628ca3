package io.goroutines.internal.sched;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Timers: one daemon thread and a binary min-heap of deadlines ({@code System.nanoTime()} based).
 *
 * <p>The thread parks until the earliest deadline (or without a timeout while the heap is empty, so
 * an idle JVM costs nothing), fires what is due outside the lock, and is unparked when a new timer
 * becomes the earliest. Firing a goroutine timer unparks the goroutine ({@link Sched#unpark(G)});
 * other timers run a short action on the timer thread. Each timer knows its heap index, so
 * {@link #cancel(Timer)} removes it in O(log n) and cancelled timers never pile up.
 *
 * <p>Rejected for now: per-P timer heaps checked by the carriers (Go's design) need per-P run queues,
 * which come with work stealing; a timer wheel (Agrona's) wins only with many timers of similar
 * periods: to be measured.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code heap[i].index == i} for every {@code i < size}; a timer outside the heap has index -1;</li>
 *   <li>no timer is due before its parent: {@code heap[(i - 1) / 2].deadlineNs - heap[i].deadlineNs <= 0}.</li>
 * </ul>
 */
public final class Timers implements Runnable
{
    /** A pending timer. */
    public static final class Timer
    {
        /** When it fires, in nanoTime. */
        final long deadlineNs;
        /** Goroutine to unpark, or null. */
        final G g;
        /** Action to run when {@link #g} is null. */
        final Runnable action;
        /** Position in the heap, -1 when not in it (fired or cancelled). Guarded by the lock. */
        int index = -1;

        Timer(final long deadlineNs, final G g, final Runnable action)
        {
            this.deadlineNs = deadlineNs;
            this.g = g;
            this.action = action;
        }
    }

    /** Lazy holder: the timer thread starts with the first timer. */
    private static final class Holder
    {
        /** The one timer thread of this JVM. */
        static final Timers INSTANCE = start();
    }

    /** Guards the heap. */
    private final Object lock = new Object();
    /** The thread that fires timers. */
    private final Thread thread;
    /** The heap. Guarded by lock. */
    private Timer[] heap = new Timer[16];
    /** Timers in the heap. Guarded by lock. */
    private int size;

    private Timers()
    {
        thread = new Thread(this, "goroutines-timer");
        thread.setDaemon(true);
    }

    private static Timers start()
    {
        final Timers timers = new Timers();
        timers.thread.start();
        return timers;
    }

    /**
     * Unparks {@code g} at {@code deadlineNs}.
     *
     * @return the timer, for {@link #cancel(Timer)}
     */
    public static Timer schedule(final long deadlineNs, final G g)
    {
        return Holder.INSTANCE.add(new Timer(deadlineNs, g, null));
    }

    /**
     * Runs {@code action} on the timer thread at {@code deadlineNs}; it must be short and must not block.
     *
     * @return the timer, for {@link #cancel(Timer)}
     */
    public static Timer schedule(final long deadlineNs, final Runnable action)
    {
        return Holder.INSTANCE.add(new Timer(deadlineNs, null, action));
    }

    /**
     * Cancels a timer.
     *
     * @param timer the timer, may be null
     * @return true when it was pending (it will not fire), false when it fired or was cancelled already
     */
    public static boolean cancel(final Timer timer)
    {
        return null != timer && Holder.INSTANCE.remove(timer);
    }

    private Timer add(final Timer timer)
    {
        final boolean earliest;
        synchronized (lock)
        {
            if (size == heap.length)
            {
                heap = Arrays.copyOf(heap, size * 2);
            }
            timer.index = size;
            heap[size++] = timer;
            siftUp(timer.index);
            earliest = 0 == timer.index;
        }
        if (earliest)
        {
            LockSupport.unpark(thread); // the thread may be parked until a later deadline
        }
        return timer;
    }

    private boolean remove(final Timer timer)
    {
        synchronized (lock)
        {
            if (timer.index < 0)
            {
                return false;
            }
            removeAt(timer.index);
            return true;
        }
    }

    /** The timer loop. */
    @Override
    public void run()
    {
        for (;;)
        {
            Timer due = null;
            long waitNs = -1;
            synchronized (lock)
            {
                if (size > 0)
                {
                    final Timer first = heap[0];
                    final long leftNs = first.deadlineNs - System.nanoTime();
                    if (leftNs <= 0)
                    {
                        removeAt(0);
                        due = first;
                    }
                    else
                    {
                        waitNs = leftNs;
                    }
                }
            }
            if (null != due)
            {
                fire(due);
            }
            else if (waitNs < 0)
            {
                LockSupport.park(this);
            }
            else
            {
                LockSupport.parkNanos(this, waitNs);
            }
            Thread.interrupted();
        }
    }

    private static void fire(final Timer timer)
    {
        if (null != timer.g)
        {
            Sched.unpark(timer.g);
            return;
        }
        try
        {
            timer.action.run();
        }
        catch (final Throwable t)
        {
            System.err.println("timers: a timer action failed: " + t);
            t.printStackTrace();
        }
    }

    private void removeAt(final int i)
    {
        final Timer[] heap = this.heap;
        final Timer removed = heap[i];
        removed.index = -1;
        final int last = --size;
        if (i != last)
        {
            final Timer moved = heap[last];
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
    }

    private void siftUp(final int start)
    {
        final Timer[] heap = this.heap;
        int i = start;
        final Timer t = heap[i];
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            final Timer p = heap[parent];
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
        final Timer[] heap = this.heap;
        final int size = this.size;
        int i = start;
        final Timer t = heap[i];
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
            final Timer c = heap[child];
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

    /** Timers pending, for tests. */
    static int pending()
    {
        final Timers timers = Holder.INSTANCE;
        synchronized (timers.lock)
        {
            return timers.size;
        }
    }
}
