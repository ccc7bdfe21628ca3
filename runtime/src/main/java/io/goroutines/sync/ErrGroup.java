package io.goroutines.sync;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.Task;
import io.goroutines.annotation.Goroutine;
import io.goroutines.context.Context;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A group of goroutines working on subtasks of one task, as golang.org/x/sync/errgroup's
 * {@code Group}: {@link #await()} waits for all and reports the first failure.
 *
 * <p>{@code new ErrGroup()} is Go's zero group: no limit, no context. {@link #withContext(Context)}
 * derives a context that is cancelled at the first failure and when {@code await} returns.
 * {@link #setLimit(int)} bounds the active goroutines with a channel of that many tokens: {@code go}
 * waits for a token, {@code tryGo} gives up without one.
 *
 * <p>A task's exception is its error. An {@link Error} (an assertion, out of memory...) is recorded
 * as the group's failure too, and also rethrown, so that the runtime reports it as a panic: Go's
 * errgroup does not recover panics either.
 *
 * <p>Invariants: {@code failure} is set at most once, to the first failure to happen; the
 * WaitGroup counts the tasks started and not yet finished.
 */
public final class ErrGroup
{
    /** A token of the limit channel. */
    private static final Boolean TOKEN = Boolean.TRUE;

    /** Tasks started and not finished. */
    private final WaitGroup wg = new WaitGroup();
    /** The first failure, or null. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** The derived context, cancelled at the first failure and by await; null for a zero group. */
    private final Context.Cancelable ctx;
    /** One token per active task when limited, else null. */
    private volatile Chan<Boolean> tokens;

    /** A group with no limit and no context (Go's zero {@code errgroup.Group}). */
    public ErrGroup()
    {
        this.ctx = null;
    }

    private ErrGroup(final Context.Cancelable ctx)
    {
        this.ctx = ctx;
    }

    /**
     * A group with a context derived from {@code parent}, cancelled at the first failure and when
     * {@link #await()} returns.
     */
    public static ErrGroup withContext(final Context parent)
    {
        return new ErrGroup(Context.withCancel(Objects.requireNonNull(parent, "errgroup: null parent")));
    }

    /** The group's context: {@link Context#background()} for a group made without one. */
    public Context context()
    {
        return null == ctx ? Context.background() : ctx;
    }

    /**
     * Runs {@code task} in a new goroutine, first waiting while the limit's worth of tasks are active.
     *
     * @param task the subtask; its exception is the group's failure if it is the first
     */
    @Goroutine
    public void go(final Task task)
    {
        Objects.requireNonNull(task, "errgroup: null task");
        final Chan<Boolean> limit = tokens;
        if (null != limit)
        {
            limit.send(TOKEN);
        }
        start(task, limit);
    }

    /**
     * Runs {@code task} in a new goroutine only if the limit allows one more now.
     *
     * @return whether it was started
     */
    public boolean tryGo(final Task task)
    {
        Objects.requireNonNull(task, "errgroup: null task");
        final Chan<Boolean> limit = tokens;
        if (null != limit && !limit.trySend(TOKEN))
        {
            return false;
        }
        start(task, limit);
        return true;
    }

    /**
     * Limits the active tasks to {@code n}; negative means no limit, 0 refuses every task.
     *
     * @throws IllegalStateException when tasks are active under a limit
     */
    public void setLimit(final int n)
    {
        final Chan<Boolean> limit = tokens;
        if (null != limit && 0 != limit.len())
        {
            throw new IllegalStateException("errgroup: modify limit while " + limit.len() +
                " goroutines in the group are still active");
        }
        tokens = n < 0 ? null : Chan.make(n);
    }

    /**
     * Waits for every task, cancels the context, and reports the first failure.
     *
     * @throws RuntimeException the first failure, when unchecked (an Error is rethrown as it is)
     * @throws CompletionException wrapping the first failure, when it is a checked exception
     */
    @Goroutine
    public void await()
    {
        wg.await();
        if (null != ctx)
        {
            ctx.cancel();
        }
        final Throwable first = failure.get();
        if (first instanceof RuntimeException)
        {
            throw (RuntimeException)first;
        }
        if (first instanceof Error)
        {
            throw (Error)first;
        }
        if (null != first)
        {
            throw new CompletionException(first);
        }
    }

    private void start(final Task task, final Chan<Boolean> limit)
    {
        wg.add(1);
        Go.go(() ->
        {
            try
            {
                task.run();
            }
            catch (final Exception ex)
            {
                fail(ex);
            }
            catch (final Error err)
            {
                fail(err);
                throw err;
            }
            finally
            {
                if (null != limit)
                {
                    limit.recv();
                }
                wg.done();
            }
        });
    }

    private void fail(final Throwable t)
    {
        if (failure.compareAndSet(null, t) && null != ctx)
        {
            ctx.cancel();
        }
    }
}
