package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.goroutines.it.apps.OwnLibrariesApp;

/**
 * An application that brings its own, different versions of ASM, ByteBuddy and Agrona (this module's
 * test dependencies) uses them while the agent, with its relocated copies, is loaded: both work, and
 * each side loads its own version.
 */
class LibraryConflictIT
{
    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldLetAppAndAgentUseTheirOwnLibraryVersions(final Java java)
    {
        final Path asm = Locations.requiredPath("goroutines.app.asm.jar");
        final Path byteBuddy = Locations.requiredPath("goroutines.app.bytebuddy.jar");
        final Path agrona = Locations.requiredPath("goroutines.app.agrona.jar");

        final ChildJvm.Result result = ChildJvm.of(java)
            .agent("verbose")
            // the application's ByteBuddy predates Java 25: an application runs it so; the agent's copy
            // reads its own, relocated property and is not affected
            .jvmArgs("-Dnet.bytebuddy.experimental=true")
            .classpath(asm, byteBuddy, agrona)
            .main(OwnLibrariesApp.class)
            .run();

        assertEquals(0, result.exitCode(), result.describe());
        final Map<String, String> out = keyValues(result.stdout());
        assertTrue(out.get("asm").endsWith(asm.getFileName().toString()), result.describe());
        assertEquals("asm " + Locations.required("goroutines.app.asm.version"), out.get("asm-result"), result.describe());
        assertTrue(out.get("bytebuddy").endsWith(byteBuddy.getFileName().toString()), result.describe());
        assertEquals("bytebuddy", out.get("bytebuddy-result"), result.describe());
        assertTrue(out.get("agrona").endsWith(agrona.getFileName().toString()), result.describe());
        assertEquals("agrona 21", out.get("agrona-result"), result.describe());
        assertTrue(out.get("agent-asm").endsWith("goroutines.jar"), result.describe());
        assertEquals("012", out.get("goroutine-method"), result.describe());
        assertTrue(result.stderr().contains("goroutines: agent " + Locations.version() + " active"), result.describe());
        assertFalse(result.stderr().contains("could not transform"), result.describe());
    }

    private static Map<String, String> keyValues(final String stdout)
    {
        final Map<String, String> values = new HashMap<>();
        for (final String line : stdout.split("\\R"))
        {
            final int eq = line.indexOf('=');
            if (eq > 0)
            {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }
}
