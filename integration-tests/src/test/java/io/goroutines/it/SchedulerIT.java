package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.goroutines.it.apps.SchedulerApp;

/**
 * The GMP scheduler in whole programs under the agent, after Go's proc_test.go: parallelism,
 * preemption of tight loops, hand-off of blocked, pinned and runaway carriers, a million goroutines,
 * an idle program's CPU, timer fairness, and maxProcs at run time. Each scenario of
 * {@link SchedulerApp} prints one line; the figures in it are checked here with bounds far from
 * what a working scheduler shows (the machines are small and noisy), and far below what a broken
 * one shows (a starved goroutine waits for the app's 20 s deadline).
 */
class SchedulerIT
{
    private static String run(final Java java, final String options, final String... args)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent(options).timeout(Duration.ofSeconds(90))
            .main(SchedulerApp.class, args).run();
        assertEquals(0, result.exitCode(), result.describe());
        return result.stdout().strip();
    }

    private static long number(final String line, final String regex)
    {
        final Matcher m = Pattern.compile(regex).matcher(line);
        assertTrue(m.find(), "'" + regex + "' in: " + line);
        return Long.parseLong(m.group(1));
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldRunProcsGoroutinesAtOnce(final Java java)
    {
        final String line = run(java, "procs=4,preempt=off", "parallelism", "4");
        assertEquals("parallelism: 4 of 4 at once on procs=4", line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldChangeParallelismWithMaxProcs(final Java java)
    {
        final String line = run(java, "procs=2,preempt=off", "maxprocs");
        assertEquals("maxprocs: started with 2; at once: 2 with 2, 1 with 1, 3 with 3", line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldPreemptTightLoopOnOneP(final Java java)
    {
        final String line = run(java, "procs=1", "preempt");
        assertTrue(number(line, "finished in (\\d+) ms") < 2000, line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldKeepPingPongGoingNextToHogs(final Java java)
    {
        final String line = run(java, "procs=1", "pingpong-hogs");
        assertTrue(line.startsWith("pingpong-hogs: 10000 round trips in "), line);
        assertTrue(number(line, "in (\\d+) ms") < 10_000, line);
        assertTrue(line.endsWith("hogs ran: true"), line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldFireTimersPromptlyNextToHog(final Java java)
    {
        final String line = run(java, "procs=1", "timer-fairness");
        // the monitor wakes when the timer is due and the hog yields to the sleeper: typically ~0.1 ms
        // late; it was ~4 ms while the monitor woke only every half slice (5 ms) and did not hear of
        // timers set meanwhile. The worst case is bounded loosely: the OS may deschedule anyone.
        assertTrue(number(line, "median lateness (\\d+) us") < 1_000, line);
        assertTrue(number(line, "worst lateness (\\d+) ms") < 100, line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldRunTimersSoonNextToCodeWithoutPreemptionPoints(final Java java)
    {
        // the spinner's P is replaced 5 ms after the timer is due (it was two slices, 20 ms, into the
        // spinner's slice: a median of 19-20 ms before)
        final String line = run(java, "procs=1,pinning=off", "timer-runaway");
        assertTrue(number(line, "median lateness (\\d+) ms") < 14, line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldHandOffPDuringBlockingCall(final Java java)
    {
        final String line = run(java, "procs=1", "blocking");
        assertEquals("blocking: others ran during a 1 s blocking call", line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldHandOffPWhenPinned(final Java java)
    {
        final String line = run(java, "procs=1,pinning=off", "pinned");
        assertEquals("pinned: others ran 200 steps while a goroutine was pinned", line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldReplacePOfRunawayAndReportIt(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("procs=1").timeout(Duration.ofSeconds(90))
            .main(SchedulerApp.class, "runaway").run();
        assertEquals(0, result.exitCode(), result.describe());
        final String line = result.stdout().strip();
        assertTrue(number(line, "woke after (\\d+) ms") < 1000, result.describe());
        assertTrue(result.stderr().contains("without reaching a preemption point"), result.describe());
        assertTrue(result.stderr().contains("SchedulerApp.plainSpin("), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldReplacePOfGoroutineBlockedInPlainCodeWithoutCallingItALoop(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("procs=1").timeout(Duration.ofSeconds(90))
            .main(SchedulerApp.class, "plain-sleep").run();
        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(number(result.stdout().strip(), "woke after (\\d+) ms") < 1000, result.describe());
        assertFalse(result.stderr().contains("without reaching a preemption point"), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldReplaceAtMostProcsRunawayPsAtOnce(final Java java)
    {
        final String line = run(java, "procs=1", "runaway-cap");
        assertTrue(line.startsWith("runaway-cap: 6 finished, at most "), line);
        final long most = number(line, "at most (\\d+) at once");
        assertTrue(most >= 1 && most <= 2, line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldGiveCarriersTheStackSizeOfTheOption(final Java java)
    {
        assertEquals("deep: reached 200000", run(java, "stack=256m", "deep", "200000"));

        final ChildJvm.Result small = ChildJvm.of(java).agent("stack=256k").timeout(Duration.ofSeconds(90))
            .main(SchedulerApp.class, "deep", "200000").run();
        assertEquals(2, small.exitCode(), small.describe());
        assertTrue(small.stderr().contains("panic: java.lang.StackOverflowError"), small.describe());
        assertTrue(small.stderr().contains("stack=SIZE"), small.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldRunMillionGoroutines(final Java java)
    {
        final String line = run(java, "", "million");
        assertEquals("million: 1000000 goroutines ran, sum 499999500000 (expected 499999500000)", line);
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldUseNoCpuWhileAllSleep(final Java java)
    {
        final String line = run(java, "", "idle");
        // 1.5 s of wall time: a carrier polling in a loop would show most of it; allow JVM background noise
        assertTrue(number(line, "idle: (\\d+) ms of CPU") < 100, line);
    }
}
