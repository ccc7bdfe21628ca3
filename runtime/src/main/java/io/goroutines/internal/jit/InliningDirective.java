package io.goroutines.internal.jit;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import javax.management.ObjectName;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Keeps the runtime's slow paths out of the JIT's inlining: a HotSpot compiler directive (JEP 165),
 * added once at start-up, tells C1 and C2 never to inline the methods of {@link #OUT_OF_LINE} into
 * whatever they compile (and keeps C2 off the agent's transform, below).
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
 * <p>The directive also keeps C2 off the agent's own classes ({@link #C2_EXCLUDED}): its transform
 * (ASM reading, analysing and writing class files) is hot while the program's classes load, which
 * on a small machine is when the program's own hot loops want the JIT. C2 compiled the analysis's
 * biggest methods there for 0.1-0.2 s each, on the one C2 thread a two-core machine has, while the
 * program's methods waited in the queue, interpreted or in C1's profiling code. C1's code for the
 * transform is slower in principle, but loading 4,524 classes through the agent took no longer with
 * this entry than without it (the README has the figures).
 *
 * <h2>How</h2>
 * The directive is added with the JVM's diagnostic command {@code Compiler.directives_add} (as
 * {@code jcmd PID Compiler.directives_add} would), on a daemon thread, so that {@code main} is not
 * delayed. Where the agent opened the command's implementation to the runtime, the command runs
 * directly ({@link DiagnosticCommands}) and the directive is in place a few tens of milliseconds
 * after start-up; otherwise it goes through the {@code DiagnosticCommand} MBean, which needs the
 * platform MBean server, whose start takes 0.2-0.3 s. Compiles that start before the directive is in
 * place inline as before; the directive applies to every compile after. {@code jcmd PID
 * Compiler.directives_print} shows it.
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
    /**
     * The agent's own classes (its transform and the ASM inside it), as a HotSpot method pattern: C1
     * compiles them, C2 never does.
     */
    static final String C2_EXCLUDED = "io/goroutines/agent/*.*";
    /** What {@code Compiler.directives_add} answers when it took both directives of {@link #json()}. */
    private static final String ADDED = "2 compiler directives added";

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
     * @return {@code added}; {@code added through JMX} (the platform MBean server's route, where the
     *         direct one is not open); {@code off} (option {@code inlining=jvm}); {@code skipped: <why>};
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
        final StringBuilder sb = new StringBuilder("[{ match: \"").append(C2_EXCLUDED)
            .append("\", c2: { Exclude: true } },\n { match: \"*.*\", inline: [");
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
            done(null == why ? add(json(), DiagnosticCommands.open()) : "skipped: " + why);
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

    /**
     * Adds the directive from a temporary file (the command reads only files), then deletes it.
     *
     * @param directive the directive, in HotSpot's JSON
     * @param direct    the direct route to the command, or null for the platform MBean server's
     * @return {@code added} or {@code added through JMX}, else {@code failed: <what the JVM said>}
     * @throws Exception when the command cannot be run at all
     */
    static String add(final String directive, final DiagnosticCommands direct) throws Exception
    {
        final Path file = newFile(directive.getBytes(StandardCharsets.UTF_8));
        try
        {
            final String text;
            if (null != direct)
            {
                text = direct.execute("Compiler.directives_add \"" + file + '"').trim();
            }
            else
            {
                text = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName(DIAGNOSTIC_COMMAND), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()})).trim();
            }
            if (!text.startsWith(ADDED))
            {
                return "failed: " + text.replace('\n', ' ');
            }
            return null != direct ? "added" : "added through JMX";
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Writes a new file in the temporary directory. Not {@code Files.createTempFile}: its random names
     * come from {@code SecureRandom}, whose seeding took 30-50 ms at start-up; the process id and the
     * clock make a name that no other process uses, and {@code CREATE_NEW} makes sure of it.
     */
    private static Path newFile(final byte[] content) throws IOException
    {
        final Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        final long pid = ProcessHandle.current().pid();
        for (int attempt = 0; ; attempt++)
        {
            final Path file = dir.resolve("goroutines-inlining-" + pid + "-" + System.nanoTime() + ".json");
            try
            {
                Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return file;
            }
            catch (final FileAlreadyExistsException ex)
            {
                if (attempt >= 10)
                {
                    throw ex;
                }
            }
        }
    }

    private static void done(final String what)
    {
        outcome = what;
        DONE.countDown();
    }
}
