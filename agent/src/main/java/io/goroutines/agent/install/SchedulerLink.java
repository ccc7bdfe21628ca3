package io.goroutines.agent.install;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * Hands the scheduler options to the runtime's {@code io.goroutines.internal.sched.Sched}, and the
 * diagnostics options ({@code pinning}, {@code panic}) to {@code io.goroutines.internal.diag.Pinning}
 * and {@code Panics}.
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

    /** The runtime's pinning diagnostics: static {@code configure(String mode)}, {@code warn|off|fail}. */
    static final String PINNING_CLASS = "io.goroutines.internal.diag.Pinning";

    /** The runtime's panic handling: static {@code configure(String mode)}, {@code exit|log}. */
    static final String PANICS_CLASS = "io.goroutines.internal.diag.Panics";

    /** The runtime's debug endpoint: static {@code configure(String hostPort)}. */
    static final String DEBUG_CLASS = "io.goroutines.internal.diag.DebugServer";

    /** The runtime's dump on a signal: static {@code configure(String signal)}. */
    static final String DUMP_SIGNAL_CLASS = "io.goroutines.internal.diag.DumpSignal";

    /** The runtime's trace file: static {@code configure(String file)}. */
    static final String TRACE_CLASS = "io.goroutines.internal.diag.Trace";

    /** The runtime's JMX MBean: static {@code configure(String on)}. */
    static final String MBEAN_CLASS = "io.goroutines.internal.diag.GoroutinesMBean";

    /** The runtime's compiler directive: static {@code configure(String mode)}, {@code runtime|jvm}. */
    static final String INLINING_CLASS = "io.goroutines.internal.jit.InliningDirective";

    /** The runtime's JFR events: static {@code configure(String on)}. */
    static final String JFR_CLASS = "io.goroutines.internal.diag.JfrEvents";

    /** The runtime's deadlock detection: static {@code configure(String mode)}, {@code exit|warn|off}. */
    static final String DEADLOCKS_CLASS = "io.goroutines.internal.diag.DeadlockReports";

    /**
     * The static method {@code configure(int procs, int maxThreads, long stackBytes, long preemptNs)} of
     * the scheduler, and {@code configure(String mode)} of the diagnostics classes.
     */
    static final String CONFIGURE = "configure";

    /**
     * The scheduler's static method {@code enableUnwinding()}: from then on goroutine roots are entered armed, so
     * parks in rewritten code unwind instead of pinning. Called once the transform is installed.
     */
    static final String ENABLE_UNWINDING = "enableUnwinding";

    /**
     * The runtime classes the agent configures; stand-ins in tests.
     *
     * @param sched     the scheduler, {@link #SCHED_CLASS}
     * @param pinning   the pinning diagnostics, {@link #PINNING_CLASS}
     * @param panics    the panic handling, {@link #PANICS_CLASS}
     * @param deadlocks the deadlock detection, {@link #DEADLOCKS_CLASS}
     * @param debug     the debug endpoint, {@link #DEBUG_CLASS}
     */
    record Targets(String sched, String pinning, String panics, String deadlocks, String debug)
    {
        /** The runtime's own classes. */
        static final Targets RUNTIME = new Targets(SCHED_CLASS, PINNING_CLASS, PANICS_CLASS, DEADLOCKS_CLASS,
            DEBUG_CLASS);
    }

    private SchedulerLink()
    {
    }

    /**
     * Calls the static {@code configure(String mode)} of a runtime diagnostics class, e.g.
     * {@code Pinning.configure("fail")} for {@code pinning=fail}.
     *
     * @param loader    loads the runtime (the agent's own loader)
     * @param className {@link #PINNING_CLASS}, {@link #PANICS_CLASS}, or a stand-in in tests
     * @param option    the option's name, for messages
     * @param value     its value as the user writes it (already checked by the option parser)
     * @param log       receives one line if the runtime does not take it
     * @return true when the runtime took the value
     */
    static boolean configureMode(
        final ClassLoader loader,
        final String className,
        final String option,
        final String value,
        final Consumer<String> log)
    {
        final String what = className + "." + CONFIGURE + "(String)";
        try
        {
            final Class<?> target = Class.forName(className, true, loader);
            target.getMethod(CONFIGURE, String.class).invoke(null, value);
            return true;
        }
        catch (final ClassNotFoundException | NoSuchMethodException | IllegalAccessException ex)
        {
            log.accept("goroutines: option " + option + "=" + value + " does not reach the runtime: this agent jar" +
                " has no public static " + what + " (" + ex + "); the runtime keeps its default. Rebuild" +
                " goroutines.jar from matching agent and runtime modules");
        }
        catch (final InvocationTargetException ex)
        {
            log.accept("goroutines: " + what + " refused " + option + "=" + value + " (" + ex.getCause() +
                "); the runtime keeps its default");
        }
        catch (final LinkageError ex)
        {
            log.accept("goroutines: " + className + " could not be loaded for option " + option + " (" + ex +
                "); the runtime keeps its default. Rebuild goroutines.jar");
        }
        return false;
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
