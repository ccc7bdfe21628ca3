package io.goroutines.internal.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

class InliningDirectiveTest
{
    /** A pattern that names no method would keep nothing out of line, and HotSpot would not say so. */
    @Test
    void shouldNameOnlyMethodsThatExist() throws ClassNotFoundException
    {
        for (final String pattern : InliningDirective.OUT_OF_LINE)
        {
            final int dot = pattern.lastIndexOf('.');
            final Class<?> owner = Class.forName(pattern.substring(0, dot).replace('/', '.'));
            final String name = pattern.substring(dot + 1);
            final boolean declared = Arrays.stream(owner.getDeclaredMethods()).map(Method::getName).anyMatch(name::equals);
            assertTrue(declared, pattern + ": no method " + name + " in " + owner.getName());
        }
    }

    @Test
    void shouldKeepC2OffTheAgentAndWriteOneDirectiveForEveryOtherCompileWithEveryPatternNegated()
    {
        final String json = InliningDirective.json();

        assertTrue(json.startsWith("[{ match: \"io/goroutines/agent/*.*\", c2: { Exclude: true } },\n" +
            " { match: \"*.*\", inline: [\"-io/goroutines/"), json);
        assertTrue(json.endsWith("\"] }]"), json);
        for (final String pattern : InliningDirective.OUT_OF_LINE)
        {
            assertTrue(json.contains("\"-" + pattern + "\""), pattern + " in " + json);
        }
        assertEquals(InliningDirective.OUT_OF_LINE.size(), json.split("\"-").length - 1, json);
    }

    @Test
    void shouldLeaveACommandLineWithoutInliningSettingsAlone()
    {
        assertNull(InliningDirective.steering(options(Map.of())));
        assertNull(InliningDirective.steering(options(Map.of("CompileCommand", "quiet\nexclude,A::b"))));
    }

    @Test
    void shouldStepAsideWhenTheCommandLineSteersInlining()
    {
        assertEquals("-XX:CompilerDirectivesFile is given",
            InliningDirective.steering(options(Map.of("CompilerDirectivesFile", "mine.json"))));
        assertEquals("-XX:CompileCommandFile is given",
            InliningDirective.steering(options(Map.of("CompileCommandFile", "cmds"))));
        assertEquals("-XX:CompileCommand sets inlining (dontinline,A::b)",
            InliningDirective.steering(options(Map.of("CompileCommand", "quiet\ndontinline,A::b"))));
        assertEquals("-XX:CompileCommand sets inlining (inline,A::*)",
            InliningDirective.steering(options(Map.of("CompileCommand", "inline,A::*"))));
    }

    /**
     * End to end in this JVM: HotSpot takes the directive, and {@code Compiler.directives_print} shows
     * it. (It adds a directive to the test JVM, which the agent adds to every JVM it runs in anyway.)
     */
    @Test
    void shouldBeTakenByHotSpot() throws Exception
    {
        // this JVM has no agent to open the direct route: the platform MBean server's is taken
        assertNull(DiagnosticCommands.open());
        assertEquals("added through JMX", InliningDirective.add(InliningDirective.json(), null));

        final String printed = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
            new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
            new Object[] {new String[0]}, new String[] {String[].class.getName()}));
        for (final String pattern : InliningDirective.OUT_OF_LINE)
        {
            assertTrue(printed.contains("-" + pattern), pattern + " in\n" + printed);
        }
        assertTrue(printed.contains("io/goroutines/agent/*.*"), printed);
    }

    @Test
    void shouldReportAMalformedDirectiveAsFailed() throws Exception
    {
        final String outcome = InliningDirective.add("[{ match: \"*.*\", inline: [3] }]", null);

        assertTrue(outcome.startsWith("failed: "), outcome);
        assertFalse(outcome.contains("\n"), outcome);
    }

    /** JVM options as {@code HotSpotDiagnosticMXBean} would give them; empty for those not set. */
    private static UnaryOperator<String> options(final Map<String, String> set)
    {
        final Map<String, String> all = new HashMap<>(set);
        return name -> all.getOrDefault(name, "");
    }
}
