package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.goroutines.it.apps.PinningApp;

/**
 * Pinning diagnostics (SPEC.md section 3, option {@code pinning}) on Java 17 and Java 25, with
 * {@link PinningApp}: eleven call sites that make a goroutine block its carrier, each pinned
 * {@value PinningApp#ROUNDS} times.
 * <ul>
 *   <li>{@code warn} (the default): one stderr line per site, naming the reason, the frame that was
 *       not rewritten and the {@code @Goroutine} method it entered, with lines, and what to do; the
 *       program still completes with the right values, each receive counted once; the same with
 *       {@code forceSuspend}, where every rewritten call around the pins really suspends;</li>
 *   <li>{@code off}: the same program, silent;</li>
 *   <li>{@code fail}: every pinned park throws an IllegalStateException with the same text, and the
 *       receive it was part of leaves no waiter behind.</li>
 * </ul>
 * Lines of the program are looked up by their {@code // site:NAME} markers; lines of JDK and runtime
 * classes, which differ between versions, and javac's lambda numbers are matched as any number.
 */
class PinningIT
{
    private static final String APP = "io.goroutines.it.apps.PinningApp";
    private static final String PREFIX = "goroutines: pinning (";
    private static final String NUMBER = "\\d+";
    private static final String SO = ", so its goroutine blocks its carrier thread when it parks; ";
    private static final String MUTEX =
        " (or guard the data with io.goroutines.sync.Mutex, which parks instead of blocking)";
    private static final String LAMBDA_HINT = "a lambda runs as plain code unless its functional interface method is" +
        " @Goroutine: use io.goroutines.Task or Action, or annotate the interface method @Goroutine";
    private static final String JDK_HINT = "JDK code is never rewritten: call it directly from @Goroutine code" +
        " (a for loop instead of forEach or a stream)";

