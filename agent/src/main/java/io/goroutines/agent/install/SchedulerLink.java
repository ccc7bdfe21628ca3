package io.goroutines.agent.install;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * Hands the scheduler options to the runtime's {@code io.goroutines.internal.sched.Sched}.
 * <p>
 * Reflection, for two reasons. Order: the runtime's classes have {@code @Goroutine} methods of their
 * own, so they must be loaded after the transformer is installed; a direct call would let the JVM load
 * {@code Sched} as soon as the agent's code that names it is linked. Independence: the agent compiles
 * and starts whatever the runtime's state, and a runtime without the method is reported, not fatal.
 */
final class SchedulerLink
{
    /** The runtime's scheduler. */
    static final String SCHED_CLASS = "io.goroutines.internal.sched.Sched";

    /** Its static method {@code configure(int procs, int maxThreads, long stackBytes, long preemptNs)}. */
    static final String CONFIGURE = "configure";

    /**
     * Its static method {@code enableUnwinding()}: from then on goroutine roots are entered armed, so
     * parks in rewritten code unwind instead of pinning. Called once the transform is installed.
     */
    static final String ENABLE_UNWINDING = "enableUnwinding";

    private SchedulerLink()
    {
    }

    /**
     * Calls {@code Sched.configure(procs, maxThreads, stackBytes, preemptNs)}, then
     * {@code Sched.enableUnwinding()}.
     *
     * @param loader     loads the runtime (the agent's own loader: the runtime is in the agent jar)
     * @param schedClass {@link #SCHED_CLASS}, or a stand-in in tests
     * @param procs      number of Ps, at least 1
     * @param maxThreads cap on carrier threads, at least procs
     * @param stackBytes carrier stack size
     * @param preemptNs  time slice in nanoseconds, 0 for off
     * @param log        receives one line if the runtime cannot be configured
     * @return true when the runtime took the options
     */
    static boolean configure(
        final ClassLoader loader,
        final String schedClass,
        final int procs,
        final int maxThreads,
        final long stackBytes,
        final long preemptNs,
        final Consumer<String> log)
    {
        final String what = schedClass + "." + CONFIGURE +
            "(int procs, int maxThreads, long stackBytes, long preemptNs) or " + ENABLE_UNWINDING + "()";
        try
        {
            final Class<?> sched = Class.forName(schedClass, true, loader);
            final Method configure = sched.getMethod(CONFIGURE, int.class, int.class, long.class, long.class);
            configure.invoke(null, procs, maxThreads, stackBytes, preemptNs);
            sched.getMethod(ENABLE_UNWINDING).invoke(null);
            return true;
        }
        catch (final ClassNotFoundException | NoSuchMethodException | IllegalAccessException ex)
        {
            log.accept("goroutines: the runtime in this agent jar has no public static " + what + " (" + ex +
                "); the scheduler is not configured and goroutines will pin. Rebuild goroutines.jar from" +
                " matching agent and runtime modules");
        }
        catch (final InvocationTargetException ex)
        {
            log.accept("goroutines: " + what + " failed (" + ex.getCause() + "); the scheduler runs with its" +
                " own defaults");
        }
        catch (final LinkageError ex)
        {
            log.accept("goroutines: the runtime's scheduler could not be loaded (" + ex + "); goroutines will" +
                " not run. Rebuild goroutines.jar");
        }
        return false;
    }
}
