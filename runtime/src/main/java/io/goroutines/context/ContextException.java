package io.goroutines.context;

/**
 * The type of {@link Context#CANCELED} and {@link Context#DEADLINE_EXCEEDED}: Go's sentinel errors
 * {@code context.Canceled} and {@code context.DeadlineExceeded}.
 *
 * <p>Each is one shared instance compared with {@code ==}, as Go compares errors. A shared
 * exception must not carry the stack of whoever made it first, nor collect suppressed exceptions
 * or a cause from whoever throws it later, so the instances are built with stack trace and
 * suppression disabled and a null cause (which {@code initCause} cannot overwrite): they are
 * immutable.
 */
final class ContextException extends RuntimeException
{
    /** Serial form version. */
    private static final long serialVersionUID = 1L;

    /**
     * Creates a sentinel.
     *
     * @param message Go's error text
     */
    ContextException(final String message)
    {
        super(message, null, false, false);
    }
}
