package io.goroutines.agent.cli;

import java.util.concurrent.Callable;

import io.goroutines.agent.config.AgentOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code options}: the agent options with their defaults, the text {@code -javaagent:goroutines.jar=help}
 * prints (the README's option table is made from it).
 */
@Command(name = "options", description = "Print the agent options (-javaagent:goroutines.jar=OPTIONS) with their defaults.")
final class OptionsCommand implements Callable<Integer>
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
        spec.commandLine().getOut().print(AgentOptions.usage(
            System.getenv(AgentOptions.ENV_GOMAXPROCS), Runtime.getRuntime().availableProcessors()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
