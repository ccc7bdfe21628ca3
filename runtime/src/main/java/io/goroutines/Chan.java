package io.goroutines;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.WaitQueue;
import io.goroutines.internal.sched.Waiter;

import java.util.Objects;

/**
 * A Go channel: {@code make(chan T)} is {@link #make()}, {@code make(chan T, n)} is {@link #make(int)}.
 *
 * <h2>Design (Go's hchan, runtime/chan.go)</h2>
 * One small lock guards a ring buffer of {@code cap} slots ({@code recvx} is the oldest, {@code count}
 * are used), a FIFO of waiting receivers and a FIFO of waiting senders. The waiters ({@link Sudog},
 * Go's sudog) carry the element slot, so values move directly between the two sides:
 * <ul>
 *   <li>send: a waiting receiver takes the value straight from the sender, without touching the
 *       buffer; else the value goes to the buffer if there is room; else the sender queues with its
 *       value and parks;</li>
 *   <li>receive: if a sender waits, the buffer is full (or the channel unbuffered): the receiver takes
 *       the buffer's head and moves the oldest sender's value to the tail (the slot just freed), so
 *       FIFO order holds; else it takes the buffer's head; else, closed, it gets {@code (null,false)};
 *       else it queues and parks;</li>
 *   <li>close: every waiting receiver gets {@code (null,false)}, every waiting sender fails with
 *       "send on closed channel".</li>
 * </ul>
 * The lock is held for a few dozen instructions and never across a park: a waker fills in the
 * waiter and marks it done under the lock, and unparks it after releasing the lock. Waiting itself
 * is {@link Waiter#await(Object)}, a suspendable loop over {@code Suspend.park()}, so the blocking
 * methods work from goroutines (parking without holding the carrier), from pinned goroutines and
 * from plain threads (blocking the thread).
 *
 * <p>The lock is a private object's monitor: it is only ever taken in small plain (not rewritten)
 * methods with nothing suspendable inside, so it never pins; HotSpot's monitors spin briefly before
 * they block, as Go's runtime mutex does. Rejected: a spin-only lock (a preempted holder makes every
 * other carrier burn its slice); a lock-free channel (Koval, Alistarh, Elizarov, "Fast and Scalable
 * Channels in Kotlin Coroutines", PPoPP 2023): the benchmark to beat later, not the first design.
 *
 * <p>Invariants (checked by {@link #invariantsLocked()} under {@code -ea}):
 * <ul>
 *   <li>at least one of {@code recvq} and {@code sendq} is empty;</li>
 *   <li>{@code recvq} non-empty implies {@code count == 0};</li>
 *   <li>{@code sendq} non-empty implies {@code count == cap};</li>
 *   <li>{@code closed} implies both queues are empty;</li>
 *   <li>{@code 0 <= count <= cap}, and exactly the {@code count} slots from {@code recvx} are non-null.</li>
 * </ul>
 *
 * @param <T> element type; null elements are refused, so {@code recv()} returning null means closed
 */
public final class Chan<T> implements SendChan<T>, RecvChan<T>
{
    /** Result of a receive on a closed, drained channel. */
    private static final Received<Object> CLOSED = new Received<>(null, false);
    /** Marker returned by {@link #recvOrQueue(boolean)} when the channel is closed and drained. */
    private static final Object CLOSED_MARK = new Object();
    /** What {@link #sendOrQueue} returns for a send that would have to wait but may not. */
    private static final Object FULL_MARK = new Object();
    /** Shared buffer of unbuffered channels. */
    private static final Object[] NO_BUFFER = new Object[0];
    /** Wait reason of senders. */
    private static final String SEND_REASON = "chan send";
    /** Wait reason of receivers. */
    private static final String RECV_REASON = "chan receive";

    /** A waiting sender or receiver with its element slot (Go's sudog). */
    private static final class Sudog extends Waiter
    {
        /** The value a sender offers, or the one a receiver got. Guarded by the channel's lock until done. */
        Object item;
        /** True when the operation happened, false when the channel was closed. Guarded likewise. */
        boolean success;

        Sudog(final Object item, final String reason)
        {
            super(reason);
            this.item = item;
        }
    }

