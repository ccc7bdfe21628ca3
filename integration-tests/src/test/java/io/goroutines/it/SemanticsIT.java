package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.goroutines.it.apps.SemanticsApp;

/**
 * GO-SEMANTICS.md item by item under the agent: {@link SemanticsApp} runs every item's check in one
 * child JVM per Java version and prints a line per item; each line becomes a test named after its
 * item, so a broken item fails by name. An item that cannot apply to Java is reported as skipped
 * with the reason.
 */
class SemanticsIT
{
    /** The whole checklist takes a few seconds; the limit only catches a check that hangs. */
    private static final Duration LIMIT = Duration.ofMinutes(4);

    /** A leak report: its first line and its indented lines. */
    private static final Pattern LEAK_REPORT = Pattern.compile(
        "goroutines: goroutine \\d+ leaked \\[[^\\]]+\\]: [^\n]*\n(    [^\n]*\n)*");

    @TestFactory
    Stream<DynamicNode> shouldHoldEveryItemOfGoSemantics()
    {
        return Stream.of(Java.values()).map(java -> DynamicContainer.dynamicContainer("Java " + java.feature(),
            Stream.of(java).flatMap(SemanticsIT::items)));
    }

    private static Stream<DynamicNode> items(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("pinning=fail").timeout(LIMIT).main(SemanticsApp.class).run();
        final List<DynamicNode> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("the checklist ran to the end", () ->
        {
            assertEquals(0, result.exitCode(), result.describe());
            assertTrue(result.stdout().contains(SemanticsApp.DONE), result.describe());
            // goroutines the checklist leaves blocked for good (blocking checks, the sieve's filters)
            // are found leaked once collected: their reports are expected, nothing else is
            assertEquals("", LEAK_REPORT.matcher(result.stderr()).replaceAll(""),
                "nothing pinned or panicked\n" + result.describe());
        }));
        for (final String line : result.stdout().split("\\R"))
        {
            final int space = line.indexOf(' ');
            if (space < 0 || !line.substring(space + 1).matches("(item\\d+|stress) .*"))
            {
                continue;
            }
            final String verdict = line.substring(0, space);
            final String rest = line.substring(space + 1);
            final int colon = rest.indexOf(": ");
            final String name = colon < 0 ? rest : rest.substring(0, colon);
            final String detail = colon < 0 ? "" : rest.substring(colon + 2);
            tests.add(DynamicTest.dynamicTest(name, () ->
            {
                switch (verdict)
                {
                    case "PASS" ->
                    {
                    }
                    case "SKIP" -> Assumptions.abort("not applicable to Java: " + detail);
                    default -> fail(detail);
                }
            }));
        }
        return tests.stream();
    }
}
