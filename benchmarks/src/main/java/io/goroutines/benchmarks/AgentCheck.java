package io.goroutines.benchmarks;

/**
 * Fails a trial at once when its fork runs without the goroutines agent, instead of measuring
 * {@code @Goroutine} code that nobody rewrote.
 * <p>
 * The benchmarks' {@code @Fork} adds {@code -javaagent:agent/target/goroutines.jar}, a path relative to
 * the directory the JMH command runs in (the repository root); {@code -jvmArgsAppend} on the command
 * line replaces it. The agent appends its jar to the class path, and benchmarks.jar has no copy of the
 * runtime, so the agent's entry class on the class path means the agent is there.
 */
final class AgentCheck
{
    /** The agent's {@code Premain-Class}, as a class path resource. */
    private static final String AGENT_CLASS = "io/goroutines/agent/GoroutinesAgent.class";

    private AgentCheck()
    {
    }

    /**
     * Throws unless the goroutines agent is loaded in this JVM.
     *
     * @throws IllegalStateException naming the two ways to give the forks the agent
     */
    static void requireAgent()
    {
        if (null == ClassLoader.getSystemResource(AGENT_CLASS))
        {
            throw new IllegalStateException(
                "benchmarks: this fork runs without the goroutines agent, so @Goroutine code would not be rewritten." +
                " Run the benchmarks from the repository root (each @Fork adds -javaagent:agent/target/goroutines.jar," +
                " built by mvn -B -q install -DskipTests) or give the path yourself:" +
                " java -jar benchmarks/target/benchmarks.jar -jvmArgsAppend -javaagent:/path/to/goroutines.jar");
        }
    }
}
