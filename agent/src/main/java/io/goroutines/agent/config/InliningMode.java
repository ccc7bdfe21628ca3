package io.goroutines.agent.config;

/**
 * Option {@code inlining}: who decides what the JIT inlines of the runtime.
 */
public enum InliningMode
{
    /** A compiler directive keeps the runtime's slow paths out of line (the runtime's {@code InliningDirective}). */
    RUNTIME,
    /** The JVM alone, as without the agent. */
    JVM
}
