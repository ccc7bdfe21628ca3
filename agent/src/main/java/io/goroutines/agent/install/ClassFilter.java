package io.goroutines.agent.install;

import io.goroutines.agent.config.ClassGlobs;

/**
 * Which classes the agent looks at, decided from the defining loader and the internal name alone,
 * before the class file is parsed: this runs for every class the JVM loads, so it is a few reference
 * and prefix comparisons plus, only when {@code include}/{@code exclude} are given, one regular
 * expression match.
 * <ol>
 *   <li>never: bootstrap and platform classes (the JDK), names under {@code java/}, {@code jdk/},
 *       {@code sun/}, {@code com/sun/} (JDK classes defined by other loaders, e.g. reflection
 *       accessors), and the agent itself with its shaded libraries ({@code io/goroutines/agent/});</li>
 *   <li>never: classes matching {@code exclude};</li>
 *   <li>always: the goroutines runtime ({@code io/goroutines/}), whose own primitives are
 *       {@code @Goroutine} methods, whatever {@code include} says;</li>
 *   <li>otherwise: every class when {@code include} is empty, else those it matches.</li>
 * </ol>
 */
public final class ClassFilter
{
    /** Package of the agent and its shaded libraries: never transformed. */
    public static final String AGENT_PREFIX = "io/goroutines/agent/";

    /** Package of the runtime: always looked at, unless excluded. */
    public static final String RUNTIME_PREFIX = "io/goroutines/";

    private static final String[] JDK_PREFIXES = {"java/", "jdk/", "sun/", "com/sun/"};

    private final ClassGlobs include;
    private final ClassGlobs exclude;
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();

    /**
     * @param include option {@code include}; empty for every class
     * @param exclude option {@code exclude}; empty for none
     */
    public ClassFilter(final ClassGlobs include, final ClassGlobs exclude)
    {
        this.include = include;
        this.exclude = exclude;
    }

    /**
     * @param loader       the defining loader, null for the bootstrap loader
     * @param internalName e.g. {@code com/example/Main}; may be null (the JVM passes null for some
     *                     generated classes)
     * @return true when the class is passed to the transform
     */
    public boolean accepts(final ClassLoader loader, final String internalName)
    {
        if (null == loader || null == internalName || loader == platformLoader || isJdkOrAgent(internalName))
        {
            return false;
        }
        if (exclude.matches(internalName))
        {
            return false;
        }
        return internalName.startsWith(RUNTIME_PREFIX) || include.isEmpty() || include.matches(internalName);
    }

    /**
     * Whether the class is one the options leave out ({@code exclude}, or not matched by
     * {@code include}) although it is neither a JDK nor an agent class: such a class is not rewritten,
     * but its suspendable methods still take the caller's token (see
     * {@code GoroutineTransformer.takeTokenOnly}), so a goroutine that calls them pins instead of
     * carrying the token into code further down.
     */
    public boolean leftOutByOptions(final ClassLoader loader, final String internalName)
    {
        return null != loader && null != internalName && loader != platformLoader && !isJdkOrAgent(internalName)
            && !accepts(loader, internalName);
    }

    private static boolean isJdkOrAgent(final String internalName)
    {
        if (internalName.startsWith("jdk/proxy") || internalName.startsWith("com/sun/proxy/"))
        {
            return false; // a dynamic proxy may implement a @Goroutine interface: it must take the token
        }
        for (final String prefix : JDK_PREFIXES)
        {
            if (internalName.startsWith(prefix))
            {
                return true;
            }
        }
        return internalName.startsWith(AGENT_PREFIX);
    }
}
