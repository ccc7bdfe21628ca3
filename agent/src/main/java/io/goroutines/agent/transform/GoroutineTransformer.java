package io.goroutines.agent.transform;

/**
 * Entry point of the transform: class file in, rewritten class file (or null) out.
 * Stub: the real implementation is being written.
 */
public final class GoroutineTransformer
{
    private final TransformConfig config;
    private final java.util.function.Consumer<String> warn;

    /**
     * @param config what to do
     * @param warn   where warnings go (one line each, already prefixed "goroutines: ")
     */
    public GoroutineTransformer(final TransformConfig config, final java.util.function.Consumer<String> warn)
    {
        this.config = config;
        this.warn = warn;
    }

    /**
     * Rewrites the suspendable methods of one class.
     *
     * @param loader        the defining loader (null: bootstrap), used to read supertypes' class files
     * @param internalName  e.g. {@code com/example/Main}
     * @param classfile     the class file as loaded
     * @param canAddMembers false on retransformation (no new methods may be added)
     * @return the new class file, or null when nothing needs to change. Never throws: a class the
     *         transform cannot handle is left as it was, with a warning.
     */
    public byte[] transform(final ClassLoader loader, final String internalName, final byte[] classfile,
        final boolean canAddMembers)
    {
        return null;
    }
}
