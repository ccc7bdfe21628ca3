package io.goroutines.agent.config;

/**
 * Option {@code deadlock}: what happens when every goroutine is asleep.
 */
public enum DeadlockMode
{
    /** Print {@code fatal error: all goroutines are asleep - deadlock!} and every goroutine, exit with status 2. */
    EXIT,
    /** Print the same and carry on. */
    WARN,
    /** Say nothing. */
    OFF
}
