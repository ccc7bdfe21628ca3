package io.goroutines.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The options of {@code -javaagent:goroutines.jar=OPTIONS} (SPEC.md section 1), parsed with Picocli.
 * <p>
 * The JVM hands the agent one string, {@code k=v,k2=v2,flag}. {@link #tokens(String)} turns it into
 * {@code --k=v} tokens for {@link CommandLine#parseArgs}, so that Picocli does the matching, the
 * conversion and the checks (unknown option, value given twice) while the agent decides what happens
 * next: {@code parseArgs} never prints and never exits, which is what code running inside
 * {@code premain} needs ({@code execute} would do both). A problem becomes a
 * {@link BadOptionException} whose message names the option, the value and the accepted forms.
 * <p>
 * Values are separated by commas, so no value can contain one: globs are separated by {@code ;}
 * ({@link ClassGlobs}) and a {@code trace} file name cannot have a comma.
 */
@Command(name = "goroutines.jar", description = "Options of -javaagent:goroutines.jar=OPTIONS.")
public final class AgentOptions
{
    /** Default of {@code preempt}, Go's own time slice. */
    public static final String DEFAULT_PREEMPT = "10ms";

    /** Default of {@code maxThreads}, Go's default {@code debug.SetMaxThreads}. */
    public static final String DEFAULT_MAX_THREADS = "10000";

    /** Default of {@code stack}: see the option's description for why. */
    public static final String DEFAULT_STACK = "16m";

    /** Default of {@code pinning}. */
    public static final String DEFAULT_PINNING = "warn";

    /** Default of {@code panic}. */
    public static final String DEFAULT_PANIC = "exit";

    /** Default of {@code deadlock}. */
    public static final String DEFAULT_DEADLOCK = "exit";

    /** Default of {@code inlining}. */
    public static final String DEFAULT_INLINING = "runtime";

    /** Environment variable that sets {@code procs} when the option is not given, as in Go. */
    public static final String ENV_GOMAXPROCS = "GOMAXPROCS";

    /** Status the JVM exits with when the options cannot be used (Go's status for a fatal error). */
    public static final int EXIT_BAD_OPTION = 2;

    /** Separates options in the agent string. */
    public static final String OPTION_SEPARATOR = ",";

    private static final String PREFIX = "--";

    /** Option {@code procs}: see its description. */
    @Option(names = "--procs", paramLabel = "N", converter = OptionConverters.Procs.class, description = {
        "Number of Ps: how many goroutines run in parallel, each on its own carrier thread.",
        "Default: $GOMAXPROCS if it is an integer >= 1 (any other value is ignored with a warning, as Go does),"
            + " else the number of available processors."})
    private Integer procs;

    /** Option {@code preempt}: see its description. */
    @Option(names = "--preempt", paramLabel = "DURATION", defaultValue = DEFAULT_PREEMPT,
        converter = OptionConverters.Duration.class, description = {
        "Time slice after which a running goroutine is asked to yield at its next preemption point"
            + " (a loop back-edge in rewritten code); off disables preemption. Units: ns, us, ms, s.",
        "Default: ${DEFAULT-VALUE}."})
    private long preemptNs;

    /** Option {@code maxThreads}: see its description. */
    @Option(names = "--maxThreads", paramLabel = "N", defaultValue = DEFAULT_MAX_THREADS,
        converter = OptionConverters.MaxThreads.class, description = {
        "Cap on carrier threads: carriers blocked in pinned or blocking calls are replaced by new ones"
            + " up to this number. At least procs.",
        "Default: ${DEFAULT-VALUE}."})
    private int maxThreads;

    /** Option {@code stack}: see its description. */
    @Option(names = "--stack", paramLabel = "SIZE", defaultValue = DEFAULT_STACK,
        converter = OptionConverters.StackSize.class, description = {
        "Java stack size of carrier threads: how deep a goroutine may recurse; a goroutine that overflows"
            + " it fails with a message naming this option. Units: k, m, g; from 256k to 1g (Go's own limit).",
        "Default: ${DEFAULT-VALUE}. Why: 16 times the JVM's usual 1m, room for about a hundred thousand"
            + " ordinary frames, the recursion depth Go programs expect to work; a thread stack is address"
            + " space that the OS commits only as it is used, so the size costs memory only where a"
            + " goroutine really recurses that deep."})
    private long stackBytes;

    /** Option {@code pinning}: see its description. */
    @Option(names = "--pinning", paramLabel = "warn|off|fail", defaultValue = DEFAULT_PINNING,
        converter = OptionConverters.Pinning.class, description = {
        "What happens when a goroutine must block its carrier thread (it suspends through a frame that was"
            + " not rewritten, or while holding a monitor): warn reports each call site once on stderr,"
            + " off says nothing, fail makes that park throw an IllegalStateException.",
        "Default: ${DEFAULT-VALUE}."})
    private PinningMode pinning;

    /** Option {@code panic}: see its description. */
    @Option(names = "--panic", paramLabel = "exit|log", defaultValue = DEFAULT_PANIC,
        converter = OptionConverters.Panic.class, description = {
        "An exception escaping a goroutine: exit prints it Go-style and exits with status 2,"
            + " log prints it and carries on.",
        "Default: ${DEFAULT-VALUE}."})
    private PanicMode panic;

    /** Option {@code deadlock}: see its description. */
    @Option(names = "--deadlock", paramLabel = "exit|warn|off", defaultValue = DEFAULT_DEADLOCK,
        converter = OptionConverters.Deadlock.class, description = {
        "When all goroutines are asleep: exit prints \"fatal error: all goroutines are asleep - deadlock!\""
            + " and every goroutine, then exits with status 2; warn prints the same and carries on;"
            + " off is silent.",
        "Default: ${DEFAULT-VALUE}."})
    private DeadlockMode deadlock;

    /** Option {@code inlining}: see its description. */
    @Option(names = "--inlining", paramLabel = "runtime|jvm", defaultValue = DEFAULT_INLINING,
        converter = OptionConverters.Inlining.class, description = {
        "runtime adds a HotSpot compiler directive at start-up (jcmd PID Compiler.directives_print shows it)"
            + " that keeps the runtime's slow paths (a park and its rewind, waking a parked goroutine or a"
            + " carrier, spawning) out of what the JIT inlines into"
            + " goroutine bodies, so they compile smaller and sooner, and leaves the agent's own classes to C1,"
            + " so that C2 compiles the program's hot methods first; jvm leaves both to the JVM. The"
            + " directive is not added when the command line steers inlining itself (-XX:CompileCommand with"
            + " inline or dontinline, -XX:CompileCommandFile, -XX:CompilerDirectivesFile), which it would override.",
        "Default: ${DEFAULT-VALUE}."})
    private InliningMode inlining;

    /** Option {@code debug}: see its description. */
    @Option(names = "--debug", paramLabel = "HOST:PORT", converter = OptionConverters.Debug.class, description = {
        "Serve the HTTP debug endpoint (goroutine dumps, metrics) at this address, e.g. localhost:6060:"
            + " /debug/goroutines?debug=1|2, /debug/goroutines.json, /debug/metrics. A host that is not a"
            + " loopback address is refused unless debugRemote is given too.",
        "Default: off."})
    private HostPort debug;

    /** Option {@code debugRemote}: see its description. */
    @Option(names = "--debugRemote", arity = "0..1", fallbackValue = "true", converter = OptionConverters.Flag.class,
        description = {
        "Let debug listen at an address other machines can reach (goroutine dumps show code and data"
            + " paths: only on a trusted network).",
        "Default: off."})
    private boolean debugRemote;

    /** Option {@code dumpSignal}: see its description. */
    @Option(names = "--dumpSignal", paramLabel = "SIGNAL", converter = OptionConverters.DumpSignal.class,
        description = {
        "Print every goroutine (the dump format of Go.stack) on stderr when the process gets this signal,"
            + " e.g. dumpSignal=USR2, then kill -USR2 PID.",
        "Default: off."})
    private String dumpSignal;

    /** Option {@code trace}: see its description. */
    @Option(names = "--trace", paramLabel = "FILE", converter = OptionConverters.TraceFile.class, description = {
        "Record what the scheduler does into this file (JSON of the Trace Event Format): open it in"
            + " Perfetto (ui.perfetto.dev) or chrome://tracing to see, per P, which goroutine ran when and why"
            + " it stopped, with starts, wake-ups, preemptions and hand-offs. The file is finished at exit and"
            + " trails a running program by about a second.",
        "Default: off."})
    private Path trace;

    /** Option {@code include}: see its description. */
    @Option(names = "--include", paramLabel = "GLOBS", converter = OptionConverters.Globs.class, description = {
        "Look only at classes matching these globs, separated by ';' (so quote the -javaagent argument in"
            + " a shell): '*' stays within a package, '**' crosses packages, '?' is one character, e.g."
            + " include=com.example.**;org.acme.Worker*. JDK classes are never looked at; the goroutines"
            + " runtime always is.",
        "Default: every class but the JDK's."})
    private ClassGlobs include = ClassGlobs.none();

    /** Option {@code exclude}: see its description. */
    @Option(names = "--exclude", paramLabel = "GLOBS", converter = OptionConverters.Globs.class, description = {
        "Never look at classes matching these globs (same form as include); exclude wins over include.",
        "Default: none."})
    private ClassGlobs exclude = ClassGlobs.none();

    /** Option {@code verbose}: see its description. */
    @Option(names = "--verbose", arity = "0..1", fallbackValue = "true", converter = OptionConverters.Flag.class,
        description = {
        "Log every transformed class and method on stderr, and the options in effect at start-up.",
        "Default: off."})
    private boolean verbose;

    /** Option {@code help}: see its description. */
    @Option(names = "--help", usageHelp = true, description = {
        "Print this text on stdout and exit with status 0 without running main.",
        "Default: off."})
    private boolean help;

    /** Test mode, see {@code TransformConfig.forceSuspend}: not for users, so not in the usage text. */
    @Option(names = "--forceSuspend", hidden = true, arity = "0..1", fallbackValue = "true",
        converter = OptionConverters.Flag.class)
    private boolean forceSuspend;

    private AgentOptions()
    {
    }

    /**
     * Parses the agent string.
     *
     * @param agentArgs what follows {@code =} in {@code -javaagent:goroutines.jar=...}; null or empty for
     *                  the defaults
     * @return the options; {@link #helpRequested()} says whether {@code help} was given
     * @throws BadOptionException naming the option, the value and the accepted forms
     */
    public static AgentOptions parse(final String agentArgs) throws BadOptionException
    {
        final List<String> tokens = tokens(agentArgs);
        if (tokens.isEmpty())
        {
            return defaults();
        }
        final AgentOptions options = new AgentOptions();
        final CommandLine commandLine = commandLine(options);
        try
        {
            commandLine.parseArgs(tokens.toArray(new String[0]));
        }
        catch (final ParameterException ex)
        {
            throw describe(ex, commandLine.getCommandSpec());
        }
        if (!options.help && null != options.debug && !options.debugRemote && !isLoopback(options.debug.host()))
        {
            throw new BadOptionException("goroutines: bad value '" + options.debug + "' for option 'debug': " +
                options.debug.host() + " is not a loopback address, so goroutine dumps would be served to other" +
                " machines (accepted: localhost:PORT, 127.0.0.1:PORT, [::1]:PORT; add the option debugRemote to" +
                " listen at another address)");
        }
        if (!options.help && null != options.procs && options.procs > options.maxThreads)
        {
            throw new BadOptionException("goroutines: bad value '" + options.procs + "' for option 'procs': more than" +
                " maxThreads=" + options.maxThreads + " (accepted: an integer from 1 to maxThreads; raise" +
                " maxThreads to run more Ps)");
        }
        return options;
    }

    /** Whether {@code host} names only loopback addresses; an unknown host is not. */
    static boolean isLoopback(final String host)
    {
        try
        {
            for (final java.net.InetAddress a : java.net.InetAddress.getAllByName(host))
            {
                if (!a.isLoopbackAddress())
                {
                    return false;
                }
            }
            return true;
        }
        catch (final java.net.UnknownHostException ex)
        {
            return false;
        }
    }

    /**
     * The defaults, without Picocli: most programs run with no options, and building Picocli's model
     * costs a good part of the agent's start-up. {@code AgentOptionsTest} checks that this gives what
     * Picocli gives.
     */
    private static AgentOptions defaults()
    {
        final AgentOptions options = new AgentOptions();
        options.preemptNs = OptionConverters.parseDurationNs(DEFAULT_PREEMPT);
        options.maxThreads = OptionConverters.parsePositiveInt(DEFAULT_MAX_THREADS);
        options.stackBytes = OptionConverters.parseStackBytes(DEFAULT_STACK);
        options.pinning = new OptionConverters.Pinning().convert(DEFAULT_PINNING);
        options.panic = new OptionConverters.Panic().convert(DEFAULT_PANIC);
        options.deadlock = new OptionConverters.Deadlock().convert(DEFAULT_DEADLOCK);
        options.inlining = new OptionConverters.Inlining().convert(DEFAULT_INLINING);
        return options;
    }

    /**
     * Splits the agent string into Picocli tokens: {@code procs=4,verbose} becomes
     * {@code --procs=4}, {@code --verbose}. Blanks around an option and empty options are dropped.
     *
     * @param agentArgs the agent string, may be null
     * @return the tokens
     */
    public static List<String> tokens(final String agentArgs)
    {
        final List<String> tokens = new ArrayList<>();
        if (null == agentArgs)
        {
            return tokens;
        }
        for (final String option : agentArgs.split(OPTION_SEPARATOR, -1))
        {
            final String trimmed = option.trim();
            if (!trimmed.isEmpty())
            {
                tokens.add(PREFIX + trimmed);
            }
        }
        return tokens;
    }

    /**
     * The text {@code help} prints: every option with its form, meaning and default.
     *
     * @param gomaxprocs          the value of {@code $GOMAXPROCS}, may be null
     * @param availableProcessors what the JVM reports
     * @return the usage text, ending with a line break
     */
    public static String usage(final String gomaxprocs, final int availableProcessors)
    {
        final AgentOptions defaults = new AgentOptions();
        final CommandLine commandLine = commandLine(defaults);
        commandLine.parseArgs(); // applies the defaults
        final CommandSpec spec = commandLine.getCommandSpec();
        final int procs = defaults.resolveProcs(gomaxprocs, availableProcessors, (warning) -> {});
        return UsageText.render(spec, procs);
    }

    /**
     * The number of Ps: the option if given, else {@code $GOMAXPROCS} if it is an integer >= 1, else
     * the available processors; never more than {@link #maxThreads()}.
     *
     * @param gomaxprocs          the value of {@code $GOMAXPROCS}, may be null
     * @param availableProcessors what the JVM reports
     * @param warn                receives one line when {@code $GOMAXPROCS} is set but unusable
     * @return the number of Ps, at least 1
     */
    public int resolveProcs(final String gomaxprocs, final int availableProcessors, final Consumer<String> warn)
    {
        if (null != procs)
        {
            return procs;
        }
        final int fallback = Math.max(1, Math.min(availableProcessors, maxThreads));
        if (null == gomaxprocs || gomaxprocs.isEmpty())
        {
            return fallback;
        }
        try
        {
            final int value = OptionConverters.parsePositiveInt(gomaxprocs);
            if (value > maxThreads)
            {
                warn.accept("goroutines: GOMAXPROCS=" + value + " is more than maxThreads=" + maxThreads +
                    "; using procs=" + maxThreads);
                return maxThreads;
            }
            return value;
        }
        catch (final TypeConversionException ex)
        {
            warn.accept("goroutines: ignoring GOMAXPROCS='" + gomaxprocs + "': " + ex.getMessage() +
                " (accepted: an integer >= 1); using procs=" + fallback + ", the number of available processors");
            return fallback;
        }
    }

    /**
     * One line with every option in effect, for {@code verbose}.
     *
     * @param resolvedProcs the result of {@link #resolveProcs}
     * @return e.g. {@code procs=8,preempt=10ms,...}
     */
    public String describe(final int resolvedProcs)
    {
        return "procs=" + resolvedProcs +
            ",preempt=" + OptionConverters.formatDuration(preemptNs) +
            ",maxThreads=" + maxThreads +
            ",stack=" + OptionConverters.formatSize(stackBytes) +
            ",pinning=" + OptionConverters.LowerCaseEnum.name(pinning) +
            ",panic=" + OptionConverters.LowerCaseEnum.name(panic) +
            ",deadlock=" + OptionConverters.LowerCaseEnum.name(deadlock) +
            ",inlining=" + OptionConverters.LowerCaseEnum.name(inlining) +
            ",debug=" + (null == debug ? "off" : debug) +
            (debugRemote ? ",debugRemote=true" : "") +
            (null == dumpSignal ? "" : ",dumpSignal=" + dumpSignal) +
            ",trace=" + (null == trace ? "off" : trace) +
            ",include=" + (include.isEmpty() ? "(all)" : include) +
            ",exclude=" + (exclude.isEmpty() ? "(none)" : exclude) +
            ",verbose=" + verbose;
    }

    /**
     * @return true when {@code help} was given: print {@link #usage} and exit
     */
    public boolean helpRequested()
    {
        return help;
    }

    /**
     * @return option {@code procs}, or null when not given (see {@link #resolveProcs})
     */
    public Integer procs()
    {
        return procs;
    }

    /**
     * @return option {@code preempt} in nanoseconds; {@link OptionConverters#PREEMPT_OFF} (0) for off
     */
    public long preemptNs()
    {
        return preemptNs;
    }

    /**
     * @return option {@code maxThreads}
     */
    public int maxThreads()
    {
        return maxThreads;
    }

    /**
     * @return option {@code stack} in bytes
     */
    public long stackBytes()
    {
        return stackBytes;
    }

    /**
     * @return option {@code pinning}
     */
    public PinningMode pinning()
    {
        return pinning;
    }

    /**
     * @return option {@code panic}
     */
    public PanicMode panic()
    {
        return panic;
    }

    /**
     * @return option {@code deadlock}
     */
    public DeadlockMode deadlock()
    {
        return deadlock;
    }

    /**
     * @return option {@code inlining}
     */
    public InliningMode inlining()
    {
        return inlining;
    }

    /**
     * @return option {@code dumpSignal} (e.g. {@code USR2}), or null when off
     */
    public String dumpSignal()
    {
        return dumpSignal;
    }

    /**
     * @return option {@code debug}, or null when off
     */
    public HostPort debug()
    {
        return debug;
    }

    /**
     * @return option {@code trace}, or null when off
     */
    public Path trace()
    {
        return trace;
    }

    /**
     * @return option {@code include}; empty means every class
     */
    public ClassGlobs include()
    {
        return include;
    }

    /**
     * @return option {@code exclude}; empty means none
     */
    public ClassGlobs exclude()
    {
        return exclude;
    }

    /**
     * @return option {@code verbose}
     */
    public boolean verbose()
    {
        return verbose;
    }

    /**
     * @return hidden test option {@code forceSuspend}
     */
    public boolean forceSuspend()
    {
        return forceSuspend;
    }

    private static CommandLine commandLine(final AgentOptions options)
    {
        return new CommandLine(options)
            .setExpandAtFiles(false)
            .setAbbreviatedOptionsAllowed(false)
            .setOverwrittenOptionsAllowed(false)
            .setPosixClusteredShortOptionsAllowed(false);
    }

    /**
     * Turns Picocli's exception into the user's message: which option, which value, what is accepted.
     */
    private static BadOptionException describe(final ParameterException ex, final CommandSpec spec)
    {
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty())
        {
            return unknownOption(unmatched.getUnmatched().get(0), spec);
        }
        final ArgSpec arg = ex instanceof OverwrittenOptionException overwritten ? overwritten.getOverwritten() :
            ex instanceof MissingParameterException missing && !missing.getMissing().isEmpty() ?
            missing.getMissing().get(0) : ex.getArgSpec();
        if (!(arg instanceof OptionSpec option))
        {
            return new BadOptionException("goroutines: bad agent options: " + ex.getMessage().replace("'--", "'") +
                " (see -javaagent:goroutines.jar=help)");
        }
        final String name = agentName(option);
        final String accepted = " (accepted: " + acceptedForms(option) + ")";
        if (ex instanceof OverwrittenOptionException)
        {
            return new BadOptionException("goroutines: option '" + name + "' is given more than once; give it once" +
                accepted);
        }
        if (ex instanceof MissingParameterException)
        {
            return new BadOptionException("goroutines: option '" + name + "' needs a value" + accepted);
        }
        final String reason = option.arity().max() == 0 ? "takes no value" :
            ex.getCause() instanceof TypeConversionException ? ex.getCause().getMessage() :
            ex.getMessage().replace("'--", "'");
        final String value = null == ex.getValue() ? "" : ex.getValue();
        return new BadOptionException("goroutines: bad value '" + value + "' for option '" + name + "': " + reason +
            accepted);
    }

    private static BadOptionException unknownOption(final String token, final CommandSpec spec)
    {
        final String text = token.startsWith(PREFIX) ? token.substring(PREFIX.length()) : token;
        final int eq = text.indexOf('=');
        final String name = eq < 0 ? text : text.substring(0, eq);
        final StringBuilder message = new StringBuilder("goroutines: unknown option '").append(name).append('\'');
        if (eq >= 0)
        {
            message.append(" with value '").append(text.substring(eq + 1)).append('\'');
        }
        final List<String> names = new ArrayList<>();
        String suggestion = null;
        for (final OptionSpec option : spec.options())
        {
            if (!option.hidden())
            {
                names.add(agentName(option));
                if (agentName(option).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
                {
                    suggestion = agentName(option);
                }
            }
        }
        if (null != suggestion)
        {
            message.append(" (did you mean '").append(suggestion).append("'?)");
        }
        return new BadOptionException(message.append("; accepted options: ").append(String.join(", ", names))
            .append(", given as key=value or, for a flag, the bare key").toString());
    }

    /**
     * @param option an option of this command
     * @return its name as the user writes it in the agent string, e.g. {@code procs}
     */
    static String agentName(final OptionSpec option)
    {
        final String name = option.longestName();
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    }

    private static String acceptedForms(final OptionSpec option)
    {
        for (final ITypeConverter<?> converter : option.converters())
        {
            if (converter instanceof AcceptedForms forms)
            {
                return forms.acceptedForms();
            }
        }
        return "the bare name " + agentName(option);
    }
}
