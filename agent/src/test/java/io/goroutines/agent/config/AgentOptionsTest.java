package io.goroutines.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentOptionsTest
{
    private static final Pattern NEXT_OPTION = Pattern.compile("\n(  \\S|\n)");

    private static final String[] ALL_OPTIONS = {
        "procs", "preempt", "maxThreads", "stack", "pinning", "panic", "deadlock", "inlining", "debug", "debugRemote", "dumpSignal", "trace",
        "include", "exclude", "verbose", "help"};

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", ",", " , ,"})
    void shouldUseDefaultsWhenNoOptionIsGiven(final String agentArgs) throws BadOptionException
    {
        final AgentOptions options = AgentOptions.parse(agentArgs);

        assertNull(options.procs());
        assertEquals(10_000_000L, options.preemptNs());
        assertEquals(10_000, options.maxThreads());
        assertEquals(16L << 20, options.stackBytes());
        assertEquals(PinningMode.WARN, options.pinning());
        assertEquals(PanicMode.EXIT, options.panic());
        assertEquals(DeadlockMode.EXIT, options.deadlock());
        assertEquals(InliningMode.RUNTIME, options.inlining());
        assertNull(options.debug());
        assertNull(options.trace());
        assertTrue(options.include().isEmpty());
        assertTrue(options.exclude().isEmpty());
        assertFalse(options.verbose());
        assertFalse(options.forceSuspend());
        assertFalse(options.helpRequested());
    }

    @Test
    void shouldGiveTheSameDefaultsWithoutOptionsAsPicocliDoes() throws BadOptionException
    {
        final AgentOptions withoutPicocli = AgentOptions.parse("");
        final AgentOptions withPicocli = AgentOptions.parse("verbose=false");

        assertEquals(withPicocli.describe(1), withoutPicocli.describe(1));
        assertEquals(withPicocli.procs(), withoutPicocli.procs());
        assertEquals(withPicocli.forceSuspend(), withoutPicocli.forceSuspend());
        assertEquals(withPicocli.helpRequested(), withoutPicocli.helpRequested());
    }

    @Test
    void shouldTurnAgentStringIntoPicocliTokens()
    {
        assertEquals(List.of("--procs=4", "--verbose", "--include=a.*;b.**"),
            AgentOptions.tokens(" procs=4 ,verbose,, include=a.*;b.** "));
        assertEquals(List.of(), AgentOptions.tokens(null));
    }

    @Test
    void shouldParseEveryOption(@TempDir final Path dir) throws BadOptionException
    {
        final Path trace = dir.resolve("app.trace");
        final AgentOptions options = AgentOptions.parse("procs=3,preempt=500us,maxThreads=64,stack=512k," +
            "pinning=fail,panic=log,deadlock=warn,inlining=jvm,debug=localhost:6060,trace=" + trace + "," +
            "include=com.example.**;org.acme.Worker*,exclude=com.example.gen.*,verbose,forceSuspend");

        assertEquals(3, options.procs());
        assertEquals(500_000L, options.preemptNs());
        assertEquals(64, options.maxThreads());
        assertEquals(512L * 1024, options.stackBytes());
        assertEquals(PinningMode.FAIL, options.pinning());
        assertEquals(PanicMode.LOG, options.panic());
        assertEquals(DeadlockMode.WARN, options.deadlock());
        assertEquals(InliningMode.JVM, options.inlining());
        assertEquals(new HostPort("localhost", 6060), options.debug());
        assertEquals(trace, options.trace());
        assertEquals(List.of("com.example.**", "org.acme.Worker*"), options.include().globs());
        assertEquals(List.of("com.example.gen.*"), options.exclude().globs());
        assertTrue(options.verbose());
        assertTrue(options.forceSuspend());
    }

    @Test
    void shouldTurnPreemptionOff() throws BadOptionException
    {
        assertEquals(OptionConverters.PREEMPT_OFF, AgentOptions.parse("preempt=off").preemptNs());
    }

    @ParameterizedTest
    @CsvSource({"verbose,true", "verbose=true,true", "verbose=false,false"})
    void shouldAcceptEveryFormOfAFlag(final String agentArgs, final boolean expected) throws BadOptionException
    {
        assertEquals(expected, AgentOptions.parse(agentArgs).verbose());
    }

    @Test
    void shouldRequestHelp() throws BadOptionException
    {
        assertTrue(AgentOptions.parse("help").helpRequested());
        assertTrue(AgentOptions.parse("procs=99999,help").helpRequested());
    }

    @Test
    void shouldRejectUnknownOptionNamingItsValueAndTheAcceptedOptions()
    {
        final String message = messageOf("procs=2,colour=blue");

        assertTrue(message.startsWith("goroutines: unknown option 'colour' with value 'blue'"), message);
        for (final String option : ALL_OPTIONS)
        {
            assertTrue(message.contains(option), option + " missing from: " + message);
        }
        assertFalse(message.contains("forceSuspend"), message);
    }

    @Test
    void shouldSuggestTheOptionWhenOnlyTheCaseIsWrong()
    {
        final String message = messageOf("maxthreads=3");

        assertTrue(message.contains("unknown option 'maxthreads' with value '3' (did you mean 'maxThreads'?)"), message);
    }

    @Test
    void shouldRejectUnknownFlag()
    {
        final String message = messageOf("fast");

        assertTrue(message.startsWith("goroutines: unknown option 'fast';"), message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "procs=0|procs|0|must be at least 1|an integer >= 1",
        "procs=-3|procs|-3|must be at least 1|an integer >= 1",
        "procs=two|procs|two|not an integer|an integer >= 1",
        "procs=99999999999|procs|99999999999|out of range|an integer >= 1",
        "maxThreads=0|maxThreads|0|must be at least 1|an integer >= 1",
        "preempt=10|preempt|10|not a duration|500us, 10ms, 2s; or off",
        "preempt=0ms|preempt|0ms|must be positive|500us, 10ms, 2s; or off",
        "preempt=1.5ms|preempt|1.5ms|not a duration|500us, 10ms, 2s; or off",
        "preempt=99999999999999999s|preempt|99999999999999999s|too large|500us, 10ms, 2s; or off",
        "stack=64x|stack|64x|not a size|512k, 64m, 1g",
        "stack=100k|stack|100k|smaller than 256k|512k, 64m, 1g",
        "stack=2g|stack|2g|larger than 1g|512k, 64m, 1g",
        "pinning=loud|pinning|loud|not one of the choices|warn, off, fail",
        "pinning=WARN|pinning|WARN|not one of the choices|warn, off, fail",
        "panic=ignore|panic|ignore|not one of the choices|exit, log",
        "deadlock=yes|deadlock|yes|not one of the choices|exit, warn, off",
        "inlining=off|inlining|off|not one of the choices|runtime, jvm",
        "debug=6060|debug|6060|not HOST:PORT|localhost:6060",
        "debug=localhost:70000|debug|localhost:70000|above 65535|localhost:6060",
        "include=com.x.*;;y|include|com.x.*;;y|empty glob|separated by ';'",
        "exclude=com/x/*|exclude|com/x/*|character '/'|separated by ';'",
        "include=com.x.|include|com.x.|stray '.'|separated by ';'",
        "verbose=maybe|verbose|maybe|not true or false|=true or =false",
        "help=1|help|1|takes no value|help"})
    void shouldRejectBadValueNamingOptionValueAndAcceptedForms(
        final String agentArgs, final String option, final String value, final String reason, final String forms)
    {
        final String message = messageOf(agentArgs);

        assertTrue(message.startsWith("goroutines: bad value '" + value + "' for option '" + option + "': "), message);
        assertTrue(message.contains(reason), message);
        assertTrue(message.contains("(accepted: ") && message.contains(forms), message);
    }

    @Test
    void shouldRejectTraceFileInMissingDirectory(@TempDir final Path dir)
    {
        final String message = messageOf("trace=" + dir.resolve("missing").resolve("app.trace"));

        assertTrue(message.contains("for option 'trace': directory ") && message.contains("does not exist"), message);
    }

    @Test
    void shouldRejectOptionGivenTwice()
    {
        final String message = messageOf("procs=2,procs=3");

        assertTrue(message.startsWith("goroutines: option 'procs' is given more than once"), message);
        assertTrue(message.contains("(accepted: an integer >= 1"), message);
    }

    @Test
    void shouldRejectOptionWithoutValue()
    {
        final String message = messageOf("stack");

        assertTrue(message.startsWith("goroutines: option 'stack' needs a value (accepted: "), message);
    }

    @Test
    void shouldRejectMoreProcsThanThreads()
    {
        final String message = messageOf("procs=8,maxThreads=4");

        assertTrue(message.startsWith("goroutines: bad value '8' for option 'procs': more than maxThreads=4"), message);
    }

    @Test
    void shouldListEveryOptionWithItsDefaultInUsage()
    {
        final String usage = AgentOptions.usage(null, 6);

        for (final String option : ALL_OPTIONS)
        {
            final int at = usage.indexOf("\n  " + option);
            assertTrue(at >= 0, option + " missing from usage:\n" + usage);
            final Matcher next = NEXT_OPTION.matcher(usage);
            final String block = usage.substring(at, next.find(at + 3) ? next.start() : usage.length());
            assertTrue(block.contains("Default: "), option + " has no default:\n" + block);
        }
        assertTrue(usage.contains("preempt=DURATION"), usage);
        assertTrue(usage.contains("Default: 10ms."), usage);
        assertTrue(usage.contains("Default: 10000."), usage);
        assertTrue(usage.contains("Default: 16m. Why:"), usage);
        assertTrue(usage.contains("Default: warn."), usage);
        assertTrue(usage.contains("Here: procs=6 when the option is not given."), usage);
        assertFalse(usage.contains("forceSuspend"), usage);
        assertFalse(usage.contains("--"), usage);
    }

    @Test
    void shouldKeepUsageWithinWidth()
    {
        for (final String line : AgentOptions.usage("3", 6).split("\n"))
        {
            assertTrue(line.length() <= 100, line);
        }
    }

    @Test
    void shouldResolveProcsFromOptionThenGomaxprocsThenProcessors() throws BadOptionException
    {
        final List<String> warnings = new ArrayList<>();

        assertEquals(2, AgentOptions.parse("procs=2").resolveProcs("7", 8, warnings::add));
        assertEquals(7, AgentOptions.parse("").resolveProcs("7", 8, warnings::add));
        assertEquals(8, AgentOptions.parse("").resolveProcs(null, 8, warnings::add));
        assertEquals(8, AgentOptions.parse("").resolveProcs("", 8, warnings::add));
        assertEquals(4, AgentOptions.parse("maxThreads=4").resolveProcs(null, 8, warnings::add));
        assertEquals(List.of(), warnings);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "lots", " 4"})
    void shouldIgnoreInvalidGomaxprocsWithWarning(final String gomaxprocs) throws BadOptionException
    {
        final List<String> warnings = new ArrayList<>();

        assertEquals(8, AgentOptions.parse("").resolveProcs(gomaxprocs, 8, warnings::add));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("goroutines: ignoring GOMAXPROCS='" + gomaxprocs + "'"), warnings.get(0));
        assertTrue(warnings.get(0).contains("using procs=8"), warnings.get(0));
    }

    @Test
    void shouldCapGomaxprocsAtMaxThreadsWithWarning() throws BadOptionException
    {
        final List<String> warnings = new ArrayList<>();

        assertEquals(16, AgentOptions.parse("maxThreads=16").resolveProcs("64", 8, warnings::add));
        assertEquals(1, warnings.size());
    }

    @Test
    void shouldDescribeOptionsInEffect() throws BadOptionException
    {
        assertEquals("procs=4,preempt=2s,maxThreads=10000,stack=1g,pinning=off,panic=exit,deadlock=off," +
            "inlining=jvm,debug=[::1]:0,trace=off,include=(all),exclude=a.*,verbose=false",
            AgentOptions.parse("preempt=2s,stack=1g,pinning=off,deadlock=off,inlining=jvm,debug=[::1]:0,exclude=a.*")
                .describe(4));
    }

    @Test
    void shouldRefuseNonLoopbackDebugAddressUnlessDebugRemote() throws BadOptionException
    {
        assertEquals("goroutines: bad value '0.0.0.0:6060' for option 'debug': 0.0.0.0 is not a loopback address, so" +
            " goroutine dumps would be served to other machines (accepted: localhost:PORT, 127.0.0.1:PORT," +
            " [::1]:PORT; add the option debugRemote to listen at another address)", messageOf("debug=0.0.0.0:6060"));
        assertEquals(new HostPort("0.0.0.0", 6060), AgentOptions.parse("debug=0.0.0.0:6060,debugRemote").debug());
        assertEquals(new HostPort("127.0.0.1", 0), AgentOptions.parse("debug=127.0.0.1:0").debug());
        assertTrue(AgentOptions.parse("debug=0.0.0.0:1,debugRemote=true").describe(1).contains(
            ",debug=0.0.0.0:1,debugRemote=true,"));
    }

    @Test
    void shouldTakeDumpSignalByNameWithOrWithoutSig() throws BadOptionException
    {
        assertEquals("USR2", AgentOptions.parse("dumpSignal=USR2").dumpSignal());
        assertEquals("USR1", AgentOptions.parse("dumpSignal=sigusr1").dumpSignal());
        assertNull(AgentOptions.parse("procs=1").dumpSignal());
        assertEquals("goroutines: bad value 'QUIT' for option 'dumpSignal': not a signal the JVM leaves free" +
            " (accepted: USR1, USR2, HUP, WINCH or URG (SIGUSR2 and usr2 work too))", messageOf("dumpSignal=QUIT"));
    }

    private static String messageOf(final String agentArgs)
    {
        return assertThrows(BadOptionException.class, () -> AgentOptions.parse(agentArgs)).getMessage();
    }
}
