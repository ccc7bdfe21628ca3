package io.goroutines.internal.jit;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import javax.management.ObjectName;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Keeps the runtime's slow paths out of the JIT's inlining: a HotSpot compiler directive (JEP 165),
 * added once at start-up, tells C1 and C2 never to inline the methods of {@link #OUT_OF_LINE} into
 * whatever they compile.
 *
 * <h2>Why</h2>
 * C2 inlines a channel operation whole into the goroutine body that calls it: the lock, the hand-off
 * to a waiting peer, the wake-up of the peer (its run queue, another carrier to wake), the park and
 * the rewind after it. The body grows to tens of kilobytes of machine code, each C2 compile of it
 * takes a few tenths of a second, and each rare branch inlined from the runtime that is first taken
 * after the compile sends the body back to the interpreter to be compiled again. On a machine with
 * few cores, a program that runs for a second spends much of it waiting for the JIT (JDK 17 most of
 * all). Out of line, the wake-up and the park are compiled once each, shared by every caller, and
 * the bodies stay small; each costs a call, against the hundreds of nanoseconds of a park. The
 * operation's locked part stays inline, and with it the fast paths (an element buffered or taken
 * with no peer waiting), which cost what they did.
 *
 * <h2>How</h2>
 * The directive is added through the JVM's {@code DiagnosticCommand} MBean ({@code jcmd PID
 * Compiler.directives_add}), which needs the platform MBean server: starting it takes 0.2-0.3 s,
 * so {@link #configure} does it on a daemon thread and {@code main} is not delayed. Compiles that
 * start before the directive is in place inline as before; the directive applies to every compile
 * after. {@code jcmd PID Compiler.directives_print} shows it.
 *
 * <h2>When not</h2>
 * <ul>
 *   <li>the agent's option {@code inlining=jvm};</li>
 *   <li>the command line steers inlining itself ({@link #steering}): a directive of ours, matching
 *       every method, would take the place of the user's directives, and its inline list would
 *       make HotSpot ignore every {@code -XX:CompileCommand} inline or dontinline;</li>
 *   <li>a JVM without the diagnostic command (not HotSpot): nothing happens.</li>
 * </ul>
 */
public final class InliningDirective
{
    /**
     * The methods no compile inlines, as HotSpot's method patterns ({@code package/Class.method}, any
     * descriptor). Each is a path taken only when an operation cannot finish at once, or rarely.
     */
    static final List<String> OUT_OF_LINE = List.of(
        "io/goroutines/internal/sched/Sched.unpark", // a parked goroutine made runnable, a carrier woken for it
        "io/goroutines/internal/sched/LeafWaits.park", // a channel operation or wait that parks its goroutine
        "io/goroutines/internal/sched/LeafWaits.parkUntilDone", // its rewind after the park
        "io/goroutines/internal/sched/LeafWaits.block", // the same wait on a plain thread or a pinned goroutine
        "io/goroutines/internal/sched/Sched.spawn", // a new goroutine, queued
        "io/goroutines/internal/sched/Sched.startm", // a carrier woken or started for an idle P
        "io/goroutines/internal/sched/RunQueue.putSlow", // a full run queue spilling half to the global queue
        "io/goroutines/internal/stack/Frames.grow"); // a goroutine's frame store growing

    /** The diagnostic command MBean of HotSpot. */
    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";
    /** What {@code Compiler.directives_add} answers when it took one directive. */
    private static final String ADDED = "1 compiler directives added";

    /** Counted down once {@link #outcome} is known. */
    private static final CountDownLatch DONE = new CountDownLatch(1);
    /** What became of the directive: {@code added}, {@code off}, {@code skipped: ...} or {@code failed: ...}. */
    private static volatile String outcome = "not configured";

    private InliningDirective()
    {
    }

    /**
     * Adds the directive on a daemon thread of its own; the agent calls this from premain.
     *
     * @param mode {@code runtime} adds it; {@code jvm} (or anything else) leaves inlining to the JVM
     */
    public static void configure(final String mode)
    {
        if (!"runtime".equals(mode))
        {
            done("off");
            return;
        }
        final Thread t = new Thread(InliningDirective::install, "goroutines-jit");
        t.setDaemon(true);
        t.start();
    }

    /**
     * What became of the directive, once known.
     *
     * @param timeoutMs how long to wait for the start-up thread
     * @return {@code added}; {@code off} (option {@code inlining=jvm}); {@code skipped: <why>};
     *         {@code failed: <why>}; or {@code not configured} when nothing happened in time
     * @throws InterruptedException when interrupted while waiting
     */
    public static String outcome(final long timeoutMs) throws InterruptedException
    {
        DONE.await(timeoutMs, TimeUnit.MILLISECONDS);
        return outcome;
    }

    /** The directive, in HotSpot's JSON. */
    static String json()
    {
        final StringBuilder sb = new StringBuilder("[{ match: \"*.*\", inline: [");
        for (int i = 0; i < OUT_OF_LINE.size(); i++)
        {
            sb.append(0 == i ? "" : ", ").append("\"-").append(OUT_OF_LINE.get(i)).append('"');
        }
        return sb.append("] }]").toString();
    }

    /**
     * Whether the command line steers inlining itself, so that a directive of ours would override it.
     *
     * @param vmOption a JVM option's value, empty when it is not set (or not there to read)
     * @return why the directive must not be added, or null
     */
    static String steering(final UnaryOperator<String> vmOption)
    {
        if (!vmOption.apply("CompilerDirectivesFile").isEmpty())
        {
            return "-XX:CompilerDirectivesFile is given";
        }
        if (!vmOption.apply("CompileCommandFile").isEmpty())
        {
            return "-XX:CompileCommandFile is given";
        }
        for (final String command : vmOption.apply("CompileCommand").split("\n"))
        {
            if (command.contains("inline")) // inline and dontinline, however written
            {
                return "-XX:CompileCommand sets inlining (" + command.trim() + ")";
            }
        }
        return null;
    }

    /** Reads, adds, and records the outcome; never throws. */
    private static void install()
    {
        try
        {
            final HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            final String why = null == hotspot ? "not a HotSpot JVM" : steering(name -> option(hotspot, name));
            done(null == why ? add(json()) : "skipped: " + why);
        }
        catch (final Exception | LinkageError ex)
        {
            done("failed: " + ex);
        }
    }

    /** A JVM option's value; empty when not set, unknown, or diagnostic and locked. */
    private static String option(final HotSpotDiagnosticMXBean hotspot, final String name)
    {
        try
        {
            return hotspot.getVMOption(name).getValue();
        }
        catch (final IllegalArgumentException ex)
        {
            return "";
        }
    }

    /** Adds the directive from a temporary file (the command reads only files), then deletes it. */
    static String add(final String directive) throws Exception
    {
        final Path file = Files.createTempFile("goroutines-inlining", ".json");
        try
        {
            Files.write(file, directive.getBytes(StandardCharsets.UTF_8));
            final Object answer = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName(DIAGNOSTIC_COMMAND), "compilerDirectivesAdd",
                new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            final String text = String.valueOf(answer).trim();
            return text.startsWith(ADDED) ? "added" : "failed: " + text.replace('\n', ' ');
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    private static void done(final String what)
    {
        outcome = what;
        DONE.countDown();
    }
}
