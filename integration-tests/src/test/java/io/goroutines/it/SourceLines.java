package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Line numbers of marked lines in the programs under {@code io.goroutines.it.apps}, so that a test can
 * expect {@code Main.java:42} in a report without hard-coding 42: a line ending with the comment
 * {@code // MARKER} is looked up in the program's source (this module's src/test/java, found next to
 * the compiled test classes).
 */
public final class SourceLines
{
    private SourceLines()
    {
    }

    /**
     * @param program a program compiled from this module's test sources
     * @param marker  the comment text after {@code //} at the end of exactly one line
     * @return that line's number, from 1
     */
    public static int of(final Class<?> program, final String marker)
    {
        final Path source = Locations.testClasses().getParent().getParent().resolve("src/test/java")
            .resolve(program.getName().replace('.', '/') + ".java");
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("SourceLines: cannot read " + source, ex);
        }
        int found = -1;
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).stripTrailing().endsWith("// " + marker))
            {
                if (found >= 0)
                {
                    fail("SourceLines: marker '" + marker + "' is on lines " + found + " and " + (i + 1) + " of " +
                        source);
                }
                found = i + 1;
            }
        }
        if (found < 0)
        {
            fail("SourceLines: no line of " + source + " ends with '// " + marker + "'");
        }
        return found;
    }
}
