package io.goroutines.agent.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BootstrapTest
{
    /** Shared with {@link FakeSched}, which the bootstrap finds by name. */
    static final List<String> EVENTS = new ArrayList<>();

    private static final SchedulerLink.Targets FAKES = new SchedulerLink.Targets(
        FakeSched.class.getName(), FakePinning.class.getName(), FakePanics.class.getName(),
        FakeDeadlocks.class.getName(), FakeDebug.class.getName());

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final FakeInstrumentation instrumentation = new FakeInstrumentation(EVENTS);

    @BeforeEach
    void clearEvents()
    {
        EVENTS.clear();
    }

    @Test
    void shouldAskForExitStatus2AndNameTheOptionOnBadValue()
    {
        assertEquals(2, start("procs=2,preempt=fast", false));

        assertTrue(err().startsWith("goroutines: bad value 'fast' for option 'preempt': not a duration (accepted: "),
            err());
        assertTrue(err().contains("goroutines: the program is not started; -javaagent:goroutines.jar=help lists"), err());
        assertEquals("", out());
        assertEquals(List.of(), EVENTS);
    }

    @Test
    void shouldPrintUsageAndAskForExitStatus0OnHelp()
    {
        assertEquals(0, start("help", false));

        assertTrue(out().startsWith("Usage: java -javaagent:goroutines.jar"), out());
        assertTrue(out().contains("  procs=N "), out());
        assertEquals("", err());
        assertEquals(List.of(), EVENTS);
    }

    @Test
    void shouldNeverEndAJvmItWasAttachedTo()
    {
        assertEquals(Bootstrap.CONTINUE, start("procs=zero", true));
        assertTrue(err().contains("goroutines: the agent is not loaded"), err());

        assertEquals(Bootstrap.CONTINUE, start("help", true));
        assertTrue(out().contains("  procs=N "), out());
        assertEquals(List.of(), EVENTS);
    }

    @Test
    void shouldInstallTheTransformBeforeConfiguringTheScheduler()
    {
        assertEquals(Bootstrap.CONTINUE, start("procs=3,maxThreads=7,stack=1m,preempt=off", false));

        assertEquals(List.of("addTransformer", "configure 3 7 1048576 0", "enableUnwinding", "pinning warn",
            "panic exit", "deadlock exit"), EVENTS);
        assertEquals(1, instrumentation.plain.size());
        assertEquals(0, instrumentation.retransforming.size());
        assertEquals("", err());
    }

    @Test
    void shouldTakeProcsFromGomaxprocsAndPassTheDefaults()
    {
        start("", false);

        assertEquals("configure 5 10000 16777216 10000000", EVENTS.get(1));
    }

    @Test
    void shouldWarnAndGoOnWhenTheRuntimeHasNoScheduler()
    {
        final int status = Bootstrap.start("", instrumentation, false, null, 2, stream(out), stream(err),
            new SchedulerLink.Targets("io.goroutines.agent.install.NoSuchSched", FakePinning.class.getName(),
                FakePanics.class.getName(), FakeDeadlocks.class.getName(), FakeDebug.class.getName()));

        assertEquals(Bootstrap.CONTINUE, status);
        assertEquals(1, instrumentation.plain.size());
        assertTrue(err().startsWith("goroutines: the runtime in this agent jar has no public static" +
            " io.goroutines.agent.install.NoSuchSched.configure("), err());
    }

    @Test
    void shouldTakeTraceWithoutWarnings()
    {
        assertEquals(Bootstrap.CONTINUE, start("panic=log,trace=events.json", false));

        assertEquals("", err()); // the stand-in runtime gets no trace; the real one is tested in DiagnosticsIT
    }

    @Test
    void shouldPassPinningPanicAndDeadlockToTheRuntime()
    {
        assertEquals(Bootstrap.CONTINUE, start("pinning=fail,panic=log,deadlock=warn,debug=[::1]:0", false));

        assertEquals(List.of("pinning fail", "panic log", "deadlock warn", "debug [::1]:0"), EVENTS.subList(3, 7));
        assertEquals("", err());
    }

    @Test
    void shouldWarnAndGoOnWhenTheRuntimeHasNoPinningDiagnostics()
    {
        final int status = Bootstrap.start("pinning=off", instrumentation, false, null, 2, stream(out), stream(err),
            new SchedulerLink.Targets(FakeSched.class.getName(), "io.goroutines.agent.install.NoSuchPinning",
                FakePanics.class.getName(), FakeDeadlocks.class.getName(), FakeDebug.class.getName()));

        assertEquals(Bootstrap.CONTINUE, status);
        assertTrue(err().startsWith("goroutines: option pinning=off does not reach the runtime: this agent jar has" +
            " no public static io.goroutines.agent.install.NoSuchPinning.configure(String)"), err());
        assertEquals("panic exit", EVENTS.get(EVENTS.size() - 2));
        assertEquals("deadlock exit", EVENTS.get(EVENTS.size() - 1));
    }

    @Test
    void shouldSayWhatIsInEffectWhenVerbose()
    {
        start("verbose", false);

        assertTrue(err().contains("goroutines: agent " ) && err().contains(" with procs=5,preempt=10ms,"), err());
    }

    private int start(final String agentArgs, final boolean attached)
    {
        return Bootstrap.start(agentArgs, instrumentation, attached, "5", 2, stream(out), stream(err), FAKES);
    }

    private static PrintStream stream(final ByteArrayOutputStream bytes)
    {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private String out()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Stands in for the runtime's scheduler. */
    public static final class FakeSched
    {
        private FakeSched()
        {
        }

        /** As {@code Sched.configure}. */
        public static void configure(final int procs, final int maxThreads, final long stackBytes, final long preemptNs)
        {
            EVENTS.add("configure " + procs + " " + maxThreads + " " + stackBytes + " " + preemptNs);
        }

        /** As {@code Sched.enableUnwinding}. */
        public static void enableUnwinding()
        {
            EVENTS.add("enableUnwinding");
        }
    }

    /** Stands in for the runtime's pinning diagnostics. */
    public static final class FakePinning
    {
        private FakePinning()
        {
        }

        /** As {@code Pinning.configure}. */
        public static void configure(final String mode)
        {
            EVENTS.add("pinning " + mode);
        }
    }

    /** Stands in for the runtime's panic handling. */
    public static final class FakePanics
    {
        private FakePanics()
        {
        }

        /** As {@code Panics.configure}. */
        public static void configure(final String mode)
        {
            EVENTS.add("panic " + mode);
        }
    }

    /** Stands in for {@code DebugServer}. */
    public static final class FakeDebug
    {
        private FakeDebug()
        {
        }

        /** As {@code DebugServer.configure}. */
        public static void configure(final String hostPort)
        {
            EVENTS.add("debug " + hostPort);
        }
    }

    /** Stands in for {@code DeadlockReports}. */
    public static final class FakeDeadlocks
    {
        private FakeDeadlocks()
        {
        }

        /** As {@code DeadlockReports.configure}. */
        public static void configure(final String mode)
        {
            EVENTS.add("deadlock " + mode);
        }
    }
}
