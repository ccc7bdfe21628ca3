package io.goroutines.agent.install;

/**
 * What the installed transformer calls for each class it looks at. In production this is
 * {@code GoroutineTransformer::transform}; tests pass their own.
 */
@FunctionalInterface
public interface ClassRewriter
{
    /**
     * @param loader        the defining loader, never null (bootstrap classes are never passed)
     * @param internalName  e.g. {@code com/example/Main}
     * @param classfile     the class file as it would be defined
     * @param canAddMembers false when the class is being retransformed or redefined and was not
     *                      rewritten at its first load: the JVM forbids new methods then
     * @return the new class file, or null when nothing changes
     */
    byte[] rewrite(ClassLoader loader, String internalName, byte[] classfile, boolean canAddMembers);

    /**
     * For a class the options leave out: only make its suspendable methods take the caller's token.
     *
     * @return the new class file, or null when nothing needs to change
     */
    default byte[] takeTokenOnly(final ClassLoader loader, final String internalName, final byte[] classfile)
    {
        return null;
    }
}
