package io.goroutines.internal.chan;

import io.goroutines.annotation.Goroutine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * <b>Prototype, for a measurement only:</b> a lock-free channel after Koval, Alistarh and Elizarov,
 * "Fast and Scalable Channels in Kotlin Coroutines" (PPoPP 2023), the algorithm of kotlinx.coroutines'
 * {@code BufferedChannel}, written to be measured against {@link io.goroutines.Chan} (Go's hchan: one
 * lock per channel) by {@code ChanAlgoBench}. Nothing in the public API uses it; it has blocking
 * {@link #send} and {@link #recv} for unbuffered ({@code capacity == 0}) and buffered channels, and
 * {@link #close}; no {@code select}, no {@code trySend}/{@code tryRecv}, no cancellation.
 *
 * <h2>Design</h2>
 * A conceptually infinite array of cells (a linked list of {@link Segment}s of 32 cells) and three
 * counters, each only ever incremented:
 * <ul>
 *   <li>{@code S} (senders): the number of sends ever started; a send takes ticket {@code s} by one
 *       atomic increment and works on cell {@code s} only;</li>
 *   <li>{@code R} (receivers): the same for receives; receive {@code r} works on cell {@code r}
 *       only. So the k-th send and the k-th receive meet in cell k, and each cell is touched by at
 *       most one sender and one receiver (plus the buffer expansion and close);</li>
 *   <li>{@code B} (buffer end, buffered channels only): cells below {@code B} are in the buffer: a
 *       sender whose cell is there may leave its element without a receiver. {@code B} starts at the
 *       capacity and every receive attempt moves it by one ({@link #expandBuffer}), so in a quiet
 *       channel {@code B - R == capacity}. For an unbuffered channel {@code B} stays 0.</li>
 * </ul>
 * A party increments its counter, then reads the other one (both are sequentially consistent): of a
 * sender and a receiver with the same ticket, at least one sees the other (the store-load pattern of
 * Dekker's algorithm); so they never both wait. The cell's state then settles their race by CAS:
 * <pre>
 *   sender, cell empty:   s &lt; B or s &lt; R (buffer, or its receiver is on the way) -&gt; BUFFERED, done
 *                         else                                                  -&gt; its waiter, park
 *   sender, IN_BUFFER:                                                          -&gt; BUFFERED, done
 *   sender, a receiver waits:                  DONE_RCV, hand the element to the waiter, wake it
 *   sender, POISONED:                          restart with a new ticket
 *   sender, CLOSED_SEND:                       "send on closed channel"
 *   receiver, cell empty (or IN_BUFFER): r &lt; S (its sender is on the way)      -&gt; POISONED, restart
 *                         else, closed                                          -&gt; (null, closed)
 *                         else                                                  -&gt; its waiter, park
 *   receiver, BUFFERED:                        DONE_RCV, take the element
 *   receiver, a sender waits:                  DONE_RCV, take the element, wake the sender
 *   receiver, CLOSED_SEND / CLOSED_RECV:       restart / (null, closed)
 *   expansion of cell b:  b &gt;= S: nothing (its sender will find b &lt; B); empty -&gt; IN_BUFFER;
 *                         a sender waits and b &gt;= R (no receiver for it yet) -&gt; BUFFERED, wake it;
 *                         anything else: the cell already has its receiver
 * </pre>
 * A receiver that finds its cell empty although its sender has a ticket does not wait for that
 * sender: it poisons the cell and both of them retry; that is what makes the channel lock-free. Each
 * receive attempt (served, parked or poisoned) runs one buffer expansion, which keeps
 * {@code B - R} at the capacity.
 *
 * <p>Close sets a bit in {@code S} (later sends fail at once) and then visits the cells that no
 * longer get a partner: with {@code s0} the senders counted at the close and {@code r0} the
 * receivers read just after, cells in {@code [r0, s0)} (senders without a receiver) become
 * {@code CLOSED_SEND} and their waiting senders fail; cells in {@code [s0, r0)} (receivers without a
 * sender) become {@code CLOSED_RECV} and their waiting receivers get {@code (null, closed)}. Elements
 * already buffered, and senders whose receiver already holds a ticket, are still delivered, as in Go.
 *
 * <h2>Differences from kotlinx.coroutines</h2>
 * No cancellation, so a waiter is claimed by the one CAS that replaces it in its cell: no
 * {@code RESUMING_BY_RCV}/{@code RESUMING_BY_EB} states, no {@code INTERRUPTED_*} states, no
 * {@code WaiterEB} wrapper, no removal of emptied segments from the middle of the list (a segment is
 * dropped once all three pointers have passed it; the list has no back links). Waiting is this
 * runtime's: a {@link CellWaiter} parks the goroutine (suspendably: its frames unwind and its carrier
 * is free) or the plain thread.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>the counters never decrease; a ticket is never handed out twice;</li>
 *   <li>a cell's state moves only forward: empty to IN_BUFFER, BUFFERED, POISONED, CLOSED_* or a
 *       waiter; IN_BUFFER to BUFFERED or POISONED; a waiter to DONE_RCV, BUFFERED (expansion) or
 *       CLOSED_*; BUFFERED to DONE_RCV. DONE_RCV, POISONED and CLOSED_* are final;</li>
 *   <li>a waiter is served at most once: by whoever CASes it out of its cell;</li>
 *   <li>a sender waits only in a cell {@code s >= B} that no receiver had reached when it looked; a
 *       receiver waits only in a cell {@code r >= S} when it looked;</li>
 *   <li>the element slot of a cell holds a value only while the cell is (about to be) BUFFERED or holds
 *       a waiting sender;</li>
 *   <li>each segment pointer's id is at most the segment of the smallest ticket still to be issued
 *       on its counter ({@code sendSegment.id <= S / 32}, {@code receiveSegment.id <= R / 32},
 *       {@code bufferEndSegment.id <= B / 32}), so nobody ever needs a segment behind its pointer.</li>
 * </ul>
 *
 * @param <T> element type; null elements are refused, so {@code recv()} returning null means closed
 */
public final class SegmentChan<T>
{
    /** Bit of {@link #senders} set by close. */
    private static final long CLOSED_BIT = 1L << 62;
    /** The ticket count in {@link #senders}. */
    private static final long COUNT_MASK = CLOSED_BIT - 1;

    /** Cell state: an element waits for its receiver (a sender left it without waiting). */
    static final Object BUFFERED = new Marker("BUFFERED");
    /** Cell state: the buffer expansion reached the cell before its sender; the sender will buffer. */
    static final Object IN_BUFFER = new Marker("IN_BUFFER");
    /** Cell state: the receiver got the element (final). */
    static final Object DONE_RCV = new Marker("DONE_RCV");
    /** Cell state: the receiver came first while its sender was on the way; both retry (final). */
    static final Object POISONED = new Marker("POISONED");
    /** Cell state: closed before its sender delivered; the sender fails, a receiver retries (final). */
    static final Object CLOSED_SEND = new Marker("CLOSED_SEND");
    /** Cell state: closed with no sender to come; its receiver gets (null, closed) (final). */
    static final Object CLOSED_RECV = new Marker("CLOSED_RECV");

    /** Outcome of a cell step: done. */
    private static final Object DONE = new Marker("DONE");
    /** Outcome of a cell step: the cell was lost, retry with a new ticket. */
    private static final Object FAILED = new Marker("FAILED");
    /** Outcome of a receive step: closed and nothing left for this receiver. */
    private static final Object CLOSED_RESULT = new Marker("CLOSED_RESULT");

    /** Access to the counters and segment pointers. */
    private static final VarHandle SENDERS;
    private static final VarHandle RECEIVERS;
    private static final VarHandle BUFFER_END;
    private static final VarHandle SEND_SEGMENT;
    private static final VarHandle RECEIVE_SEGMENT;
    private static final VarHandle BUFFER_END_SEGMENT;

    static
    {
        try
        {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            SENDERS = l.findVarHandle(SegmentChan.class, "senders", long.class);
            RECEIVERS = l.findVarHandle(SegmentChan.class, "receivers", long.class);
            BUFFER_END = l.findVarHandle(SegmentChan.class, "bufferEnd", long.class);
            SEND_SEGMENT = l.findVarHandle(SegmentChan.class, "sendSegment", Segment.class);
            RECEIVE_SEGMENT = l.findVarHandle(SegmentChan.class, "receiveSegment", Segment.class);
            BUFFER_END_SEGMENT = l.findVarHandle(SegmentChan.class, "bufferEndSegment", Segment.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The capacity; 0 for an unbuffered channel. */
    private final int capacity;
    /** S: sends ever started (low bits) and {@link #CLOSED_BIT}. */
    private volatile long senders;
    /** R: receives ever started. */
    private volatile long receivers;
    /** B: cells below it are in the buffer; starts at the capacity, unused when unbuffered. */
    private volatile long bufferEnd;
    /** Segment of a recent send ticket; never ahead of {@code S}. */
    private volatile Segment sendSegment;
    /** Segment of a recent receive ticket; never ahead of {@code R}. */
    private volatile Segment receiveSegment;
    /** Segment of a recent buffer end; never ahead of {@code B}. */
    private volatile Segment bufferEndSegment;

    private SegmentChan(final int capacity)
    {
        this.capacity = capacity;
        this.bufferEnd = capacity;
        final Segment first = new Segment(0);
        this.sendSegment = first;
        this.receiveSegment = first;
        this.bufferEndSegment = first;
    }

    /** An unbuffered channel: every send waits for its receiver. */
    public static <T> SegmentChan<T> make()
    {
        return new SegmentChan<>(0);
    }

    /**
     * A channel with a buffer of {@code capacity} elements.
     *
     * @throws IllegalArgumentException "makechan: size out of range" when {@code capacity < 0}
     */
    public static <T> SegmentChan<T> make(final int capacity)
    {
        if (capacity < 0)
        {
            throw new IllegalArgumentException("makechan: size out of range");
        }
        return new SegmentChan<>(capacity);
    }

    /** The capacity. */
    public int cap()
    {
        return capacity;
    }

    /**
     * Sends {@code e}: returns once a receiver took it, or it is in the buffer; waits otherwise.
     *
     * @throws IllegalStateException "send on closed channel", when closed before the element was delivered
     */
    @Goroutine
    public void send(final T e)
    {
        Objects.requireNonNull(e, "chan: null element");
        for (;;)
        {
            Segment seg = sendSegment; // before the ticket: never ahead of it
            final long sv = (long)SENDERS.getAndAdd(this, 1L);
            if (0 != (sv & CLOSED_BIT))
            {
                throw closedSend();
            }
            final long id = sv / Segment.SIZE;
            if (seg.id != id)
            {
                seg = seg.find(id);
                moveForward(SEND_SEGMENT, seg);
            }
            final Object outcome = sendToCell(seg, (int)(sv % Segment.SIZE), sv, e);
            if (DONE == outcome)
            {
                return;
            }
            if (FAILED != outcome)
            {
                final CellWaiter w = (CellWaiter)outcome;
                w.awaitServed();
                if (w.closed)
                {
                    throw closedSend();
                }
                return;
            }
        }
    }

    /**
     * Receives: the oldest element, waiting until one is sent; null once the channel is closed and
     * nothing is left for this receiver.
     */
    @Goroutine
    @SuppressWarnings("unchecked")
    public T recv()
    {
        for (;;)
        {
            Segment seg = receiveSegment; // before the ticket: never ahead of it
            final long r = (long)RECEIVERS.getAndAdd(this, 1L);
            final long id = r / Segment.SIZE;
            if (seg.id != id)
            {
                final long sv = senders;
                if (0 != (sv & CLOSED_BIT) && r >= (sv & COUNT_MASK))
                {
                    return null; // closed and no sender for this cell: do not grow the list for nothing
                }
                seg = seg.find(id);
                moveForward(RECEIVE_SEGMENT, seg);
            }
            final Object outcome = receiveFromCell(seg, (int)(r % Segment.SIZE), r);
            if (FAILED == outcome)
            {
                continue;
            }
            if (CLOSED_RESULT == outcome)
            {
                return null;
            }
            if (outcome instanceof CellWaiter) // users cannot make one, so it is never an element
            {
                final CellWaiter w = (CellWaiter)outcome;
                w.awaitServed();
                return (T)w.item; // null when woken by close
            }
            return (T)outcome;
        }
    }

    /**
     * Closes the channel, as Go's {@code close}: later sends fail, waiting senders that have no
     * receiver fail, waiting receivers that will get no sender get null; buffered elements, and
     * senders whose receiver already holds a ticket, are still received.
     *
     * @throws IllegalStateException "close of closed channel"
     */
    public void close()
    {
        final Segment sendSeg = sendSegment; // before the counters: neither is ahead of them
        final Segment recvSeg = receiveSegment;
        long sv;
        do
        {
            sv = senders;
            if (0 != (sv & CLOSED_BIT))
            {
                throw new IllegalStateException("close of closed channel");
            }
        }
        while (!SENDERS.compareAndSet(this, sv, sv | CLOSED_BIT));
        final long closedSenders = sv;
        final long r = receivers; // after the bit: any receiver not counted here sees the channel closed
        final long from = Math.min(closedSenders, r);
        final long to = Math.max(closedSenders, r);
        Segment seg = sendSeg.id <= recvSeg.id ? sendSeg : recvSeg;
        for (long k = from; k < to; k++)
        {
            final long id = k / Segment.SIZE;
            if (seg.id != id)
            {
                seg = seg.find(id);
            }
            closeCell(seg, (int)(k % Segment.SIZE), k < closedSenders);
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed()
    {
        return 0 != (senders & CLOSED_BIT);
    }

    /** Send tickets handed out, for tests: a sender counted here is at or on its way to its cell. */
    long sendTickets()
    {
        return senders & COUNT_MASK;
    }

    /** Receive tickets handed out, for tests: a receiver counted here is at or on its way to its cell. */
    long receiveTickets()
    {
        return receivers;
    }

    /** Capacity and counters, for messages. */
    @Override
    public String toString()
    {
        final long sv = senders;
        return "segmentChan(cap=" + capacity + ", S=" + (sv & COUNT_MASK) + ", R=" + receivers +
            (0 == capacity ? "" : ", B=" + bufferEnd) + (0 != (sv & CLOSED_BIT) ? ", closed" : "") + ")";
    }

    // ------------------------------------------------------------------------------------------
    // Cell steps: plain methods (nothing here parks); each returns what the caller does next.

    /**
     * The sender's step on its cell {@code s}.
     *
     * @return {@link #DONE}; {@link #FAILED} (retry with a new ticket); or the sender's
     *         {@link CellWaiter}, now in the cell, to await
     * @throws IllegalStateException "send on closed channel" when close marked the cell
     */
    private Object sendToCell(final Segment seg, final int i, final long s, final Object e)
    {
        CellWaiter w = null;
        for (;;)
        {
            final Object state = seg.state(i);
            if (null == state)
            {
                seg.storeElement(i, e); // published by the CAS below
                if (s < bufferEnd || s < receivers)
                {
                    if (seg.casState(i, null, BUFFERED))
                    {
                        return DONE;
                    }
                }
                else
                {
                    if (null == w)
                    {
                        w = new CellWaiter(true);
                    }
                    if (seg.casState(i, null, w))
                    {
                        return w;
                    }
                }
            }
            else if (IN_BUFFER == state)
            {
                seg.storeElement(i, e);
                if (seg.casState(i, IN_BUFFER, BUFFERED))
                {
                    return DONE;
                }
            }
            else if (state instanceof CellWaiter)
            {
                final CellWaiter receiver = (CellWaiter)state;
                assert !receiver.sender : "chan: two senders in one cell";
                if (seg.casState(i, receiver, DONE_RCV))
                {
                    seg.clearElement(i); // in case a failed CAS above left it there
                    receiver.serveReceiver(e);
                    return DONE;
                }
            }
            else if (POISONED == state)
            {
                seg.clearElement(i);
                return FAILED;
            }
            else if (CLOSED_SEND == state)
            {
                seg.clearElement(i);
                throw closedSend();
            }
            else
            {
                throw new IllegalStateException("chan: cell " + s + " in state " + state + " for its sender");
            }
        }
    }

    /**
     * The receiver's step on its cell {@code r}.
     *
     * @return the element; {@link #FAILED} (retry with a new ticket); {@link #CLOSED_RESULT}; or the
     *         receiver's {@link CellWaiter}, now in the cell, to await
     */
    private Object receiveFromCell(final Segment seg, final int i, final long r)
    {
        CellWaiter w = null;
        for (;;)
        {
            final Object state = seg.state(i);
            if (null == state || IN_BUFFER == state)
            {
                final long sv = senders;
                if (r < (sv & COUNT_MASK))
                {
                    // its sender holds the ticket but has not reached the cell: do not wait for it
                    if (seg.casState(i, state, POISONED))
                    {
                        expandBuffer();
                        return FAILED;
                    }
                }
                else if (0 != (sv & CLOSED_BIT))
                {
                    return CLOSED_RESULT;
                }
                else
                {
                    if (null == w)
                    {
                        w = new CellWaiter(false);
                    }
                    if (seg.casState(i, state, w))
                    {
                        expandBuffer();
                        return w;
                    }
                }
            }
            else if (BUFFERED == state)
            {
                if (seg.casState(i, BUFFERED, DONE_RCV))
                {
                    final Object e = seg.takeElement(i);
                    expandBuffer();
                    return e;
                }
            }
            else if (state instanceof CellWaiter)
            {
                final CellWaiter sender = (CellWaiter)state;
                assert sender.sender : "chan: two receivers in one cell";
                if (seg.casState(i, sender, DONE_RCV))
                {
                    final Object e = seg.takeElement(i);
                    sender.serveSender(false);
                    expandBuffer();
                    return e;
                }
            }
            else if (CLOSED_SEND == state)
            {
                return FAILED;
            }
            else if (CLOSED_RECV == state)
            {
                return CLOSED_RESULT;
            }
            else
            {
                throw new IllegalStateException("chan: cell " + r + " in state " + state + " for its receiver");
            }
        }
    }

    /**
     * Moves the end of the buffer by one cell (buffered channels; one call per receive attempt): the
     * cell {@code b} that enters the buffer lets its sender, if it waits and has no receiver, leave
     * its element there.
     */
    private void expandBuffer()
    {
        if (0 == capacity)
        {
            return;
        }
        Segment seg = bufferEndSegment; // before the increment: never ahead of it
        final long b = (long)BUFFER_END.getAndAdd(this, 1L);
        final long id = b / Segment.SIZE;
        if (b >= (senders & COUNT_MASK))
        {
            // no sender has this cell yet: the one that gets it will see b < B. Keep the pointer
            // moving anyway, or it would hold on to every segment since.
            if (seg.id < id)
            {
                moveForward(BUFFER_END_SEGMENT, seg.findExisting(id));
            }
            return;
        }
        if (seg.id != id)
        {
            seg = seg.find(id);
            moveForward(BUFFER_END_SEGMENT, seg);
        }
        expandCell(seg, (int)(b % Segment.SIZE), b);
    }

    /** The buffer expansion's step on cell {@code b}, which has a sender ({@code b < S}). */
    private void expandCell(final Segment seg, final int i, final long b)
    {
        for (;;)
        {
            final Object state = seg.state(i);
            if (null == state)
            {
                if (seg.casState(i, null, IN_BUFFER))
                {
                    return;
                }
            }
            else if (state instanceof CellWaiter)
            {
                if (b < receivers)
                {
                    return; // a receiver holds this cell's ticket: it meets the sender (or is the waiter)
                }
                final CellWaiter sender = (CellWaiter)state; // no receiver yet, so it is the sender
                if (seg.casState(i, sender, BUFFERED))
                {
                    sender.serveSender(false); // its element stays in the cell, now in the buffer
                    return;
                }
            }
            else
            {
                return; // BUFFERED, POISONED, DONE_RCV, CLOSED_*: nothing to do
            }
        }
    }

    /**
     * Close's step on cell {@code k}: a cell without a partner any more is marked; its waiter, if
     * any, is failed (a sender) or gets null (a receiver).
     *
     * @param senderSide true for a cell {@code k < S} at the close (its sender fails), false for one
     *                   {@code k >= S} (its receiver gets null)
     */
    private static void closeCell(final Segment seg, final int i, final boolean senderSide)
    {
        final Object closed = senderSide ? CLOSED_SEND : CLOSED_RECV;
        for (;;)
        {
            final Object state = seg.state(i);
            if (null == state)
            {
                if (seg.casState(i, null, closed))
                {
                    return;
                }
            }
            else if (state instanceof CellWaiter)
            {
                final CellWaiter w = (CellWaiter)state;
                if (seg.casState(i, w, closed))
                {
                    if (w.sender)
                    {
                        seg.clearElement(i);
                        w.serveSender(true);
                    }
                    else
                    {
                        w.serveReceiver(null);
                    }
                    return;
                }
            }
            else
            {
                return; // IN_BUFFER (its sender will buffer), BUFFERED, POISONED, DONE_RCV: delivered as usual
            }
        }
    }

    /** Moves a segment pointer forward to {@code to}, unless it already is there or beyond. */
    private void moveForward(final VarHandle pointer, final Segment to)
    {
        for (;;)
        {
            final Segment cur = (Segment)pointer.getVolatile(this);
            if (cur.id >= to.id || pointer.compareAndSet(this, cur, to))
            {
                return;
            }
        }
    }

    private static IllegalStateException closedSend()
    {
        return new IllegalStateException("send on closed channel");
    }

    /** A named cell state or step outcome. */
    private static final class Marker
    {
        private final String name;

        Marker(final String name)
        {
            this.name = name;
        }

        @Override
        public String toString()
        {
            return name;
        }
    }
}
