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
}
