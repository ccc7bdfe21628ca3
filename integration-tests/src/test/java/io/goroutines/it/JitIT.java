package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.goroutines.it.apps.InliningApp;
import io.goroutines.it.apps.JitApp;

/**
 * Rewritten code must stay compilable by both of HotSpot's compilers, or it runs interpreted until
 * C2 takes it, long after warm-up: {@link JitApp} runs with C1 only ({@code -XX:TieredStopAtLevel=1})
 * and {@code -XX:+PrintCompilation}, and no method of the runtime's or the application's may be
 * skipped. Rewritten methods with a try/finally ({@code Chan.send}, {@code Chan.recv},
 * {@code JitApp.exchange}) were, while the token-dropping code sat inside javac's self-covering range
 * at the start of a finally handler.
 * <p>
 * The agent's compiler directive ({@code inlining=runtime}, the runtime's {@code InliningDirective})
 * must reach HotSpot on both JDKs, silently, by the direct route the agent opens (outcome {@code added},
 * not {@code added through JMX}), and stay away when the user asked for none or steers inlining by hand.
 */
class JitIT
{
    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldLetC1CompileRewrittenMethodsWithTryFinally(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent()
            .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+PrintCompilation").main(JitApp.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        final List<String> lines = result.stdout().lines().toList();
        final long n = 20_000L;
        assertTrue(result.stderr().lines().toList().contains("sum " + (n * (n - 1) / 2 + n)), result.describe());
        for (final String method : List.of("io.goroutines.Chan::send ", "io.goroutines.Chan::recv ",
            "io.goroutines.it.apps.JitApp::exchange "))
        {
            assertTrue(lines.stream().anyMatch(l -> l.contains(method) && !l.contains("COMPILE SKIPPED")),
                method + "was never compiled\n" + result.describe());
        }
        final List<String> skipped = lines.stream()
            .filter(l -> l.contains("COMPILE SKIPPED") && l.contains("io.goroutines."))
            .toList();
        assertEquals(List.of(), skipped, "rewritten methods C1 gave up on");
    }

    /** A pattern of the directive, as {@code Compiler.directives_print} lists it. */
    private static final String OUT_OF_LINE = "-io/goroutines/internal/sched/Sched.unpark";
    /** The agent's classes, which C2 leaves to C1, as {@code Compiler.directives_print} lists them. */
    private static final String C2_EXCLUDED = "io/goroutines/agent/*.*";

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldAddTheCompilerDirectiveSilentlyByDefault(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(InliningApp.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stdout().startsWith(InliningApp.OUTCOME + "added\n"), result.describe());
        assertTrue(printed(result).contains(OUT_OF_LINE), result.describe());
        assertTrue(printed(result).contains(C2_EXCLUDED), result.describe());
        assertEquals("", result.stderr(), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldLeaveInliningToTheJvmWithInliningJvm(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("inlining=jvm").main(InliningApp.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stdout().startsWith(InliningApp.OUTCOME + "off\n"), result.describe());
        assertFalse(printed(result).contains("io/goroutines/"), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldNotOverrideTheUsersCompileCommands(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent()
            .jvmArgs("-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,java.lang.String::length")
            .main(InliningApp.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stdout().startsWith(InliningApp.OUTCOME +
            "skipped: -XX:CompileCommand sets inlining (dontinline,java.lang.String::length)\n"), result.describe());
        assertFalse(printed(result).contains("io/goroutines/"), result.describe());
    }

    /** What the JVM listed as its directives. */
    private static String printed(final ChildJvm.Result result)
    {
        final int at = result.stdout().indexOf(InliningApp.PRINTED + "\n");
        assertTrue(at >= 0, result.describe());
        return result.stdout().substring(at);
    }
}
