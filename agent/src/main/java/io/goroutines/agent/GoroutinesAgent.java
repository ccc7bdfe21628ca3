package io.goroutines.agent;

import java.lang.instrument.Instrumentation;

import io.goroutines.agent.install.Bootstrap;

/**
 * The entry point named by {@code Premain-Class} and {@code Agent-Class} in goroutines.jar.
 * <p>
 * Deliberately tiny and stateless: both entry points delegate to {@link Bootstrap}, and nothing
 * thrown there escapes, because an exception out of {@code premain} kills the JVM with a stack trace
 * instead of a message. The one deliberate exit is the one the user asked for: a bad option (status 2)
 * or {@code help} (status 0) ends the JVM before {@code main}, as SPEC.md section 3 says; with
 * {@code agentmain} the JVM is already running an application and is never ended.
 */
public final class GoroutinesAgent
{
    private GoroutinesAgent()
    {
    }

    /**
     * Called by the JVM before {@code main} for {@code -javaagent:goroutines.jar=OPTIONS}.
     *
     * @param agentArgs       the OPTIONS string, or null
     * @param instrumentation the JVM's instrumentation
     */
    public static void premain(final String agentArgs, final Instrumentation instrumentation)
    {
        start(agentArgs, instrumentation, false);
    }

    /**
     * Called by the JVM when the agent is attached to a running JVM.
     *
     * @param agentArgs       the OPTIONS string, or null
     * @param instrumentation the JVM's instrumentation
     */
    public static void agentmain(final String agentArgs, final Instrumentation instrumentation)
    {
        start(agentArgs, instrumentation, true);
    }

    private static void start(final String agentArgs, final Instrumentation instrumentation, final boolean attached)
    {
        final int status;
        try
        {
            status = Bootstrap.start(agentArgs, instrumentation, attached);
        }
        catch (final Throwable ex)
        {
            System.err.println("goroutines: the agent failed to start (" + ex + "); the program runs without it," +
                " so @Goroutine methods run as plain code and block their threads. Please report this with the" +
                " stack trace below");
            ex.printStackTrace();
            return;
        }
        if (Bootstrap.CONTINUE != status)
        {
            System.out.flush();
            System.err.flush();
            System.exit(status);
        }
    }
}
