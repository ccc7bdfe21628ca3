package io.goroutines.agent.install;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;

import io.goroutines.agent.config.AgentOptions;
import io.goroutines.agent.config.AgentVersion;
import io.goroutines.agent.config.BadOptionException;
import io.goroutines.agent.config.InliningMode;
import io.goroutines.agent.config.OptionConverters;
import io.goroutines.agent.config.PinningMode;
import io.goroutines.agent.transform.GoroutineTransformer;
import io.goroutines.agent.transform.TransformConfig;

/**
 * What {@code premain} and {@code agentmain} do, in order:
 * <ol>
 *   <li>parse the options; on a bad one print why and ask for exit status 2, on {@code help} print the
 *       usage and ask for status 0 (with {@code agentmain}, into a JVM that is already running: print
 *       and go on without loading);</li>
 *   <li>install the transform ({@link Installer});</li>
 *   <li>only then configure the runtime's scheduler and its diagnostics ({@code pinning},
 *       {@code panic}) ({@link SchedulerLink}): the runtime has {@code @Goroutine} methods of its own,
 *       so none of its classes may load before step 2.</li>
 * </ol>
 * Nothing here touches {@code io.goroutines} classes outside the agent before step 3.
 * The caller exits the JVM when asked to: this class never does.
 */
public final class Bootstrap
{
    /** Returned when the program should run: no exit. */
    public static final int CONTINUE = -1;

    private Bootstrap()
    {
    }

    /**
     * Starts the agent in this JVM.
     *
     * @param agentArgs       the agent string, may be null
     * @param instrumentation from the JVM
     * @param attached        true from {@code agentmain}
     * @return {@link #CONTINUE}, or the status the JVM must exit with before {@code main}
     */
    public static int start(final String agentArgs, final Instrumentation instrumentation, final boolean attached)
    {
        return start(agentArgs, instrumentation, attached, System.getenv(AgentOptions.ENV_GOMAXPROCS),
            Runtime.getRuntime().availableProcessors(), System.out, System.err, SchedulerLink.Targets.RUNTIME);
    }

    /**
     * {@link #start(String, Instrumentation, boolean)} with its environment given, for tests.
     *
     * @param agentArgs           the agent string, may be null
     * @param instrumentation     from the JVM
     * @param attached            true from {@code agentmain}
     * @param gomaxprocs          the value of {@code $GOMAXPROCS}, may be null
     * @param availableProcessors what the JVM reports
     * @param out                 receives the usage text
     * @param err                 receives errors and warnings
     * @param runtime             the runtime classes to configure, stand-ins in tests
     * @return {@link #CONTINUE}, or the status the JVM must exit with before {@code main}
     */
    static int start(
        final String agentArgs,
        final Instrumentation instrumentation,
        final boolean attached,
        final String gomaxprocs,
        final int availableProcessors,
        final PrintStream out,
        final PrintStream err,
        final SchedulerLink.Targets runtime)
    {
        final Consumer<String> log = err::println;
        final AgentOptions options;
        try
        {
            options = AgentOptions.parse(agentArgs);
        }
        catch (final BadOptionException ex)
        {
            err.println(ex.getMessage());
            err.println(attached ?
                "goroutines: the agent is not loaded; -javaagent:goroutines.jar=help lists every option" :
                "goroutines: the program is not started; -javaagent:goroutines.jar=help lists every option");
            err.flush();
            return attached ? CONTINUE : AgentOptions.EXIT_BAD_OPTION;
        }
        if (options.helpRequested())
        {
            out.print(AgentOptions.usage(gomaxprocs, availableProcessors));
            out.flush();
            return attached ? CONTINUE : 0;
        }
        final int procs = options.resolveProcs(gomaxprocs, availableProcessors, log);
        install(options, instrumentation, attached, log);
        final ClassLoader loader = Bootstrap.class.getClassLoader();
        SchedulerLink.configure(loader, runtime.sched(), procs, options.maxThreads(), options.stackBytes(),
            options.preemptNs(), log);
        SchedulerLink.configureMode(loader, runtime.pinning(), "pinning",
            OptionConverters.LowerCaseEnum.name(options.pinning()), log);
        SchedulerLink.configureMode(loader, runtime.panics(), "panic",
            OptionConverters.LowerCaseEnum.name(options.panic()), log);
        if (!attached) // only premain runs on the main thread, which the detection watches
        {
            SchedulerLink.configureMode(loader, runtime.deadlocks(), "deadlock",
                OptionConverters.LowerCaseEnum.name(options.deadlock()), log);
        }
        if (null != options.debug())
        {
            SchedulerLink.configureMode(loader, runtime.debug(), "debug", options.debug().toString(), log);
        }
        if (SchedulerLink.Targets.RUNTIME == runtime) // not with the stand-ins of tests
        {
            // all three load their JDK parts (JMX, JFR) on a daemon thread of their own: main is not delayed
            if (InliningMode.RUNTIME == options.inlining() && null != instrumentation)
            {
                JdkAccess.openDiagnosticCommands(instrumentation, Bootstrap.class.getModule());
            }
            SchedulerLink.configureMode(loader, SchedulerLink.INLINING_CLASS, "inlining",
                OptionConverters.LowerCaseEnum.name(options.inlining()), log);
            SchedulerLink.configureMode(loader, SchedulerLink.MBEAN_CLASS, "jmx", "on", log);
            SchedulerLink.configureMode(loader, SchedulerLink.JFR_CLASS, "jfr", "on", log);
        }
        if (null != options.dumpSignal() && SchedulerLink.Targets.RUNTIME == runtime)
        {
            SchedulerLink.configureMode(loader, SchedulerLink.DUMP_SIGNAL_CLASS, "dumpSignal", options.dumpSignal(),
                log);
        }
        if (null != options.trace() && SchedulerLink.Targets.RUNTIME == runtime)
        {
            SchedulerLink.configureMode(loader, SchedulerLink.TRACE_CLASS, "trace", options.trace().toString(), log);
        }
        if (options.verbose())
        {
            log.accept("goroutines: agent " + AgentVersion.get() + " active on Java " + Runtime.version() + " with " +
                options.describe(procs));
        }
        return CONTINUE;
    }

    private static void install(
        final AgentOptions options, final Instrumentation instrumentation, final boolean attached,
        final Consumer<String> log)
    {
        final TransformConfig config = new TransformConfig(
            options.forceSuspend(), options.verbose(), PinningMode.WARN == options.pinning());
        final GoroutineTransformer transformer = new GoroutineTransformer(config, log);
        final ClassRewriter rewriter = new ClassRewriter()
        {
            @Override
            public byte[] rewrite(final ClassLoader loader, final String internalName, final byte[] classfile,
                final boolean canAddMembers)
            {
                return transformer.transform(loader, internalName, classfile, canAddMembers);
            }

            @Override
            public byte[] takeTokenOnly(final ClassLoader loader, final String internalName, final byte[] classfile)
            {
                return transformer.takeTokenOnly(loader, internalName, classfile);
            }
        };
        Installer.install(instrumentation, new ClassFilter(options.include(), options.exclude()),
            rewriter, log, options.verbose(), attached);
    }
}
