package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.goroutines.it.apps.JitApp;

/**
 * Rewritten code must stay compilable by both of HotSpot's compilers, or it runs interpreted until
 * C2 takes it, long after warm-up: {@link JitApp} runs with C1 only ({@code -XX:TieredStopAtLevel=1})
 * and {@code -XX:+PrintCompilation}, and no method of the runtime's or the application's may be
 * skipped. Rewritten methods with a try/finally ({@code Chan.send}, {@code Chan.recv},
 * {@code JitApp.exchange}) were, while the token-dropping code sat inside javac's self-covering range
 * at the start of a finally handler.
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
}
