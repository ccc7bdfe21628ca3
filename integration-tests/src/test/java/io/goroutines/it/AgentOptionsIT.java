package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.goroutines.it.apps.PrintArgs;

/**
 * The agent options as a user meets them (SPEC.md sections 1 and 3), on Java 17 and Java 25.
 */
class AgentOptionsIT
{
    private static final String[] OPTIONS = {
        "procs=N", "preempt=DURATION", "maxThreads=N", "stack=SIZE", "pinning=warn|off|fail", "panic=exit|log",
        "deadlock=exit|warn|off", "inlining=runtime|jvm", "debug=HOST:PORT", "trace=FILE", "include=GLOBS", "exclude=GLOBS", "verbose", "help"};

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldPrintEveryOptionWithItsDefaultAndNotRunMainOnHelp(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("help").main(PrintArgs.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        for (final String option : OPTIONS)
        {
            assertTrue(result.stdout().contains("\n  " + option + " "), option + "\n" + result.describe());
        }
        assertTrue(result.stdout().split("Default: ", -1).length > OPTIONS.length, result.describe());
        assertFalse(result.stdout().contains(PrintArgs.MAIN_RAN), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldNotStartOnUnknownOption(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("procs=2,colour=blue").main(PrintArgs.class).run();

        assertEquals(2, result.exitCode(), result.describe());
        assertTrue(result.stderr().startsWith("goroutines: unknown option 'colour' with value 'blue'; accepted" +
            " options: procs, preempt, maxThreads, stack,"), result.describe());
        assertFalse(result.stdout().contains(PrintArgs.MAIN_RAN), result.describe());
    }

    static Stream<Arguments> badValues()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Java java : Java.values())
        {
            cases.add(Arguments.of(java, "preempt=fast", "goroutines: bad value 'fast' for option 'preempt': not a" +
                " duration (accepted: a positive whole number with a unit ns, us, ms or s, e.g. 500us, 10ms, 2s; or off)"));
            cases.add(Arguments.of(java, "stack=64x", "goroutines: bad value '64x' for option 'stack': not a size" +
                " (accepted: a size from 256k to 1g with a unit k, m or g, e.g. 512k, 64m, 1g)"));
            cases.add(Arguments.of(java, "procs=0", "goroutines: bad value '0' for option 'procs': must be at least 1" +
                " (accepted: an integer >= 1, e.g. procs=4)"));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void shouldNotStartOnBadValue(final Java java, final String agentArgs, final String message)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent(agentArgs).main(PrintArgs.class).run();

        assertEquals(2, result.exitCode(), result.describe());
        assertTrue(result.stderr().startsWith(message + System.lineSeparator()), result.describe());
        assertTrue(result.stderr().contains("goroutines: the program is not started"), result.describe());
        assertFalse(result.stdout().contains(PrintArgs.MAIN_RAN), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldRunMainWithValidOptions(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java)
            .agent("procs=2,preempt=500us,maxThreads=64,stack=512k,include=io.goroutines.it.**,verbose")
            .main(PrintArgs.class, "hello")
            .run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(PrintArgs.MAIN_RAN + System.lineSeparator() + "hello" + System.lineSeparator(), result.stdout(),
            result.describe());
        assertTrue(result.stderr().contains("goroutines: agent " + Locations.version() + " active on Java " +
            java.feature()), result.describe());
        assertTrue(result.stderr().contains(" with procs=2,preempt=500us,maxThreads=64,stack=512k,"), result.describe());
        assertFalse(result.stderr().contains("the agent failed to start"), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldIgnoreInvalidGomaxprocsWithWarning(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).env("GOMAXPROCS", "lots").agent("verbose")
            .main(PrintArgs.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stderr().contains("goroutines: ignoring GOMAXPROCS='lots': not an integer"), result.describe());
        assertTrue(result.stdout().contains(PrintArgs.MAIN_RAN), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldTakeProcsFromGomaxprocs(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).env("GOMAXPROCS", "3").agent("verbose")
            .main(PrintArgs.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stderr().contains(" with procs=3,"), result.describe());
    }
}
