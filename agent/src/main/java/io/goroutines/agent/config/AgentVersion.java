package io.goroutines.agent.config;

/**
 * The version of the agent, from the {@code Implementation-Version} that the build writes into the
 * manifest of goroutines.jar.
 */
public final class AgentVersion
{
    /** Shown when the classes do not come from goroutines.jar (an IDE, the module's tests). */
    public static final String UNKNOWN = "unknown (not running from goroutines.jar)";

    private AgentVersion()
    {
    }

    /**
     * @return e.g. {@code 0.1.0}, or {@link #UNKNOWN}
     */
    public static String get()
    {
        final String version = AgentVersion.class.getPackage().getImplementationVersion();
        return null == version ? UNKNOWN : version;
    }
}
