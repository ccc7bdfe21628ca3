package io.goroutines.agent.install;

import io.goroutines.internal.diag.Dumps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The target's side of {@code java -jar goroutines.jar dump PID}: the command line attaches to the
 * JVM and loads this agent again with the argument {@code dump=FILE}; {@code agentmain} then writes
 * the goroutine dump to FILE instead of installing anything. A JVM that never started a goroutine
 * gets the first line {@link #NO_RUNTIME} and nothing else.
 */
public final class DumpRequest
{
    /** The agent argument's prefix. */
    public static final String PREFIX = "dump=";
    /** Written when the JVM runs no goroutines runtime. */
    public static final String NO_RUNTIME = "goroutines: no goroutine runtime runs in this JVM";

    private DumpRequest()
    {
    }

    /** Whether the agent argument asks for a dump. */
    public static boolean is(final String agentArgs)
    {
        return null != agentArgs && agentArgs.startsWith(PREFIX);
    }

    /**
     * Writes the dump to the file the argument names. Never throws: the target application must not
     * be disturbed; a failure is written to its stderr.
     */
    public static void answer(final String agentArgs)
    {
        final Path file = Path.of(agentArgs.substring(PREFIX.length()));
        try
        {
            final String dump = Dumps.remote();
            Files.writeString(file, null == dump ? NO_RUNTIME + "\n" : dump, StandardCharsets.UTF_8);
        }
        catch (final IOException | RuntimeException | LinkageError ex)
        {
            System.err.println("goroutines: could not write the goroutine dump asked for to " + file + ": " + ex);
        }
    }
}
