package io.goroutines;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.TimerChannels;
import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.Leaf;
import io.goroutines.internal.sched.LeafWaits;
import io.goroutines.internal.sched.RtLock;
import io.goroutines.internal.sched.Tokens;
import io.goroutines.internal.sched.WaitQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

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
 * waiter and marks it done under the lock, and unparks it after releasing the lock. {@link #send}
 * and {@link #recv} are hand-written leaves ({@link Leaf}): they park as {@code Suspend}'s leaves do,
 * keeping their waiter in the goroutine across the park ({@link LeafWaits}), so a park in them saves
 * no frame of theirs (each frame costs its unwind and its rewind at every park). So the blocking
 * methods work from goroutines (parking without holding the carrier), from pinned goroutines and
 * from plain threads (blocking the thread).
 *
 * <p>A non-blocking operation ({@link #trySend}, {@link #tryRecv}, a select's lock-free pass) first
 * reads one word without the lock, Go's check before {@code chansend}/{@code chanrecv} with
 * {@code !block}: a bit per side, set by every step that makes the side ready before the step's
 * effect can be seen, cleared when the buffer fills or empties and by a non-blocking operation that
 * found under the lock that it would wait. A clear bit means that side would wait, so a poll of an
 * empty channel is one load; a set bit may be stale and only sends the poll to the lock.
 *
 * <p>{@link Select} queues one {@link Sudog} per case on each of its channels, all parked under one
 * {@link Selector}. A waker that takes such an entry from a queue must first claim the select (one
 * CAS, Go's {@code selectDone}); an entry whose select already committed elsewhere is dropped and the
 * next one taken ({@link Sudog#pollLive}). A select holds the locks of all its channels at once,
 * taken in {@link #lockOrder()} (Go sorts by address), while it polls and queues: so it sees all its
 * channels at one instant, and a select with a default never misses a case that was ready throughout.
 *
 * <p>The lock is the runtime's {@link RtLock} (Go's futex mutex: a CAS, bounded spinning with rare
 * checks, a few yields, then sleep), only ever held around code with nothing suspendable in it,
 * so it is never held across a park. It replaced a private object's monitor, which
 * inflates under contention: ChanContended 16,870 -> 10,559 ns per block of 200 (means of three
 * alternating JMH runs each on this 2-core machine), ProdCons with capacity 100 157 -> 126 ns.
 * Rejected: a spin-only lock (a preempted holder makes every other carrier burn its slice); a
 * lock-free channel (Koval, Alistarh, Elizarov, "Fast and Scalable Channels in Kotlin Coroutines",
 * PPoPP 2023), measured against this design and no faster here (see the README).
 *
 * <p>Invariants (checked by {@link #invariantsLocked()} under {@code -ea}):
 * <ul>
 *   <li>at least one of {@code recvq} and {@code sendq} is empty;</li>
 *   <li>{@code recvq} non-empty implies {@code count == 0};</li>
 *   <li>{@code sendq} non-empty implies {@code count == cap};</li>
 *   <li>(the three above exempt select entries: a select with a send and a receive case on one
 *       unbuffered channel waits on both sides, as in Go, and never matches itself)</li>
 *   <li>{@code closed} implies both queues are empty;</li>
 *   <li>{@code 0 <= count <= cap}, and exactly the {@code count} slots from {@code recvx} are non-null;</li>
 *   <li>the receive bit of the readiness word is clear only if a receive would wait (nothing
 *       buffered, no sender, open); the send bit only if a send would wait.</li>
 * </ul>
 *
 * @param <T> element type; null elements are refused, so {@code recv()} returning null means closed
 */
public final class Chan<T> implements SendChan<T>, RecvChan<T>
{
    /** Result of a receive on a closed, drained channel. */
    private static final Received<Object> CLOSED = new Received<>(null, false);
    /** What {@link #pollRecvLocked} returns when the channel is closed and drained. */
    static final Object CLOSED_MARK = new Object();
    /** Shared buffer of unbuffered channels. */
    private static final Object[] NO_BUFFER = new Object[0];
    /** Wait reason of senders. */
    private static final String SEND_REASON = "chan send";
    /** The tokens rewritten code arms to call {@link #send}, {@link #recv} and {@link #blockForever}. */
    private static final int SEND_TOKEN = Tokens.of("send", "(Ljava/lang/Object;)V");
    private static final int RECV_TOKEN = Tokens.of("recv", "()Ljava/lang/Object;");
    private static final int BLOCK_FOREVER_TOKEN = Tokens.of("blockForever", "(Ljava/lang/String;)V");
    /** Wait reason of receivers. */
    private static final String RECV_REASON = "chan receive";
    /** Source of {@link #lockOrder} values. */
    private static final AtomicLong LOCK_ORDERS = new AtomicLong();
    /** Access to {@link #lockOrder}. */
    private static final VarHandle LOCK_ORDER;
    /** Release stores to {@link #ready} and acquire loads of it, for the lock-free checks. */
    private static final VarHandle READY;
    /** {@link #ready}'s bit: a receive would not wait (an element buffered, a sender waiting, or closed). */
    private static final int RECV_READY = 1;
    /** {@link #ready}'s bit: a send would not wait (room in the buffer, a receiver waiting, or closed). */
    private static final int SEND_READY = 2;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            LOCK_ORDER = lookup.findVarHandle(Chan.class, "lockOrder", long.class);
            READY = lookup.findVarHandle(Chan.class, "ready", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Guards everything below. Package-private: {@link Select} holds the locks of all its channels. */
    final RtLock lock = new RtLock();
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
    /**
     * {@link #RECV_READY} and {@link #SEND_READY}, for the lock-free checks ({@link #recvSurelyBlocks()},
     * {@link #sendSurelyBlocks()}): one acquire load answers what would take three (the capacity, a
     * queue's head or the count, and the closed flag). Invariant: a clear bit means that side would
     * wait. A step that makes a side ready sets its bit ({@link #markReady}) before anything else can
     * see the step's effect. Bits are cleared ({@link #refreshReadyLocked()}) when the buffer becomes
     * full or empty, and by a non-blocking operation that found, under the lock, that it would wait;
     * not when a queue empties. So a set bit may be stale, which only sends the next non-blocking
     * operation to the lock.
     */
    private int ready;
    /** Unique rank in which selects lock channels, 0 until the channel is first used in a select. */
    private volatile long lockOrder;
    /**
     * Whether this is {@link #NEVER}: Go's nil channel, on which nothing ever happens. Its readiness
     * word stays clear (nothing is buffered or queued on it: a send or receive blocks before it reaches
     * the queues, a select leaves it out, and it cannot be closed), so lock-free checks find that it
     * surely blocks without testing this flag.
     */
    final boolean never;
    /** The timer or ticker of a timer channel ({@link TimerChannels}), else null. */
    final TimerChannels.Hook timer;

    /** The channel {@link #never()} returns. */
    private static final Chan<Object> NEVER = new Chan<>(0, true, null);

    static
    {
        TimerChannels.install(new TimerChannels.Access()
        {
            @Override
            public <T> Chan<T> make(final TimerChannels.Hook hook)
            {
                return new Chan<>(1, false, hook);
            }

            @Override
            public int buffered(final Chan<?> c)
            {
                c.lock.lock();
                try
                {
                    return c.count;
                }
                finally
                {
                    c.lock.unlock();
                }
            }
        });
    }

    private Chan(final int capacity)
    {
        this(capacity, false, null);
    }

    private Chan(final int capacity, final boolean never, final TimerChannels.Hook timer)
    {
        this.buf = 0 == capacity ? NO_BUFFER : new Object[capacity];
        this.never = never;
        this.timer = timer;
        this.ready = 0 == capacity ? 0 : SEND_READY;
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

    /**
     * A channel on which nothing ever happens, Go's nil channel as a receive side: a receive waits
     * forever ({@code chan receive (nil chan)}), {@code tryRecv} finds nothing, and a select case on
     * it never fires and costs nothing (as a null channel). Use it to disable a case, or where a
     * channel that never closes is due ({@code Context.background().done()}).
     */
    @SuppressWarnings("unchecked")
    public static <T> RecvChan<T> never()
    {
        return (RecvChan<T>)NEVER;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A hand-written leaf ({@link Leaf}, {@link LeafWaits}): a park here saves no frame of its own.
     */
    @Leaf
    @Override
    public void send(final T v)
    {
        Objects.requireNonNull(v, "chan: null element");
        final G g = G.current();
        if (never)
        {
            LeafWaits.forward(g, SEND_TOKEN, BLOCK_FOREVER_TOKEN);
            blockForever("chan send (nil chan)");
            return;
        }
        final int how = LeafWaits.enter(g, SEND_TOKEN);
        if (G.SIG_RESUME == how)
        {
            final Sudog w = (Sudog)LeafWaits.resumed(g);
            if (LeafWaits.parkUntilDone(g, w))
            {
                sent(w);
            }
            return;
        }
        final Sudog receiver;
        final Sudog w;
        lock.lock();
        try
        {
            if (closed)
            {
                throw closedSend();
            }
            receiver = pollReceiverLocked();
            if (null != receiver)
            {
                handOffLocked(receiver, v);
                w = null;
            }
            else if (count < buf.length)
            {
                bufferLocked(v);
                return;
            }
            else
            {
                w = new Sudog(v, SEND_REASON);
                sendq.add(w);
                markReady(RECV_READY);
                assert invariantsLocked();
            }
        }
        finally
        {
            lock.unlock();
        }
        if (null != receiver)
        {
            receiver.wake();
            return;
        }
        if (G.SIG_CALL == how)
        {
            if (LeafWaits.park(g, w, this))
            {
                sent(w);
            }
            return;
        }
        LeafWaits.block(w, lock, this);
        sent(w);
    }

    /** After a sender's wait: it was served, or the channel was closed under it. */
    private static void sent(final Sudog w)
    {
        if (!w.success)
        {
            throw closedSend();
        }
    }

    /** {@inheritDoc} */
    @Override
    public boolean trySend(final T v)
    {
        Objects.requireNonNull(v, "chan: null element");
        if (sendSurelyBlocks())
        {
            return false;
        }
        final Sudog receiver;
        lock.lock();
        try
        {
            if (closed)
            {
                throw closedSend();
            }
            receiver = pollReceiverLocked();
            if (null == receiver)
            {
                if (count == buf.length)
                {
                    refreshReadyLocked();
                    return false;
                }
                bufferLocked(v);
                return true;
            }
            handOffLocked(receiver, v);
        }
        finally
        {
            lock.unlock();
        }
        receiver.wake();
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A hand-written leaf ({@link Leaf}, {@link LeafWaits}): a park here saves no frame of its own.
     */
    @Leaf
    @Override
    @SuppressWarnings("unchecked")
    public T recv()
    {
        final G g = G.current();
        if (never)
        {
            LeafWaits.forward(g, RECV_TOKEN, BLOCK_FOREVER_TOKEN);
            blockForever("chan receive (nil chan)");
            return null;
        }
        final int how = LeafWaits.enter(g, RECV_TOKEN);
        if (G.SIG_RESUME == how)
        {
            final Sudog w = (Sudog)LeafWaits.resumed(g);
            return LeafWaits.parkUntilDone(g, w) ? (T)received(w) : null;
        }
        final Sudog sender;
        final Object v;
        final Sudog w;
        lock.lock();
        try
        {
            sender = pollSenderLocked();
            if (null != sender)
            {
                v = takeFromSenderLocked(sender);
                w = null;
            }
            else if (count > 0)
            {
                return (T)unbufferLocked();
            }
            else if (closed)
            {
                return null;
            }
            else
            {
                v = null;
                w = new Sudog(null, RECV_REASON);
                recvq.add(w);
                markReady(SEND_READY);
                assert invariantsLocked();
            }
        }
        finally
        {
            lock.unlock();
        }
        if (null != sender)
        {
            sender.wake();
            return (T)v;
        }
        if (null != timer)
        {
            timer.blocked(); // the timer is held strongly while a receiver waits (TimerChannels)
        }
        if (G.SIG_CALL == how)
        {
            return LeafWaits.park(g, w, this) ? (T)received(w) : null;
        }
        try
        {
            LeafWaits.block(w, lock, this);
        }
        catch (final RuntimeException ex)
        {
            received(w); // gave up its place: the timer is no longer blocked on
            throw ex;
        }
        return (T)received(w);
    }

    /** After a receiver's wait: its value, null when woken by close; a timer channel's timer is let go. */
    private Object received(final Sudog w)
    {
        if (null != timer)
        {
            timer.unblocked();
        }
        return w.item;
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
        if (recvSurelyBlocks())
        {
            return null;
        }
        final Sudog sender;
        final Object v;
        lock.lock();
        try
        {
            sender = pollSenderLocked();
            if (null == sender)
            {
                if (count > 0)
                {
                    return new Received<>((T)unbufferLocked(), true);
                }
                if (closed)
                {
                    return (Received<T>)CLOSED;
                }
                refreshReadyLocked();
                return null;
            }
            v = takeFromSenderLocked(sender);
        }
        finally
        {
            lock.unlock();
        }
        sender.wake();
        return new Received<>((T)v, true);
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
        if (never)
        {
            throw new IllegalStateException("close of nil channel");
        }
        final Sudog.Served woken = new Sudog.Served();
        lock.lock();
        try
        {
            if (closed)
            {
                throw new IllegalStateException("close of closed channel");
            }
            closed = true;
            markReady(RECV_READY | SEND_READY); // before any waiter below can see that it was woken by the close
            // Receivers get (null, false); senders fail with "send on closed channel" (their value was
            // never delivered, so the reference is dropped). Selects that committed elsewhere are skipped.
            for (Sudog s = pollReceiverLocked(); null != s; s = pollReceiverLocked())
            {
                s.finish(null, false);
                woken.add(s);
            }
            for (Sudog s = pollSenderLocked(); null != s; s = pollSenderLocked())
            {
                s.finish(null, false);
                woken.add(s);
            }
            assert invariantsLocked();
        }
        finally
        {
            lock.unlock();
        }
        woken.wakeAll();
    }

    /** {@inheritDoc} A timer's channel reports 0, as Go 1.23's, whose timer channels are unbuffered. */
    @Override
    public int len()
    {
        if (null != timer)
        {
            return 0;
        }
        lock.lock();
        try
        {
            return count;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** {@inheritDoc} A timer's channel reports 0, as Go 1.23's. */
    @Override
    public int cap()
    {
        return null == timer ? buf.length : 0;
    }

    /** Goroutines and threads waiting to receive, for tests (stale entries of committed selects included). */
    int recvWaiting()
    {
        lock.lock();
        try
        {
            return recvq.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Goroutines and threads waiting to send, for tests (stale entries of committed selects included). */
    int sendWaiting()
    {
        lock.lock();
        try
        {
            return sendq.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Goroutines and threads waiting on either side, both queues read at one instant (under the
     * lock), for tests (stale entries of committed selects included).
     */
    int waiting()
    {
        lock.lock();
        try
        {
            return recvq.size() + sendq.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Channel with its capacity, length and state, for messages. */
    @Override
    public String toString()
    {
        lock.lock();
        try
        {
            return "chan(cap=" + buf.length + ", len=" + count + (closed ? ", closed" : "") +
                ", senders=" + sendq.size() + ", receivers=" + recvq.size() + ")";
        }
        finally
        {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Locked steps, shared with Select, which calls them holding the locks of all its channels.
    // Plain methods: nothing here suspends, so the lock is never held across a park. None wakes anyone:
    // a served waiter is returned (or linked) to be woken by the caller after it unlocked.

    /**
     * The rank in which {@link Select} locks this channel among others (Go sorts by address; objects
     * move in Java, so each channel draws a unique number the first time a select needs it).
     */
    long lockOrder()
    {
        final long order = lockOrder;
        if (0 != order)
        {
            return order;
        }
        final long drawn = LOCK_ORDERS.incrementAndGet();
        final long witness = (long)LOCK_ORDER.compareAndExchange(this, 0L, drawn);
        return 0 == witness ? drawn : witness;
    }

    /**
     * Receives if that can be done without waiting; lock held.
     *
     * @param served where a sender that was served is linked, to be woken after unlocking
     * @return the value; {@link #CLOSED_MARK} when closed and drained; null when nothing is ready
     */
    Object pollRecvLocked(final Sudog.Served served)
    {
        final Sudog sender = pollSenderLocked();
        if (null != sender)
        {
            served.add(sender);
            return takeFromSenderLocked(sender);
        }
        if (count > 0)
        {
            return unbufferLocked();
        }
        if (closed)
        {
            return CLOSED_MARK;
        }
        refreshReadyLocked();
        return null;
    }

    /**
     * Sends if that can be done without waiting; lock held. The caller checked that the channel is
     * open.
     *
     * @param served where a receiver that was served is linked, to be woken after unlocking
     * @return whether the value was handed off or buffered
     */
    boolean pollSendLocked(final Object v, final Sudog.Served served)
    {
        final Sudog receiver = pollReceiverLocked();
        if (null != receiver)
        {
            handOffLocked(receiver, v);
            served.add(receiver);
            return true;
        }
        if (count < buf.length)
        {
            bufferLocked(v);
            return true;
        }
        refreshReadyLocked();
        return false;
    }

    /** Whether close was called; lock held. */
    boolean closedLocked()
    {
        return closed;
    }

    /** Queues a waiter of a select case; lock held. */
    void enqueueLocked(final SelectEntry s)
    {
        (s.isSend ? sendq : recvq).add(s);
        markReady(s.isSend ? RECV_READY : SEND_READY);
    }

    /** Removes a waiter of a select case if it is still queued; lock held. */
    void dequeueLocked(final SelectEntry s)
    {
        (s.isSend ? sendq : recvq).remove(s);
    }

    /** The oldest waiting receiver that may still be served (claimed, if it is a select's), or null. */
    private Sudog pollReceiverLocked()
    {
        return Sudog.pollLive(recvq);
    }

    /** The oldest waiting sender that may still be served (claimed, if it is a select's), or null. */
    private Sudog pollSenderLocked()
    {
        return Sudog.pollLive(sendq);
    }

    /** Gives {@code v} straight to a receiver taken from the queue, bypassing the buffer (Go's {@code send}). */
    private static void handOffLocked(final Sudog receiver, final Object v)
    {
        receiver.finish(v, true);
    }

    /**
     * Serves a sender taken from the queue: unbuffered, its value is the result; buffered (then full),
     * the result is the head and the sender's value goes to the slot just freed, the new tail (Go's
     * {@code recv}), so that receivers see the buffer, then the blocked senders, in arrival order.
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
        sender.finish(null, true);
        assert invariantsLocked();
        return v;
    }

    /** Appends {@code v} to the buffer, which has room. */
    private void bufferLocked(final Object v)
    {
        final Object[] buf = this.buf;
        int tail = recvx + count;
        if (tail >= buf.length)
        {
            tail -= buf.length;
        }
        buf[tail] = v;
        if (++count == buf.length)
        {
            refreshReadyLocked(); // full: the send side is clear now, unless a select waits to receive
        }
        else
        {
            markReady(RECV_READY);
        }
        assert invariantsLocked();
    }

    /** Removes and returns the buffer's head, which exists. */
    private Object unbufferLocked()
    {
        final Object v = buf[recvx];
        buf[recvx] = null;
        recvx = next(recvx);
        if (0 == --count)
        {
            refreshReadyLocked(); // empty: the receive side is clear now, unless a sender waits or closed
        }
        else
        {
            markReady(SEND_READY);
        }
        assert invariantsLocked();
        return v;
    }

    private int next(final int i)
    {
        final int n = i + 1;
        return n == buf.length ? 0 : n;
    }

    /**
     * Waits for ever, as an operation on Go's nil channel; a plain thread that is interrupted gets a
     * CancellationException.
     */
    @Goroutine
    private static void blockForever(final String reason)
    {
        new Selector(reason, 0).await(null, null); // nothing can ever claim it
    }

    /**
     * Go's lock-free check before a non-blocking receive ({@code chanrecv} with {@code !block}):
     * true when a receive would have had to wait at the moment of the one load of {@link #ready},
     * so a non-blocking receive may fail without taking the lock. False means "take the lock and
     * look": a stale select entry counts as a sender.
     */
    boolean recvSurelyBlocks()
    {
        return 0 == ((int)READY.getAcquire(this) & RECV_READY);
    }

    /**
     * Go's lock-free check before a non-blocking send ({@code chansend} with {@code !block}): true when
     * the channel is open and a send would have had to wait, at the moment of the one load of
     * {@link #ready}.
     */
    boolean sendSurelyBlocks()
    {
        return 0 == ((int)READY.getAcquire(this) & SEND_READY);
    }

    /** Sets {@code bits} in {@link #ready} unless set; lock held, right after the step that made them true. */
    private void markReady(final int bits)
    {
        final int r = ready;
        if (bits != (r & bits))
        {
            READY.setRelease(this, r | bits);
        }
    }

    /**
     * Stores {@link #ready} as the state now says, clearing stale bits; lock held. Called when the
     * buffer becomes full or empty, and where a non-blocking operation found under the lock that it
     * would wait, so that the next one need not take the lock.
     */
    private void refreshReadyLocked()
    {
        final int r = readyNowLocked();
        if (r != ready)
        {
            READY.setRelease(this, r);
        }
    }

    /** The bits {@link #ready} must have now: a side's bit when it would not wait; lock held. */
    private int readyNowLocked()
    {
        return (closed || count > 0 || !sendq.isEmpty() ? RECV_READY : 0) |
            (closed || count < buf.length || !recvq.isEmpty() ? SEND_READY : 0);
    }

    static IllegalStateException closedSend()
    {
        return new IllegalStateException("send on closed channel");
    }

    /**
     * The invariants of the class comment (but the slot check, O(cap): see ChanModelTest); lock held.
     * Entries of selects are exempt from the first three: a select waits on both sides of one channel
     * when it has a send and a receive case on it, and a select that committed elsewhere leaves stale
     * entries until it or the next poll removes them.
     */
    private boolean invariantsLocked()
    {
        return (recvq.isEmpty() || sendq.isEmpty() || selectHead(recvq) || selectHead(sendq)) &&
            (recvq.isEmpty() || 0 == count || selectHead(recvq)) &&
            (sendq.isEmpty() || count == buf.length || selectHead(sendq)) &&
            (!closed || (recvq.isEmpty() && sendq.isEmpty())) &&
            count >= 0 && count <= buf.length &&
            0 == (readyNowLocked() & ~ready); // a clear bit means that side would wait
    }

    private static boolean selectHead(final WaitQueue q)
    {
        return q.peek() instanceof SelectEntry;
    }
}
