package io.goroutines.context;

import io.goroutines.RecvChan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Go's {@code context.Context}: a deadline, a cancellation signal and request-scoped values, carried
 * across goroutines (and plain threads).
 *
 * <p>Contexts form a tree. {@link #background()} is the root: never cancelled, no deadline, no
 * values. {@link #withCancel}, {@link #withTimeout} and {@link #withDeadline} derive a
 * {@link Cancelable} child; {@link #withValue} derives a child carrying one key and value. Cancelling
 * a context (its {@link Cancelable#cancel()}, its deadline passing, or its parent being cancelled)
 * closes its {@link #done()} channel and the done channels of every descendant before
 * {@code cancel()} returns, and fixes {@link #err()} for good.
 *
 * <p>How to use it, as in Go: pass the context as the first argument down the call chain; a
 * goroutine that may wait long selects on {@code ctx.done()} (or polls {@code ctx.err()}) and returns
 * {@code ctx.err()}; whoever creates a {@link Cancelable} cancels it when the work is over, typically
 * with try-with-resources, so that its timer and its place in the parent are released:
 * <pre>{@code
 * try (Context.Cancelable ctx = Context.withTimeout(parent, Duration.ofSeconds(1)))
 * {
 *     work(ctx);
 * }
 * }</pre>
 *
 * <p>Implementations of this interface other than the ones returned here may be used as parents: a
 * child of such a context is cancelled when the parent's {@code done()} channel closes (through a
 * goroutine that waits for it), or synchronously when the parent wraps one of these contexts and
 * delegates {@code done()} and {@code value(key)} to it.
 */
public interface Context
{
    /** {@link #err()} of a context that was cancelled ({@code context.Canceled}); compare with {@code ==}. */
    RuntimeException CANCELED = new ContextException("context canceled");

    /**
     * {@link #err()} of a context whose deadline passed ({@code context.DeadlineExceeded}); compare
     * with {@code ==}.
     */
    RuntimeException DEADLINE_EXCEEDED = new ContextException("context deadline exceeded");

    /**
     * A channel that is closed when this context is cancelled or its deadline passes. It never
     * carries a value; receiving from it returns null once closed. The same channel is returned by
     * every call.
     *
     * @return the done channel; for a context that is never cancelled ({@link #background()}) a
     *         channel that never closes
     */
    RecvChan<Void> done();

    /**
     * Why this context is done.
     *
     * @return null until {@link #done()} is closed, then {@link #CANCELED} or
     *         {@link #DEADLINE_EXCEEDED}, the same value for good
     */
    RuntimeException err();

    /**
     * When this context will be cancelled because of a deadline.
     *
     * @return the deadline, or empty when there is none
     */
    Optional<Instant> deadline();

    /**
     * The value bound to {@code key} by the innermost {@link #withValue} on the way to the root.
     *
     * @param key compared with {@code equals}
     * @return the value (which may be null), or null when {@code key} is bound nowhere
     */
    Object value(Object key);

    /**
     * A context its creator cancels ({@code ctx, cancel := context.WithCancel(parent)}).
     * {@link #close()} is {@link #cancel()}, so try-with-resources releases it.
     */
    interface Cancelable extends Context, AutoCloseable
    {
        /**
         * Cancels this context and every context derived from it, unless it is done already:
         * {@link #done()} is closed and {@link #err()} is {@link #CANCELED} before this returns. It
         * releases the context's timer and detaches it from its parent. Idempotent; safe to call from
         * many goroutines and threads at once; never blocks for long.
         */
        void cancel();

        /** Same as {@link #cancel()}; throws nothing. */
        @Override
        default void close()
        {
            cancel();
        }
    }

    /**
     * The root context ({@code context.Background()}): never cancelled, no deadline, no values.
     *
     * @return the one background context
     */
    static Context background()
    {
        return EmptyContext.BACKGROUND;
    }

    /**
     * A context for code that has none yet ({@code context.TODO()}); behaves as {@link #background()}
     * and names itself {@code context.TODO}.
     *
     * @return the one TODO context
     */
    static Context todo()
    {
        return EmptyContext.TODO;
    }

    /**
     * A child of {@code parent} that is cancelled by its {@link Cancelable#cancel()} or with its
     * parent, whichever comes first ({@code context.WithCancel}).
     *
     * @param parent the parent
     * @return the child; done at once, with the parent's error, when the parent is done already
     * @throws NullPointerException "cannot create context from nil parent"
     */
    static Cancelable withCancel(final Context parent)
    {
        return CancelContext.withCancel(requireParent(parent));
    }

    /**
     * A child of {@code parent} that is also cancelled, with {@link #DEADLINE_EXCEEDED}, once
     * {@code deadline} passes ({@code context.WithDeadline}). When the parent's deadline is earlier,
     * this is {@link #withCancel} (the child reports the parent's deadline): a child never outlives
     * its parent's deadline.
     *
     * @param parent   the parent
     * @param deadline when the child ends; now or in the past gives a child that is done at once
     * @return the child
     * @throws NullPointerException "cannot create context from nil parent", or when {@code deadline}
     *                              is null
     */
    static Cancelable withDeadline(final Context parent, final Instant deadline)
    {
        Objects.requireNonNull(deadline, "context: nil deadline");
        return CancelContext.withDeadline(requireParent(parent), deadline);
    }

    /**
     * {@code withDeadline(parent, now + timeout)} ({@code context.WithTimeout}). A timeout longer than
     * about 73 years is cut to that.
     *
     * @param parent  the parent
     * @param timeout how long the child lives; zero or negative gives a child that is done at once
     * @return the child
     * @throws NullPointerException "cannot create context from nil parent", or when {@code timeout}
     *                              is null
     */
    static Cancelable withTimeout(final Context parent, final Duration timeout)
    {
        Objects.requireNonNull(timeout, "context: nil timeout");
        return CancelContext.withTimeout(requireParent(parent), timeout);
    }

    /**
     * A child of {@code parent} whose {@link #value(Object)} of {@code key} is {@code value}
     * ({@code context.WithValue}); every other lookup goes to the parent. It is done with its parent.
     *
     * @param parent the parent
     * @param key    the key, compared with {@code equals}: use a private class or constant of your
     *               own, so that no other package binds an equal key
     * @param value  the value; null shadows a binding of an outer context
     * @return the child
     * @throws NullPointerException "cannot create context from nil parent", or "nil key"
     */
    static Context withValue(final Context parent, final Object key, final Object value)
    {
        requireParent(parent);
        if (null == key)
        {
            throw new NullPointerException("nil key");
        }
        return new ValueContext(parent, key, value);
    }

    /**
     * Checks a parent argument (Go panics on a nil parent).
     *
     * @param parent the parent
     * @return {@code parent}
     * @throws NullPointerException "cannot create context from nil parent"
     */
    private static Context requireParent(final Context parent)
    {
        if (null == parent)
        {
            throw new NullPointerException("cannot create context from nil parent");
        }
        return parent;
    }
}
