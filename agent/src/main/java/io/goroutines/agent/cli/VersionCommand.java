package io.goroutines.agent.cli;

import java.util.concurrent.Callable;

import io.goroutines.agent.config.AgentVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code version}: the agent's version and the JVM running it.
 */
@Command(name = "version", description = "Print the version of goroutines.jar and of the JVM running it.")
final class VersionCommand implements Callable<Integer>
{
    /** Injected by Picocli. */
    @Spec
    private CommandSpec spec;

    /**
     * @return 0
     */
    @Override
    public Integer call()
    {
        for (final String line : lines())
        {
            spec.commandLine().getOut().println(line);
        }
        return 0;
    }

    /**
     * @return {@code goroutines VERSION} and a line naming the JVM
     */
    static String[] lines()
    {
        return new String[]{
            "goroutines " + AgentVersion.get(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " +
                System.getProperty("java.vendor") + ")"};
    }

    /** For {@code --version} on the root command. */
    static final class Provider implements IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            return lines();
        }
    }
}
