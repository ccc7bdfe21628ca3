package io.goroutines.agent.config;

/**
 * The agent options cannot be used: an unknown option, a bad value, a value given twice.
 * <p>
 * The message is the complete text for the user, prefixed {@code goroutines: }, naming the option, the
 * value and the accepted forms. The agent prints it and stops the JVM with status 2 before {@code main}.
 */
public final class BadOptionException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the complete text for the user
     */
    public BadOptionException(final String message)
    {
        super(message, null, false, false);
    }
}
