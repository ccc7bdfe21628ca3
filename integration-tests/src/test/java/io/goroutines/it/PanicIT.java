package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.goroutines.it.apps.PanicApp;

/**
 * An exception escaping a goroutine (SPEC.md section 3): printed Go-style, then exit status 2 by
 * default ({@code panic=exit}), or the program carries on with {@code panic=log}.
 */
class PanicIT
{
    /** The report's start: the exception, a blank line, the goroutine (main's first) and its top frame. */
    private static String reportStart()
    {
        return "panic: java.lang.IllegalStateException: " + PanicApp.MESSAGE + "\n\n" +
            "goroutine 2 [running]:\n" +
            "io.goroutines.it.apps.PanicApp.explode(PanicApp.java:" + SourceLines.of(PanicApp.class, "line:explode") +
            ")\n";
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldPrintGoStyleReportAndExitWithStatus2ByDefault(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(PanicApp.class, "exit").run();

        assertEquals(2, result.exitCode(), result.describe());
        assertEquals(PanicApp.BEFORE + System.lineSeparator(), result.stdout(), result.describe());
        assertTrue(result.stderr().startsWith(reportStart()), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldPrintGoStyleReportAndCarryOnWithPanicLog(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("panic=log").main(PanicApp.class, "log").run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(PanicApp.BEFORE + System.lineSeparator() + PanicApp.AFTER + System.lineSeparator(),
            result.stdout(), result.describe());
        assertTrue(result.stderr().startsWith(reportStart()), result.describe());
    }
}
