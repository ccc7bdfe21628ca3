package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code java -jar goroutines.jar ...} (SPEC.md section 4).
 */
class CommandLineIT
{
    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldPrintVersion(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).jar(Locations.agentJar(), "version").run();

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stdout().startsWith("goroutines " + Locations.version() + System.lineSeparator() + "Java " +
            java.feature()), result.describe());
    }

    @Test
    void shouldListCommandsOnHelp()
    {
        final ChildJvm.Result result = ChildJvm.of(Java.V17).jar(Locations.agentJar(), "help").run();

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stdout().contains("version") && result.stdout().contains("options"), result.describe());
    }

    @Test
    void shouldFailWithUsageWithoutCommand()
    {
        final ChildJvm.Result result = ChildJvm.of(Java.V17).jar(Locations.agentJar()).run();

        assertEquals(2, result.exitCode(), result.describe());
        assertTrue(result.stderr().startsWith("goroutines: no command given"), result.describe());
    }
}
