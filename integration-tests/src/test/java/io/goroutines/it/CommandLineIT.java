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

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldCheckTheSampleAppsJar(final Java java)
    {
        final String jar = Locations.requiredPath("goroutines.samples.jar").toString();
        final ChildJvm.Result result = ChildJvm.of(java).jar(Locations.agentJar(), "check", "--fail-on-pin", jar).run();

        assertEquals(0, result.exitCode(), "no sample pins: " + result.describe());
        assertTrue(result.stdout().contains("rewrite io.goroutines.samples.WorkerPool.worker("), result.describe());
        assertTrue(result.stdout().matches("(?s).*\\n\\d+ classes scanned, \\d+ methods to rewrite, 0 call sites that" +
            " would pin\\n"), result.describe());
    }
}