    @ParameterizedTest(name = "{0} agent options {1}")
    @MethodSource("io.goroutines.it.Java#withAndWithoutForceSuspend")
    void shouldReportEachSiteOnceAndStillComplete(final Java java, final String agentOptions)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent(agentOptions).main(PinningApp.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(completedOutput(), result.stdout(), result.describe());
        final List<String> lines = result.stderr().lines().toList();
        final Map<String, Pattern> expected = expectedReports();
        assertEquals(expected.size(), lines.size(), "one line per site, nothing else\n" + result.describe());
        for (final Map.Entry<String, Pattern> site : expected.entrySet())
        {
            final long matching = lines.stream().filter((l) -> site.getValue().matcher(l).matches()).count();
            assertEquals(1, matching, "site " + site.getKey() + " reported once as " + site.getValue() + "\n" +
                result.describe());
        }
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldStaySilentAndStillCompleteWithPinningOff(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("pinning=off").main(PinningApp.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(completedOutput(), result.stdout(), result.describe());
        assertEquals("", result.stderr(), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldThrowTheReportAndLeaveNoWaiterWithPinningFail(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("pinning=fail").main(PinningApp.class, "fail").run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals("", result.stderr(), "the exceptions carry the reports\n" + result.describe());
        final List<String> lines = result.stdout().lines().toList();
        final Map<String, Pattern> expected = expectedReports();
        final List<String> sites = PinningApp.SITES;
        assertEquals(PinningApp.ROUNDS * sites.size() + 2, lines.size(), result.describe());
        for (int round = 0; round < PinningApp.ROUNDS; round++)
        {
            for (int s = 0; s < sites.size(); s++)
            {
                final String line = lines.get(round * sites.size() + s);
                final String start = "round " + round + " " + sites.get(s) + ": java.lang.IllegalStateException: ";
                assertTrue(line.startsWith(start), line + "\n" + result.describe());
                assertTrue(expected.get(sites.get(s)).matcher(line.substring(start.length())).matches(),
                    "the exception's text is the report: " + line + "\n" + result.describe());
            }
        }
        assertEquals("side effects: before=" + PinningApp.ROUNDS * sites.size() + " after=0",
            lines.get(lines.size() - 2), "no receive completed, none ran twice\n" + result.describe());
        assertEquals(PinningApp.DONE, lines.get(lines.size() - 1), result.describe());
    }

    /** What the program prints when its parks block their carriers: every value arrives once. */
    private static String completedOutput()
    {
        final StringBuilder sb = new StringBuilder();
        int value = 100;
        for (int round = 0; round < PinningApp.ROUNDS; round++)
        {
            for (final String site : PinningApp.SITES)
            {
                sb.append("round ").append(round).append(' ').append(site).append(": got ").append(value)
                    .append(" (sent ").append(value).append(')').append(System.lineSeparator());
                value++;
            }
        }
        final int receives = PinningApp.ROUNDS * PinningApp.SITES.size();
        return sb.append("side effects: before=").append(receives).append(" after=").append(receives)
            .append(System.lineSeparator()).append(PinningApp.DONE).append(System.lineSeparator()).toString();
    }

    /** The report of each site, by site name. */
    private static Map<String, Pattern> expectedReports()
    {
        final String recv = "@Goroutine io.goroutines.Chan.recv(Chan.java:" + NUMBER + ")";
        final List<String[]> sites = new ArrayList<>();
        sites.add(new String[] {"forEachLambda", "uninstrumented caller): lambda " + APP + ".lambda$forEachLambda$" +
            NUMBER + "(PinningApp.java:" + line("forEachLambda") + "), a java.util.function.Consumer called from " +
            "java.util.ArrayList.forEach(ArrayList.java:" + NUMBER + "), calls " + recv + SO + LAMBDA_HINT});
        sites.add(new String[] {"forEachMethodRef", "uninstrumented caller): java.util.ArrayList.forEach(" +
            "ArrayList.java:" + NUMBER + "), called from " + at("forEachMethodRef", "forEachMethodRef") + ", calls @Goroutine " +
            at("takeInto", "takeInto") + SO + JDK_HINT});
        sites.add(new String[] {"syncBlock", "monitor held): " + at("syncBlock", "syncBlock") + " calls " + recv +
            " inside a synchronized block" + SO + "move the blocking call out of the synchronized block" + MUTEX});
        sites.add(new String[] {"syncMethod", "monitor held): synchronized method " + at("syncMethod", "syncMethod") +
            " calls " + recv + SO + "move the blocking call out of the synchronized method" + MUTEX});
        sites.add(new String[] {"reflection", "uninstrumented caller): java.lang.reflect.Method.invoke(Method.java:" +
            NUMBER + "), called from " + at("reflection", "reflection") + ", calls @Goroutine " + at("take", "take") +
            SO + "reflection, method handles and proxies are never rewritten: call the method directly from" +
            " @Goroutine code"});
        sites.add(new String[] {"constructor", "constructor): constructor " + APP + "$Holder.<init>(PinningApp.java:" +
            line("constructor") + ") calls " + recv + SO + "constructors are never rewritten: move the blocking call" +
            " out of the constructor, e.g. into a @Goroutine static factory method"});
        sites.add(new String[] {"constructorArgs", "constructor): " + at("constructorArgs", "constructorArgs") +
            " calls " + recv + " in the arguments of a constructor call" + SO + "store the blocking call's result in" +
            " a local variable before the new expression"});
        sites.add(new String[] {"plainInterface", "uninstrumented caller): " + at("plainInterface", "plainInterface") +
            " calls @Goroutine " + APP + "$RecvWorker.work(PinningApp.java:" + line("plainInterface.entered") +
            ") through " + APP + "$Worker.work, which is not @Goroutine" + SO + "annotate the interface method " + APP +
            "$Worker.work @Goroutine"});
        sites.add(new String[] {"plainMethod", "uninstrumented caller): " + at("helper", "plainMethod") +
            ", which is not rewritten, calls " + recv + SO + "annotate " + APP + ".helper @Goroutine (and the" +
            " interface method it implements, if any)"});
        sites.add(new String[] {"plainLambda", "uninstrumented caller): lambda " + APP + ".lambda$plainLambda$" +
            NUMBER + "(PinningApp.java:" + line("plainLambda") + "), a java.util.function.IntSupplier called from " +
            at("plainLambda", "plainLambda.caller") + ", calls " + recv + SO + LAMBDA_HINT});
        sites.add(new String[] {"plainMethodRef", "uninstrumented caller): " + at("plainMethodRef", "plainMethodRef") +
            " calls @Goroutine " + at("take", "take") + " through java.util.function.ToIntFunction.applyAsInt, which" +
            " is not @Goroutine" + SO + "annotate the interface method java.util.function.ToIntFunction.applyAsInt" +
            " @Goroutine or use io.goroutines.Task or Action"});
        final Map<String, Pattern> out = new LinkedHashMap<>();
        for (final String[] site : sites)
        {
            out.put(site[0], pattern(PREFIX + site[1]));
        }
        assertEquals(PinningApp.SITES, List.copyOf(out.keySet()), "a report is expected for every site");
        return out;
    }

    /** {@code PinningApp.method(PinningApp.java:N)}, N the line marked {@code // site:MARKER}. */
    private static String at(final String method, final String marker)
    {
        return APP + "." + method + "(PinningApp.java:" + line(marker) + ")";
    }

    private static int line(final String marker)
    {
        return SourceLines.of(PinningApp.class, "site:" + marker);
    }

    /** A pattern matching {@code text} literally, except {@link #NUMBER}, which matches any number. */
    private static Pattern pattern(final String text)
    {
        final StringBuilder regex = new StringBuilder();
        final String[] parts = text.split(Pattern.quote(NUMBER), -1);
        for (int i = 0; i < parts.length; i++)
        {
            regex.append(i > 0 ? NUMBER : "").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString());
    }
}
