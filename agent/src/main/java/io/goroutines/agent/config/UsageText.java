package io.goroutines.agent.config;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Renders the agent options for {@code help} from the Picocli model, in the form the user writes them
 * ({@code procs=N}, not {@code --procs=N}): Picocli's own usage help would show the {@code --} tokens
 * that only exist inside the agent. The README's option table is generated from this text.
 */
final class UsageText
{
    /** Width of the text. */
    private static final int WIDTH = 100;

    /** Column where descriptions start. */
    private static final int INDENT = 26;

    private UsageText()
    {
    }

    /**
     * @param spec          the model of {@link AgentOptions}, with defaults applied
     * @param resolvedProcs procs on this machine when the option is not given
     * @return the usage text, ending with a line break
     */
    static String render(final CommandSpec spec, final int resolvedProcs)
    {
        final StringBuilder out = new StringBuilder()
            .append("Usage: java -javaagent:goroutines.jar[=OPTION,OPTION...] -jar app.jar\n")
            .append("Options are separated by commas; each is key=value, or the bare key of a flag.\n")
            .append("An unknown option or a bad value stops the JVM with status 2 before main runs.\n\n");
        for (final OptionSpec option : spec.options())
        {
            if (option.hidden())
            {
                continue;
            }
            final String name = AgentOptions.agentName(option);
            final String head = "  " + (option.arity().max() == 0 || option.arity().min() == 0 ? name :
                name + "=" + option.paramLabel());
            out.append(head);
            int column = head.length();
            if (column + 2 > INDENT)
            {
                out.append('\n');
                column = 0;
            }
            for (final String paragraph : option.description())
            {
                out.append(" ".repeat(INDENT - column));
                wrap(paragraph, out);
                column = 0;
            }
        }
        return out.append("\nHere: procs=").append(resolvedProcs).append(" when the option is not given.\n")
            .toString();
    }

    private static void wrap(final String paragraph, final StringBuilder out)
    {
        int column = INDENT;
        boolean first = true;
        for (final String word : paragraph.split(" "))
        {
            if (!first && column + 1 + word.length() > WIDTH)
            {
                out.append('\n').append(" ".repeat(INDENT));
                column = INDENT;
                first = true;
            }
            if (!first)
            {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
            first = false;
        }
        out.append('\n');
    }
}
