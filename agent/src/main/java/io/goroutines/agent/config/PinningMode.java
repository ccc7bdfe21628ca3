package io.goroutines.agent.config;

/**
 * Option {@code pinning}: what happens when a goroutine must block its carrier thread (a suspension
 * through a frame that was not rewritten, or while a monitor is held).
 */
public enum PinningMode
{
    /** Report each pinning call site once on stderr. */
    WARN,
    /** Say nothing. */
    OFF,
    /** Make the park throw an {@link IllegalStateException} naming the call site. */
    FAIL
}
