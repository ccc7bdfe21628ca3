package io.goroutines.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar goroutines.jar COMMAND}: the standalone command line (SPEC.md section 4).
 * <p>
 * Unlike the agent, this is a program of its own, so it uses Picocli's {@code execute} and returns
 * exit codes: 0 on success, 2 for a usage error (unknown command or option), 1 when a command fails.
 * Commands: {@code version}, {@code options} (the agent options, as {@code -javaagent:...=help}
 * prints them), {@code dump PID} (a running JVM's goroutines), {@code check JAR|DIR} (what the agent
 * would rewrite and every call site that would pin) and {@code help}.
 */
@Command(
    name = "goroutines.jar",
    description = {
        "Goroutines for Java: run an application with -javaagent:goroutines.jar[=OPTIONS].",
        "This command line inspects it."},
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    versionProvider = VersionCommand.Provider.class,
    subcommands = {VersionCommand.class, OptionsCommand.class, DumpCommand.class, CheckCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer>
{
    /** Exit status of a usage error, Picocli's default. */
    static final int EXIT_USAGE = 2;

    /** Injected by Picocli. */
    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the command and its arguments
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line.
     *
     * @param args the command and its arguments
     * @param out  standard output
     * @param err  standard error
     * @return the exit status
     */
    public static int run(final String[] args, final PrintWriter out, final PrintWriter err)
    {
        return new CommandLine(new Main()).setOut(out).setErr(err).execute(args);
    }

    /**
     * Without a command: print the usage on stderr, a usage error.
     *
     * @return {@link #EXIT_USAGE}
     */
    @Override
    public Integer call()
    {
        spec.commandLine().getErr().println("goroutines: no command given");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }
}
