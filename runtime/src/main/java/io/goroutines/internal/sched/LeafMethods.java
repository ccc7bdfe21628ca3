package io.goroutines.internal.sched;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

/**
 * Which of a runtime class's methods are hand-written leaves ({@link Leaf}), found once per class by
 * reflection: the public ones a caller calls ({@code Chan.send}), and the private helpers they wait
 * through ({@code Chan.sendSlow}). Stack walks look through both ({@code Pinning}); dumps show the
 * public one as the goroutine's innermost frame and leave the helpers out, as the runtime's other
 * internals.
 */
public final class LeafMethods
{
    /** Where the runtime's classes are: the only ones whose {@code @Leaf} counts. */
    private static final String RUNTIME = "io.goroutines.";

    /** A class's leaves as name and descriptor, and its private leaves' names. */
    private record Found(Set<String> leaves, Set<String> helpers)
    {
    }

    private static final ClassValue<Found> FOUND = new ClassValue<>()
    {
        @Override
        protected Found computeValue(final Class<?> type)
        {
            final Set<String> leaves = new HashSet<>();
            final Set<String> helpers = new HashSet<>();
            for (final Method m : type.getDeclaredMethods())
            {
                if (m.isAnnotationPresent(Leaf.class))
                {
                    leaves.add(m.getName() +
                        MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString());
                    if (Modifier.isPrivate(m.getModifiers()))
                    {
                        helpers.add(m.getName());
                    }
                }
            }
            return new Found(leaves, helpers);
        }
    };

    private LeafMethods()
    {
    }

    /**
     * Whether a method is a leaf or a leaf's helper.
     *
     * @param owner      its class
     * @param descriptor its name and descriptor, e.g. {@code send(Ljava/lang/Object;)V}
     * @return true for a {@code @Leaf} method of the runtime
     */
    public static boolean isLeaf(final Class<?> owner, final String descriptor)
    {
        return owner.getName().startsWith(RUNTIME) && FOUND.get(owner).leaves().contains(descriptor);
    }

    /**
     * Whether a stack trace's frame is in a leaf's private helper, which dumps leave out.
     *
     * @param className  the frame's class
     * @param methodName the frame's method
     * @return true for a private {@code @Leaf} method of the runtime (any overload of that name)
     */
    public static boolean isHelper(final String className, final String methodName)
    {
        if (!className.startsWith(RUNTIME))
        {
            return false;
        }
        try
        {
            final Class<?> owner = Class.forName(className, false, LeafMethods.class.getClassLoader());
            return FOUND.get(owner).helpers().contains(methodName);
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            return false;
        }
    }
}
