package io.goroutines.context;

import io.goroutines.Chan;
import io.goroutines.RecvChan;

import java.time.Instant;
import java.util.Optional;

/**
 * The roots of every context tree: {@link Context#background()} and {@link Context#todo()} (Go's
 * {@code emptyCtx}). Never cancelled, no deadline, no values.
 *
 * <p>Go's {@code Background().Done()} is a nil channel, which blocks every receive and never fires
 * in a {@code select}. Here it is {@link Chan#never()}, which behaves the same (a select case on it
 * costs nothing) and keeps {@code done()} non-null. A derived context recognises it and does not
 * watch it.
 */
final class EmptyContext implements Context
{
    /** The done channel of the roots: nothing ever happens on it. */
    static final RecvChan<Void> NEVER = Chan.never();

    /** {@link Context#background()}. */
    static final EmptyContext BACKGROUND = new EmptyContext("context.Background");

    /** {@link Context#todo()}. */
    static final EmptyContext TODO = new EmptyContext("context.TODO");

    /** What {@link #toString()} returns, as Go's {@code String()}. */
    private final String name;

    /**
     * Creates a root.
     *
     * @param name its Go name
     */
    private EmptyContext(final String name)
    {
        this.name = name;
    }

    /** {@inheritDoc} */
    @Override
    public RecvChan<Void> done()
    {
        return NEVER;
    }

    /** {@inheritDoc} */
    @Override
    public RuntimeException err()
    {
        return null;
    }

    /** {@inheritDoc} */
    @Override
    public Optional<Instant> deadline()
    {
        return Optional.empty();
    }

    /** {@inheritDoc} */
    @Override
    public Object value(final Object key)
    {
        return null;
    }

    /** {@inheritDoc} */
    @Override
    public String toString()
    {
        return name;
    }
}
