package io.goroutines.sync;

import io.goroutines.Chan;
import io.goroutines.Received;
import io.goroutines.Select;
import io.goroutines.annotation.Goroutine;
import io.goroutines.context.Context;
import io.goroutines.internal.sched.RtLock;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A weighted semaphore, as golang.org/x/sync/semaphore's {@code Weighted}: {@code size} tokens,
 * acquired and released in any amounts.
 *
 * <p>Waiters are served strictly in arrival order, with no barging: {@link #tryAcquire(long)} fails
 * while anyone waits, and a release serves the oldest waiter only, stopping at the first one it
 * cannot satisfy, so a large request is never starved by a stream of small ones. A waiter waits in a
 * {@link Select} on its own {@code ready} channel (closed when its tokens were granted) and on its
 * context's {@code done} channel; a context that ends first withdraws it (or, if the tokens were
 * granted in the meantime, gives them back), so nothing is lost either way.
 *
 * <p>Invariants (under {@code lock}):
 * <ul>
 *   <li>{@code 0 <= cur <= size};</li>
 *   <li>a queued waiter's {@code ready} is open; a granted waiter is out of the queue and its tokens
 *       are counted in {@code cur};</li>
 *   <li>when the queue is not empty, its head asks for more than {@code size - cur}.</li>
 * </ul>
 */
public final class Semaphore
{
    /** One waiting acquire. */
    private record Waiter(long n, Chan<Void> ready)
    {
    }

    /** Total tokens. */
    private final long size;
    /** Guards {@link #cur} and {@link #waiters}. */
    private final RtLock lock = new RtLock();
    /** Waiting acquires, oldest first. Guarded by lock. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Tokens held. Guarded by lock. */
    private long cur;

    /**
     * A semaphore of {@code size} tokens.
     *
     * @throws IllegalArgumentException when {@code size < 0}
     */
    public Semaphore(final long size)
    {
        if (size < 0)
        {
            throw new IllegalArgumentException("semaphore: negative size " + size);
        }
        this.size = size;
    }

    /**
     * Acquires {@code n} tokens, waiting for them in arrival order. A context that is already done
     * fails at once, even when tokens are free; one that ends while waiting takes nothing. A request
     * larger than the size can never succeed and waits for the context to end.
     *
     * @param ctx the context that bounds the wait
     * @param n   how many tokens, at least 0
     * @throws RuntimeException {@code ctx.err()} when the context ended first (nothing is held then)
     */
    @Goroutine
    public void acquire(final Context ctx, final long n)
    {
        Objects.requireNonNull(ctx, "semaphore: null context");
        checkAmount(n);
        final RuntimeException err = ctx.err(); // outside the lock: no foreign code runs under it
        if (null != err)
        {
            throw err;
        }
        final Waiter w;
        lock.lock();
        try
        {
            if (size - cur >= n && waiters.isEmpty())
            {
                cur += n;
                return;
            }
            w = n > size ? null : new Waiter(n, Chan.make());
            if (null != w)
            {
                waiters.addLast(w);
            }
        }
        finally
        {
            lock.unlock();
        }
        final boolean[] granted = new boolean[1];
        // A doomed request (n > size) waits for the context alone: it must not hold up others.
        Select.select(Select.recv(ctx.done(), null), Select.recv(null == w ? null : w.ready(), v -> granted[0] = true));
        if (granted[0])
        {
            if (null != ctx.err())
            {
                release(n); // granted, but the context ended too: fail, as Go does
                throw ctx.err();
            }
            return;
        }
        if (null != w)
        {
            withdraw(w);
        }
        throw ctx.err();
    }

    /**
     * Takes {@code n} tokens if they are free and nobody waits.
     *
     * @return whether they were taken
     */
    public boolean tryAcquire(final long n)
    {
        checkAmount(n);
        lock.lock();
        try
        {
            if (size - cur >= n && waiters.isEmpty())
            {
                cur += n;
                return true;
            }
            return false;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Gives back {@code n} tokens and serves the waiters that can now go, oldest first.
     *
     * @throws IllegalStateException "semaphore: released more than held" (nothing changes then)
     */
    public void release(final long n)
    {
        checkAmount(n);
        lock.lock();
        try
        {
            if (n > cur)
            {
                throw new IllegalStateException("semaphore: released more than held");
            }
            cur -= n;
            notifyWaitersLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Tokens held now, for tests and metrics. */
    public long held()
    {
        lock.lock();
        try
        {
            return cur;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Acquires waiting now, for tests and metrics. */
    public int waiting()
    {
        lock.lock();
        try
        {
            return waiters.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** The context ended: leave the queue, or give back the tokens granted meanwhile. */
    private void withdraw(final Waiter w)
    {
        lock.lock();
        try
        {
            final Received<Void> r = w.ready().tryRecv();
            if (null != r) // closed: granted after the context ended
            {
                cur -= w.n();
                notifyWaitersLocked();
                return;
            }
            final boolean wasHead = waiters.peekFirst() == w;
            waiters.removeFirstOccurrence(w);
            if (wasHead && size > cur)
            {
                notifyWaitersLocked(); // the head blocked the others; they may fit now
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Grants tokens to waiters in order, stopping at the first that does not fit (no barging). */
    private void notifyWaitersLocked()
    {
        for (Waiter w = waiters.peekFirst(); null != w && size - cur >= w.n(); w = waiters.peekFirst())
        {
            cur += w.n();
            waiters.pollFirst();
            w.ready().close();
        }
    }

    private static void checkAmount(final long n)
    {
        if (n < 0)
        {
            throw new IllegalArgumentException("semaphore: negative amount " + n);
        }
    }
}
