package io.goroutines.internal.jit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Runs a HotSpot diagnostic command ({@code jcmd PID <command>}) in this JVM without the platform
 * MBean server.
 *
 * <h2>Why</h2>
 * The public route to a diagnostic command is the {@code DiagnosticCommand} MBean, reached through
 * {@code ManagementFactory.getPlatformMBeanServer()}. Starting that server registers every platform
 * MBean: 0.2-0.3 s of CPU at start-up on a small machine, and the compiler directive that waits for it
 * comes too late for the first compiles of a short program's hot methods. The MBean's implementation,
 * {@code com.sun.management.internal.DiagnosticCommandImpl} in {@code jdk.management}, runs a command
 * through one native method; called directly, a command takes a few milliseconds.
 *
 * <h2>When</h2>
 * Only where {@code jdk.management} opens that package to this runtime: the agent asks for it with
 * {@code Instrumentation.redefineModule} at start-up. Otherwise (no agent, a JVM without the module,
 * a JDK whose implementation differs) {@link #open()} answers null, and the caller takes the MBean
 * route.
 */
final class DiagnosticCommands
{
    /** The module that holds the implementation. */
    static final String MODULE = "jdk.management";
    /** Its package, which the agent opens to the runtime. */
    static final String PACKAGE = "com.sun.management.internal";
    /** Its provider of platform MBeans, whose class initialisation loads the native library. */
    private static final String PROVIDER = PACKAGE + ".PlatformMBeanProviderImpl";
    /** The MBean's implementation. */
    private static final String IMPL = PACKAGE + ".DiagnosticCommandImpl";

    private final Object impl;
    private final Method execute;

    private DiagnosticCommands(final Object impl, final Method execute)
    {
        this.impl = impl;
        this.execute = execute;
    }

    /**
     * The direct route, or null where it is not open to the runtime or not there.
     *
     * @return a runner of commands, or null
     */
    static DiagnosticCommands open()
    {
        final Module module = ModuleLayer.boot().findModule(MODULE).orElse(null);
        if (null == module || !module.isOpen(PACKAGE, DiagnosticCommands.class.getModule()))
        {
            return null;
        }
        try
        {
            Class.forName(PROVIDER, true, ClassLoader.getPlatformClassLoader());
            final Class<?> c = Class.forName(IMPL, true, ClassLoader.getPlatformClassLoader());
            final Method get = c.getDeclaredMethod("getDiagnosticCommandMBean");
            get.setAccessible(true);
            final Object impl = get.invoke(null);
            final Method execute = c.getDeclaredMethod("executeDiagnosticCommand", String.class);
            execute.setAccessible(true);
            return null == impl ? null : new DiagnosticCommands(impl, execute);
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            return null; // not the implementation this was written against: take the public route
        }
    }

    /**
     * Runs one command line, as {@code jcmd} would send it.
     *
     * @param commandLine the command and its arguments, e.g. {@code Compiler.directives_add /tmp/d.json}
     * @return what the command printed
     * @throws Exception what the command threw (a malformed argument, say)
     */
    String execute(final String commandLine) throws Exception
    {
        try
        {
            return String.valueOf(execute.invoke(impl, commandLine));
        }
        catch (final InvocationTargetException ex)
        {
            final Throwable cause = ex.getCause();
            throw cause instanceof Exception ? (Exception)cause : ex;
        }
    }
}
