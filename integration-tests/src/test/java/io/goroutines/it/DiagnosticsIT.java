package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.goroutines.it.apps.DiagnosticsApp;
import io.goroutines.it.apps.PlainDeadlockApp;

/**
 * Deadlock reports, goroutine dumps and leak reports of real programs (SPEC.md section 3,
 * GO-SEMANTICS.md items 114, 116, 119-120), in child JVMs with the agent.
 */
class DiagnosticsIT
{
    /** What the CPU hogs counted (kept, so that their loops are not optimised away). */
    private static final AtomicLong HOG_SPINS = new AtomicLong();

    private static final String FATAL = "fatal error: all goroutines are asleep - deadlock!\n\n";

    /** {@code DiagnosticsApp.method(DiagnosticsApp.java:N)} for the line marked {@code marker}. */
    private static String frame(final String method, final String marker)
    {
        return "io.goroutines.it.apps.DiagnosticsApp." + method + "(DiagnosticsApp.java:" +
            SourceLines.of(DiagnosticsApp.class, marker) + ")";
    }

    /**
     * The block of goroutine 2 waiting in {@code waitOn}, created in {@code deadlock}: its first frame
     * is the application's, as in Go's tracebacks ({@code Chan.recv} saves no frame of its own).
     */
    private static String waiterBlock()
    {
        return "goroutine 2 [chan receive]:\n" + frame("waitOn", "line:waiterRecv") + "\n";
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldReportDeadlockWithEveryGoroutineAndExitWithStatus2(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "deadlock").run();

        assertEquals(2, result.exitCode(), result.describe());
        final String err = result.stderr();
        assertTrue(err.startsWith(FATAL + "goroutine 1 [chan receive]:\n"), result.describe());
        assertTrue(err.contains(frame("deadlock", "line:mainRecv") + "\n"), result.describe());
        assertTrue(err.contains("\n\n" + waiterBlock()), result.describe());
        assertTrue(err.contains(frame("waitOn", "line:waiterRecv") + "\n"), result.describe());
        assertTrue(err.contains("created by " + frame("deadlock", "line:spawnWaiter") + "\n"), result.describe());
        assertFalse(err.contains("goroutine 3 "), "two goroutines in the report: " + result.describe());
        assertFalse(err.contains("cycle"), "nobody holds what another waits on: " + result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldNameTheCycleOfTwoGoroutinesWaitingOnEachOthersChannels(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "cycle-chan").run();

        assertEquals(2, result.exitCode(), result.describe());
        final String err = result.stderr();
        assertTrue(err.startsWith(FATAL + "goroutine 1 [sync.WaitGroup.Wait]:\n"), result.describe());
        final String relay = frame("relay", "line:relay");
        assertCycle(result, "2 -> 3 -> 2",
            cycleLine(2, "chan receive", relay, "io.goroutines.Chan", 3, relay),
            cycleLine(3, "chan receive", relay, "io.goroutines.Chan", 2, relay));
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldNameTheCycleOfALockOrderInversion(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "cycle-mutex").run();

        assertEquals(2, result.exitCode(), result.describe());
        final String lockSecond = frame("lockBoth", "line:lockSecond");
        assertCycle(result, "2 -> 3 -> 2",
            cycleLine(2, "sync.Mutex.Lock", lockSecond, "io.goroutines.sync.Mutex", 3, lockSecond),
            cycleLine(3, "sync.Mutex.Lock", lockSecond, "io.goroutines.sync.Mutex", 2, lockSecond));
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldNameTheCycleThroughAWaitGroup(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "cycle-waitgroup").run();

        assertEquals(2, result.exitCode(), result.describe());
        final String main = frame("cycleWaitGroup", "line:waitWorkers");
        final String send = frame("work", "line:workSend");
        assertCycle(result, "1 -> 2 -> 1",
            cycleLine(1, "sync.WaitGroup.Wait", main, "io.goroutines.sync.WaitGroup", 2, send),
            cycleLine(2, "chan send", send, "io.goroutines.Chan", 1, main));
    }

    /** A cycle line as a pattern: who waits where on what (any identity), and where the next one holds it. */
    private static String cycleLine(final long id, final String reason, final String site, final String type,
        final long holder, final String holderSite)
    {
        return Pattern.quote("goroutine " + id + " [" + reason + "] at " + site + " waits on " + type + "@") +
            "[0-9a-f]+" + Pattern.quote(", which goroutine " + holder + " holds in " + holderSite) + "\n";
    }

    /** Asserts that stderr ends with the cycle, after a blank line. */
    private static void assertCycle(final ChildJvm.Result result, final String path, final String... lines)
    {
        final String regex = Pattern.quote("\n\ngoroutines waiting on each other in a cycle: " + path + "\n") +
            String.join("", lines) + "$";
        assertTrue(Pattern.compile(regex).matcher(result.stderr()).find(),
            "expected /" + regex + "/ in: " + result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldPrintDeadlockAndCarryOnWithWarn(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("deadlock=warn").main(DiagnosticsApp.class,
            "deadlock-warn").run();

        assertEquals(0, result.exitCode(), result.describe());
        assertTrue(result.stderr().startsWith(FATAL + "goroutine 1 [chan receive]:\n"), result.describe());
        assertEquals(DiagnosticsApp.AFTER_WARN + System.lineSeparator(), result.stdout(), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldReportDeadlockOfPlainMainThreadWaitingOnPrimitive(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(PlainDeadlockApp.class).run();

        assertEquals(2, result.exitCode(), result.describe());
        assertTrue(result.stderr().startsWith(FATAL + "goroutine 0 [sync.WaitGroup.Wait]:\n" +
            "io.goroutines.sync.WaitGroup.await(WaitGroup.java:"), result.describe());
        assertTrue(result.stderr().contains("io.goroutines.it.apps.PlainDeadlockApp.main(PlainDeadlockApp.java:" +
            SourceLines.of(PlainDeadlockApp.class, "line:plainWait") + ")\n"), result.describe());
        assertTrue(result.stderr().contains("\ngoroutine 2 [chan receive]:\n"), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldNotReportDeadlockWhileTimerIsPending(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "timer").run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(DiagnosticsApp.TIMER_DONE + System.lineSeparator(), result.stdout(), result.describe());
        assertFalse(result.stderr().contains("deadlock"), result.describe());
    }

    /**
     * Three children at once next to two CPU hogs on two cores: a carrier that took the idle P to
     * fire a timer is often descheduled before it readies the sleeper, which the checker once took
     * for a deadlock.
     */
    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldNotReportDeadlockWhileSleepersCycleTimers(final Java java) throws Exception
    {
        final AtomicBoolean done = new AtomicBoolean();
        final List<Thread> hogs = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            final Thread hog = new Thread(() ->
            {
                long spins = 0;
                while (!done.get())
                {
                    spins++;
                }
                HOG_SPINS.addAndGet(spins);
            }, "cpu-hog-" + i);
            hog.setDaemon(true);
            hog.start();
            hogs.add(hog);
        }
        try
        {
            final List<CompletableFuture<ChildJvm.Result>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                runs.add(CompletableFuture.supplyAsync(() -> ChildJvm.of(java).agent("procs=1,pinning=off")
                    .main(DiagnosticsApp.class, "sleepers").run()));
            }
            for (final CompletableFuture<ChildJvm.Result> run : runs)
            {
                final ChildJvm.Result result = run.get();
                assertEquals(0, result.exitCode(), result.describe());
                assertEquals(DiagnosticsApp.SLEEPERS_DONE + System.lineSeparator(), result.stdout(),
                    result.describe());
                assertFalse(result.stderr().contains("deadlock"), result.describe());
            }
        }
        finally
        {
            done.set(true);
            for (final Thread hog : hogs)
            {
                hog.join();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldNotReportDeadlockWhileGoroutineIsInBlockingCall(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "blocking").run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals("main: the blocking call returned 7" + System.lineSeparator(), result.stdout(), result.describe());
        assertFalse(result.stderr().contains("deadlock"), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldNotLookForDeadlocksWhenOff(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("deadlock=off")
            .timeout(Duration.ofSeconds(8)).main(DiagnosticsApp.class, "deadlock").run();

        assertTrue(result.timedOut(), "still waiting, unreported: " + result.describe());
        assertFalse(result.stderr().contains("deadlock"), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldDumpEveryGoroutineWithWaitReasonLinesAndCreator(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "dump").run();

        assertEquals(0, result.exitCode(), result.describe());
        final String out = result.stdout();
        assertTrue(out.startsWith("numGoroutine 3\ngoroutine 1 [running]:\n" + frame("dump", "line:dumpCall")),
            result.describe());
        assertEquals(3, out.split("\ngoroutine ", -1).length - 1, "item 114: as many headers as goroutines: " +
            result.describe());
        assertTrue(out.contains("\n\ngoroutine 2 [chan receive]:\n"), result.describe());
        assertTrue(out.contains(frame("waitOn", "line:waiterRecv") + "\n"), result.describe());
        assertTrue(out.contains("\n\ngoroutine 3 [sync.Mutex.Lock]:\n"), result.describe());
        assertTrue(out.contains("(DiagnosticsApp.java:" + SourceLines.of(DiagnosticsApp.class, "line:mutexLock") +
            ")\n"), result.describe());
        assertTrue(out.contains("created by " + frame("dump", "line:spawnLocker") + "\n"), result.describe());
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldReportLeakedGoroutineOnceWithWaitAndCreationSites(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "leak").run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(DiagnosticsApp.LEAK_SEEN + System.lineSeparator(), result.stdout(), result.describe());
        final String err = result.stderr();
        final String head = "goroutines: goroutine 2 leaked [chan receive]: nothing else can reach what it waits on," +
            " so it can never wake (it was collected)\n";
        assertTrue(err.contains(head), result.describe());
        assertEquals(err.indexOf(head), err.lastIndexOf(head), "reported once: " + result.describe());
        assertTrue(err.contains("    waiting at " + frame("waitOn", "line:waiterRecv") + "\n"), result.describe());
        assertTrue(err.contains("    created by " + frame("startLeaker", "line:spawnLeaker") + "\n"),
            result.describe());
    }
}