    /** Guards everything below. */
    private final Object lock = new Object();
    /** Ring buffer; its length is the capacity. */
    private final Object[] buf;
    /** Waiting receivers, oldest first. */
    private final WaitQueue recvq = new WaitQueue();
    /** Waiting senders, oldest first. */
    private final WaitQueue sendq = new WaitQueue();
    /** Index of the oldest buffered element. */
    private int recvx;
    /** Number of buffered elements. */
    private int count;
    /** Whether close was called. */
    private boolean closed;

    private Chan(final int capacity)
    {
        this.buf = 0 == capacity ? NO_BUFFER : new Object[capacity];
    }

    /** An unbuffered channel: every send waits for its receiver. */
    public static <T> Chan<T> make()
    {
        return new Chan<>(0);
    }

    /**
     * A channel with a buffer of {@code capacity} elements.
     *
     * @throws IllegalArgumentException "makechan: size out of range" when {@code capacity < 0}
     */
    public static <T> Chan<T> make(final int capacity)
    {
        if (capacity < 0)
        {
            throw new IllegalArgumentException("makechan: size out of range");
        }
        return new Chan<>(capacity);
    }

    /** {@inheritDoc} */
    @Goroutine
    @Override
    public void send(final T v)
    {
        final Sudog w = (Sudog)sendOrQueue(v, true);
        if (null != w)
        {
            w.await(lock);
            if (!w.success)
            {
                throw closedSend();
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public boolean trySend(final T v)
    {
        return FULL_MARK != sendOrQueue(v, false);
    }

    /** {@inheritDoc} */
    @Goroutine
    @Override
    @SuppressWarnings("unchecked")
    public T recv()
    {
        final Object r = recvOrQueue(true);
        if (r instanceof Sudog)
        {
            final Sudog w = (Sudog)r;
            w.await(lock);
            return (T)w.item; // null when woken by close
        }
        return CLOSED_MARK == r ? null : (T)r;
    }

    /** {@inheritDoc} */
    @Goroutine
    @Override
    @SuppressWarnings("unchecked")
    public Received<T> recvOk()
    {
        final T v = recv();
        return null == v ? (Received<T>)CLOSED : new Received<>(v, true);
    }

    /** {@inheritDoc} */
    @Override
    @SuppressWarnings("unchecked")
    public Received<T> tryRecv()
    {
        final Object r = recvOrQueue(false);
        if (null == r)
        {
            return null;
        }
        return CLOSED_MARK == r ? (Received<T>)CLOSED : new Received<>((T)r, true);
    }

    /** {@inheritDoc} */
    @Goroutine
    @Override
    public void range(final Select.RecvBody<? super T> body)
    {
        Objects.requireNonNull(body, "chan: null body");
        for (T v = recv(); null != v; v = recv())
        {
            body.accept(v);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void close()
    {
        final Waiter receivers;
        final Waiter senders;
        synchronized (lock)
        {
            if (closed)
            {
                throw new IllegalStateException("close of closed channel");
            }
            closed = true;
            receivers = recvq.pollAll();
            for (Waiter w = receivers; null != w; w = nextOf(w))
            {
                final Sudog s = (Sudog)w;
                s.item = null;
                s.success = false;
                s.complete();
            }
            senders = sendq.pollAll();
            for (Waiter w = senders; null != w; w = nextOf(w))
            {
                final Sudog s = (Sudog)w;
                s.item = null; // the value was never delivered; drop the reference
                s.success = false;
                s.complete();
            }
            assert invariantsLocked();
        }
        Waiter.wakeAll(receivers);
        Waiter.wakeAll(senders);
    }

    /** {@inheritDoc} */
    @Override
    public int len()
    {
        synchronized (lock)
        {
            return count;
        }
    }

    /** {@inheritDoc} */
    @Override
    public int cap()
    {
        return buf.length;
    }

    /** Goroutines and threads waiting to receive, for tests. */
    int recvWaiting()
    {
        synchronized (lock)
        {
            return recvq.size();
        }
    }

    /** Goroutines and threads waiting to send, for tests. */
    int sendWaiting()
    {
        synchronized (lock)
        {
            return sendq.size();
        }
    }

    /** Channel with its capacity, length and state, for messages. */
    @Override
    public String toString()
    {
        synchronized (lock)
        {
            return "chan(cap=" + buf.length + ", len=" + count + (closed ? ", closed" : "") +
                ", senders=" + sendq.size() + ", receivers=" + recvq.size() + ")";
        }
    }

    // ------------------------------------------------------------------------------------------
    // Locked steps. Plain methods: nothing here suspends, so holding the monitor never pins.

    /**
     * Sends without waiting if possible.
     *
     * @param queue whether to queue a sender when the value can be neither handed off nor buffered
     * @return null when the value was handed off or buffered; else the queued sender to wait on (when
     *         {@code queue}) or {@link #FULL_MARK} (when not)
     */
    private Object sendOrQueue(final T v, final boolean queue)
    {
        Objects.requireNonNull(v, "chan: null element");
        final Sudog receiver;
        synchronized (lock)
        {
            if (closed)
            {
                throw closedSend();
            }
            receiver = handOffLocked(v);
            if (null == receiver)
            {
                if (count < buf.length)
                {
                    bufferLocked(v);
                    return null;
                }
                if (!queue)
                {
                    return FULL_MARK;
                }
                final Sudog w = new Sudog(v, SEND_REASON);
                sendq.add(w);
                assert invariantsLocked();
                return w;
            }
        }
        receiver.wake();
        return null;
    }

    /**
     * Receives without waiting if possible.
     *
     * @param queue whether to queue a receiver when nothing is ready
     * @return the value; {@link #CLOSED_MARK}; the queued receiver to wait on (when {@code queue}); or
     *         null when nothing is ready (when not {@code queue}). A value is never a {@link Sudog}:
     *         that class is private to this one.
     */
    private Object recvOrQueue(final boolean queue)
    {
        final Sudog sender;
        final Object v;
        synchronized (lock)
        {
            sender = (Sudog)sendq.poll();
            if (null != sender)
            {
                v = takeFromSenderLocked(sender);
            }
            else if (count > 0)
            {
                return unbufferLocked();
            }
            else if (closed)
            {
                return CLOSED_MARK;
            }
            else if (queue)
            {
                final Sudog w = new Sudog(null, RECV_REASON);
                recvq.add(w);
                assert invariantsLocked();
                return w;
            }
            else
            {
                return null;
            }
        }
        sender.wake();
        return v;
    }

    /** Gives {@code v} to the oldest waiting receiver, if any; returns it (to wake after unlocking) or null. */
    private Sudog handOffLocked(final T v)
    {
        final Sudog receiver = (Sudog)recvq.poll();
        if (null != receiver)
        {
            receiver.item = v;
            receiver.success = true;
            receiver.complete();
        }
        return receiver;
    }

    /**
     * Serves the oldest waiting sender: unbuffered, its value is the result; buffered (then full), the
     * result is the head and the sender's value goes to the slot just freed, the new tail.
     */
    private Object takeFromSenderLocked(final Sudog sender)
    {
        final Object[] buf = this.buf;
        final Object v;
        if (0 == buf.length)
        {
            v = sender.item;
        }
        else
        {
            assert count == buf.length : "chan: waiting sender but buffer not full";
            v = buf[recvx];
            buf[recvx] = sender.item;
            recvx = next(recvx);
        }
        sender.item = null;
        sender.success = true;
        sender.complete();
        assert invariantsLocked();
        return v;
    }

    /** Appends {@code v} to the buffer, which has room. */
    private void bufferLocked(final T v)
    {
        final Object[] buf = this.buf;
        int tail = recvx + count;
        if (tail >= buf.length)
        {
            tail -= buf.length;
        }
        buf[tail] = v;
        count++;
        assert invariantsLocked();
    }

    /** Removes and returns the buffer's head, which exists. */
    private Object unbufferLocked()
    {
        final Object v = buf[recvx];
        buf[recvx] = null;
        recvx = next(recvx);
        count--;
        assert invariantsLocked();
        return v;
    }

    private int next(final int i)
    {
        final int n = i + 1;
        return n == buf.length ? 0 : n;
    }

    private static Waiter nextOf(final Waiter w)
    {
        return w.chained();
    }

    private static IllegalStateException closedSend()
    {
        return new IllegalStateException("send on closed channel");
    }

    /** The invariants of the class comment (but the slot check, O(cap): see ChanModelTest); lock held. */
    private boolean invariantsLocked()
    {
        return (recvq.isEmpty() || sendq.isEmpty()) &&
            (recvq.isEmpty() || 0 == count) &&
            (sendq.isEmpty() || count == buf.length) &&
            (!closed || (recvq.isEmpty() && sendq.isEmpty())) &&
            count >= 0 && count <= buf.length;
    }
}
