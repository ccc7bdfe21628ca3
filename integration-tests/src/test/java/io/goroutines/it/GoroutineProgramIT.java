package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.goroutines.it.apps.ChannelsApp;
import io.goroutines.it.apps.YieldProbe;

/**
 * A whole goroutine program ({@link ChannelsApp}: a {@code @Goroutine main}, channels, a WaitGroup,
 * sleeps, yields, a parking recursion 2,000 frames deep) under the agent, on Java 17 and Java 25;
 * once as it is, once with the hidden test option {@code forceSuspend}, which makes every rewritten
 * method yield to the scheduler on entry, so that every suspendable call really unwinds and resumes.
 * The output, side-effect counts included, must be the same, and nothing may pin (stderr is empty).
 * {@link YieldProbe} shows that {@code forceSuspend} is in force where it is asked for, and only there.
 */
class GoroutineProgramIT
{
    /** What the program prints: every value is computed independently of the runtime. */
    private static final List<String> EXPECTED = List.of(
        "main: goroutine 1 [running]: on a carrier thread: true",
        "numGoroutine at start: 1",
        "ping-pong: 1000",
        "pipeline: sum of squares 1..1000 = 333833500", // n(n+1)(2n+1)/6
        "fan-in: 2000 values, sum 7249000", // 250 * (0 + 1000 + ... + 7000) + 8 * (0 + ... + 249)
        "sleep: at least 20 ms, 10 sleepers woke",
        "gosched: the other goroutine ran while main yielded on 1 P",
        "deep: 2007 in a goroutine, 2005 in main",
        "numGoroutine with 100 blocked: 101",
        "numGoroutine after they returned: 1",
        "side effects: entries=4002 pings=1000 produced=1000 squared=1000 fanned=2000",
        ChannelsApp.DONE);

    @ParameterizedTest(name = "{0} agent options {1}")
    @MethodSource("io.goroutines.it.Java#withAndWithoutForceSuspend")
    void shouldSuspendAtEveryCallOnlyWithForceSuspend(final Java java, final String agentOptions)
    {
        final boolean force = null != agentOptions;
        final ChildJvm.Result result = ChildJvm.of(java).agent("procs=1,preempt=off" + (force ? "," + agentOptions : ""))
            .main(YieldProbe.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(YieldProbe.SUSPENDED + force + System.lineSeparator(), result.stdout(), result.describe());
    }

    @ParameterizedTest(name = "{0} agent options {1}")
    @MethodSource("io.goroutines.it.Java#withAndWithoutForceSuspend")
    void shouldRunMainAsGoroutineWithExactOutput(final Java java, final String agentOptions)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent(agentOptions).main(ChannelsApp.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(String.join(System.lineSeparator(), EXPECTED) + System.lineSeparator(), result.stdout(),
            result.describe());
        assertEquals("", result.stderr(), result.describe());
    }
}
