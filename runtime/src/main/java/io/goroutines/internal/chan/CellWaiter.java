package io.goroutines.internal.chan;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.Suspend;
import io.goroutines.internal.sched.Waiter;

/**
 * A sender or receiver of {@link SegmentChan} parked in its cell: the cell's state <em>is</em> this
 * object while it waits. Unlike the lock-based protocol of {@link Waiter}, there is no queue and no
 * lock: the single CAS that replaces the waiter in its cell (by the opposite party, by the buffer's
 * expansion, or by close) decides who serves it, so exactly one party ever does. That party fills in
 * the outcome, then {@link #complete()}s (release store of done), then {@link #wake()}s: the
 * wake-up cannot be lost, because {@link #awaitServed()} re-checks done after every park.
 *
 * <p>No cancellation: a waiter cannot leave its cell (that would need the extra cell states and
 * buffer accounting of Kotlin's cancellation, which this prototype leaves out). A plain thread that
 * is interrupted keeps waiting and gets its interrupt status back once served; a pinned park that
 * throws ({@code pinning=fail}) propagates, and the abandoned cell is then served into the void.
 *
 * <p>Fields other than the final ones are written by the serving party before {@link #complete()}
 * and read by the waiter after it saw done (the release/volatile pair orders them).
 */
final class CellWaiter extends Waiter
{
    /** Go's wait reason of senders. */
    private static final String SEND_REASON = "chan send";
    /** Go's wait reason of receivers. */
    private static final String RECV_REASON = "chan receive";

    /** Whether a sender waits (its element is in the cell), else a receiver. */
    final boolean sender;
    /** A receiver's result: the element, or null when woken by close. */
    Object item;
    /** A sender's result: true when woken by close (the element was not delivered). */
    boolean closed;

    /**
     * A waiter for the current goroutine, or the current plain thread.
     *
     * @param sender true for a sender, false for a receiver
     */
    CellWaiter(final boolean sender)
    {
        super(sender ? SEND_REASON : RECV_REASON);
        this.sender = sender;
    }

    /**
     * Serves a waiting receiver: hands it {@code e} (null: closed), marks it done, wakes it. The
     * caller won the CAS that took this waiter out of its cell.
     */
    void serveReceiver(final Object e)
    {
        assert !sender : "chan: serving a sender as a receiver";
        item = e;
        complete();
        wake();
    }

    /**
     * Serves a waiting sender: its element was taken or buffered ({@code closedChan} false), or the
     * channel was closed under it. The caller won the CAS that took this waiter out of its cell.
     */
    void serveSender(final boolean closedChan)
    {
        assert sender : "chan: serving a receiver as a sender";
        closed = closedChan;
        complete();
        wake();
    }

    /**
     * Parks until served. Suspendable: in a goroutine whose callers are all rewritten, the park
     * unwinds the goroutine and frees its carrier; elsewhere it blocks the thread (or pins).
     */
    @Goroutine
    void awaitServed()
    {
        final G self = g;
        if (null != self)
        {
            self.waitReason = reason();
        }
        boolean interrupted = false;
        while (!isDone())
        {
            if (null == self && Thread.interrupted())
            {
                interrupted = true; // cannot leave the cell: wait on, restore the status at the end
                continue;
            }
            Suspend.park();
        }
        if (null != self)
        {
            self.waitReason = null;
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Side and state, for debugging. */
    @Override
    public String toString()
    {
        return (sender ? "sender" : "receiver") + (isDone() ? "(served)" : "(waiting)");
    }
}
