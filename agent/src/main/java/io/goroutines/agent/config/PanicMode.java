package io.goroutines.agent.config;

/**
 * Option {@code panic}: what happens when an exception escapes a goroutine.
 */
public enum PanicMode
{
    /** Print it Go-style and exit with status 2, as Go does. */
    EXIT,
    /** Print it and carry on. */
    LOG
}
