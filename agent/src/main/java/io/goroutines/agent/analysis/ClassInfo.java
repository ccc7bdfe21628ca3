package io.goroutines.agent.analysis;

import java.util.Map;

/**
 * What the transform needs to know about a class without loading it: its place in the hierarchy
 * and which of its methods are {@code @Goroutine}.
 *
 * @param name        internal name
 * @param superName   internal name of the superclass, null for {@code java/lang/Object} and interfaces' Object
 * @param interfaces  internal names of the direct superinterfaces
 * @param isInterface whether it is an interface
 * @param isPublic    whether it is public (else only its package may name it)
 * @param methods     declared methods by {@code name + descriptor}
 */
public record ClassInfo(String name, String superName, String[] interfaces, boolean isInterface, boolean isPublic,
    Map<String, MethodInfo> methods)
{
    /**
     * A declared method.
     *
     * @param access    access flags
     * @param goroutine annotated {@code @Goroutine}
     */
    public record MethodInfo(int access, boolean goroutine)
    {
    }
}
