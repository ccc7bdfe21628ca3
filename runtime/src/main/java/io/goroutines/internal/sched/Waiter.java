package io.goroutines.internal.sched;

import io.goroutines.annotation.Goroutine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * One goroutine or plain thread waiting in a primitive (Go's {@code sudog}, without the element,
 * which primitives add in a subclass).
 *
 * <p>Protocol, for a primitive whose state is guarded by a lock object:
 * <ol>
 *   <li>the waiter, holding the lock, sees it must wait and adds itself to a {@link WaitQueue};</li>
 *   <li>it releases the lock and calls {@link #await(RtLock, Object)}, which parks until {@link #isDone()};</li>
 *   <li>a waker, holding the lock, removes it from the queue, fills in the result and calls
 *       {@link #complete()}; after releasing the lock it calls {@link #wake()}.</li>
 * </ol>
 * Because {@code complete()} runs under the lock that also guards the queue, a waiter is always
 * either still queued or done, never in between: that is what lets an interrupted plain thread, or a
 * goroutine whose pinned park throws ({@code pinning=fail}), give up its place without losing or
 * duplicating anything (it removes itself under the lock, or finds that it was served and completes
 * normally). Setting {@code done} before waking is what makes the wake-up impossible to lose: the
 * goroutine re-checks {@code done} after every park.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code queue != null} iff the waiter is in that queue, and then {@code !done};</li>
 *   <li>{@code done} never goes back to false.</li>
 * </ul>
 */
public class Waiter
{
    /** The waiting goroutine, or null when a plain thread waits. */
    public final G g;
    /** The waiting plain thread, or null when a goroutine waits. */
    public final Thread thread;
    /** Go's wait reason ("chan receive"), for dumps and messages. */
    private final String reason;
    /** The token rewritten code arms to call {@link #await}. */
    private static final int AWAIT_TOKEN = Tokens.of("await", "(Lio/goroutines/internal/sched/RtLock;Ljava/lang/Object;)V");
    /** Access to {@link #done}. */
    private static final VarHandle DONE;

    static
    {
        try
        {
            DONE = MethodHandles.lookup().findVarHandle(Waiter.class, "done", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Set (under the owner's lock) once the waiter was served or released. */
    private volatile boolean done;
    /** Previous waiter in the queue. Guarded by the owner's lock. */
    Waiter prev;
    /** Next waiter in the queue (or in a detached chain, see {@link WaitQueue#pollAll()}). Guarded by the owner's lock. */
    Waiter next;
    /** The queue this waiter is in, or null. Guarded by the owner's lock. */
    WaitQueue queue;

    /**
     * A waiter for the current goroutine, or the current thread when it is a plain one.
     *
     * @param reason Go's wait reason, e.g. {@code "chan receive"}
     */
    public Waiter(final String reason)
    {
        final G current = G.current();
        this.g = current;
        this.thread = null == current ? Thread.currentThread() : null;
        this.reason = reason;
    }

    /**
     * A waiter for the same goroutine or thread as {@code owner}: one of several queue entries of a
     * single wait ({@code select} queues one per case; the owner is the one that parks).
     *
     * @param owner  the waiter that parks
     * @param reason Go's wait reason
     */
    protected Waiter(final Waiter owner, final String reason)
    {
        this.g = owner.g;
        this.thread = owner.thread;
        this.reason = reason;
    }

    /** Whether the waiter was served or released (volatile read). */
    public final boolean isDone()
    {
        return done;
    }

    /**
     * Marks the waiter done. The caller holds the owner's lock and has already removed the waiter
     * from its queue; it calls {@link #wake()} after releasing the lock.
     */
    public final void complete()
    {
        assert null == queue : "waiter: complete while still queued";
        DONE.setRelease(this, true); // pairs with the read of done in await; no full fence needed:
        // the goroutine sees it after the unpark's permit and state handshake, a thread by re-reading
    }

    /** Wakes the waiter after {@link #complete()}: unparks its goroutine or its thread. */
    public final void wake()
    {
        if (null != g)
        {
            Sched.unpark(g);
        }
        else
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Parks until {@link #isDone()}. A plain thread that is interrupted while still queued removes
     * itself and gets a {@link CancellationException}, its interrupt status still set; one that was
     * served meanwhile returns normally (with its interrupt status set).
     *
     * <p>A hand-written leaf ({@link Leaf}, {@link LeafWaits}), as {@code Chan.send} and
     * {@code Chan.recv} are: it takes its caller's token and parks without a saved frame of its own,
     * so that a park in a sync primitive or a select saves one frame less (every frame costs its
     * unwind and its rewind at each park). The waiter is kept in the goroutine across the park; on
     * the rewind the caller calls this again on the same waiter, which finds itself done or parks
     * again. Not armed (a plain thread, or a goroutine that a frame further out pins), it blocks.
     *
     * @param lock the lock that guards the queue this waiter is in
     * @param on   what it waits on, for deadlock reports ({@link G#waitingOn}), or null
     * @throws CancellationException when a plain thread was interrupted and gave up its place
     * @throws IllegalStateException when the rewind reaches a waiter that is not the one that parked
     */
    @Leaf
    @Goroutine
    public final void await(final RtLock lock, final Object on)
    {
        final G current = G.current();
        switch (LeafWaits.enter(current, AWAIT_TOKEN))
        {
            case G.SIG_CALL:
                LeafWaits.park(current, this, on);
                return; // done, or unwinding: the caller saves itself and calls this again on the rewind
            case G.SIG_RESUME:
                if (LeafWaits.resumed(current) != this)
                {
                    throw new IllegalStateException("sched: " + current + " was rewound into the wait of another waiter");
                }
                LeafWaits.parkUntilDone(current, this);
                return;
            default:
                LeafWaits.block(this, lock, on);
        }
    }

    /**
     * A wait begins: notes the goroutine's wait reason and what it waits on (or counts the plain
     * thread's wait for deadlock detection).
     *
     * @param on what it waits on, for deadlock reports, or null
     */
    public final void begin(final Object on)
    {
        final G self = g;
        if (null != self)
        {
            self.waitReason = reason;
            self.waitingOn = on;
        }
        else
        {
            Deadlocks.plainWait(this); // the main thread's waits count in deadlock detection
        }
    }

    /**
     * A park refused to block the carrier ({@code pinning=fail}): leaves, so that no waker hands a
     * value to a waiter nobody waits on, and rethrows; unless served meanwhile: then the operation
     * happened, done is set, this returns and the wait loop ends (nothing is lost either way).
     *
     * @param lock the lock that guards the queue this waiter is in
     * @param ex   what the park threw
     */
    public final void refused(final RtLock lock, final RuntimeException ex)
    {
        if (withdraw(lock))
        {
            end();
            throw ex;
        }
    }

    /**
     * After each park: a plain thread that was interrupted while still queued leaves and gets a
     * {@link CancellationException}.
     *
     * @param lock the lock that guards the queue this waiter is in
     * @throws CancellationException when it gave up its place
     */
    public final void parked(final RtLock lock)
    {
        if (null == g && !done && Thread.currentThread().isInterrupted() && withdraw(lock))
        {
            end();
            throw new CancellationException(reason + ": interrupted while waiting");
        }
    }

    /** The wait is over: clears the goroutine's wait reason, or the plain thread's. */
    public final void end()
    {
        final G self = g;
        if (null != self)
        {
            self.waitReason = null;
            self.waitingOn = null;
        }
        else
        {
            Deadlocks.plainWait(null);
        }
    }

    /**
     * Gives up the wait: leaves the queue, unless the waiter was served meanwhile (then a waker
     * completed it under the lock, and {@link #isDone()} is or will soon be true). A wait spread over
     * several queues overrides this.
     *
     * @param lock the lock that guards the queue this waiter is in
     * @return true when the waiter left (it will never be served), false when it was served
     */
    protected boolean withdraw(final RtLock lock)
    {
        lock.lock();
        try
        {
            if (null != queue)
            {
                queue.remove(this);
                return true;
            }
        }
        finally
        {
            lock.unlock();
        }
        return false;
    }

    /**
     * Wakes every waiter of a chain detached by {@link WaitQueue#pollAll()} and completed by the
     * caller, after the caller released the lock.
     */
    public static void wakeAll(final Waiter head)
    {
        Waiter w = head;
        while (null != w)
        {
            final Waiter next = w.next;
            w.wake();
            w = next;
        }
    }

    /** The next waiter of a chain detached by {@link WaitQueue#pollAll()}; lock held. */
    public final Waiter chained()
    {
        return next;
    }

    /** The wait reason. */
    public final String reason()
    {
        return reason;
    }
}
