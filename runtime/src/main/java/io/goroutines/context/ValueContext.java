package io.goroutines.context;

import io.goroutines.RecvChan;

import java.time.Instant;
import java.util.Optional;

/**
 * A context that binds one key to one value ({@link Context#withValue}; Go's {@code valueCtx}).
 * Everything else (done, err, deadline) is its parent's.
 *
 * <p>Lookups ({@link #lookup}) walk up the chain in a loop rather than by recursion, as Go's
 * {@code value()} does, so a long chain of values costs no stack; the walk stops at the first
 * binding of an equal key, so the innermost binding wins and a null value shadows an outer one. The
 * walk also answers {@link CancelContext#CANCEL_KEY}, the private key through which a derived context
 * finds the nearest cancelable ancestor even behind a wrapper of the user's.
 *
 * <p>Invariants: {@code parent != null}; {@code key != null}. Immutable.
 */
final class ValueContext implements Context
{
    /** The parent. */
    private final Context parent;
    /** The key, never null. */
    private final Object key;
    /** The value, may be null. */
    private final Object value;

    /**
     * Binds {@code key} to {@code value} below {@code parent}.
     *
     * @param parent the parent, not null
     * @param key    the key, not null
     * @param value  the value
     */
    ValueContext(final Context parent, final Object key, final Object value)
    {
        this.parent = parent;
        this.key = key;
        this.value = value;
    }

    /** {@inheritDoc} */
    @Override
    public RecvChan<Void> done()
    {
        return parent.done();
    }

    /** {@inheritDoc} */
    @Override
    public RuntimeException err()
    {
        return parent.err();
    }

    /** {@inheritDoc} */
    @Override
    public Optional<Instant> deadline()
    {
        return parent.deadline();
    }

    /** {@inheritDoc} */
    @Override
    public Object value(final Object key)
    {
        return lookup(this, key);
    }

    /** The parent, for walks up the chain. */
    Context parent()
    {
        return parent;
    }

    /** {@inheritDoc} */
    @Override
    public String toString()
    {
        return parent + ".WithValue(" + stringify(key) + ", " + stringify(value) + ")";
    }

    /**
     * Go's {@code value(c, key)}: walks from {@code start} towards the root until a context answers.
     *
     * @param start where to start
     * @param key   the key, possibly {@link CancelContext#CANCEL_KEY}
     * @return the innermost binding of {@code key}, the nearest {@link CancelContext} for
     *         {@code CANCEL_KEY}, or what a context of the user's answers
     */
    static Object lookup(final Context start, final Object key)
    {
        Context c = start;
        for (;;)
        {
            if (c instanceof ValueContext)
            {
                final ValueContext v = (ValueContext)c;
                if (v.key.equals(key))
                {
                    return v.value;
                }
                c = v.parent;
            }
            else if (c instanceof CancelContext)
            {
                final CancelContext cc = (CancelContext)c;
                if (CancelContext.CANCEL_KEY == key)
                {
                    return cc;
                }
                c = cc.parent();
            }
            else if (c instanceof EmptyContext)
            {
                return null;
            }
            else
            {
                return c.value(key); // a context of the user's
            }
        }
    }

    /**
     * Text of a key or value in {@link #toString()}: {@code <nil>} for null as in Go, else its own
     * {@code toString()} (every Java object is a {@code fmt.Stringer}).
     */
    private static String stringify(final Object o)
    {
        return null == o ? "<nil>" : o.toString();
    }
}
