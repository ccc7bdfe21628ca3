package io.goroutines.internal.diag;

import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.Sched;

/**
 * What happens when an exception escapes a goroutine (Go's panic): the report is printed Go-style
 * on stderr and the JVM exits with status 2.
 *
 * <pre>
 *   panic: java.lang.IllegalStateException: boom
 *
 *   goroutine 7 [running]:
 *   com.example.Worker.run(Worker.java:42)
 *   com.example.Main.lambda$main$0(Main.java:17)
 * </pre>
 * The scheduler's own frames at the bottom of the trace (the root runner, the carrier's loop) are
 * left out, as Go leaves out the runtime's. The handler is replaceable, for tests and for the
 * {@code panic=log} option ({@link #configure(String)}).
 */
public final class Panics
{
    /** What to do with a panic. */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * Handles an exception that escaped a goroutine. Runs on the goroutine's carrier.
         *
         * @param g       the goroutine, already dead
         * @param failure what escaped it
         */
        void onPanic(G g, Throwable failure);
    }

    /** Prints the report on stderr and exits with status 2 (Go's behaviour, {@code panic=exit}). */
    public static final Handler EXIT = (g, failure) ->
    {
        System.out.flush();
        System.err.print(format(g, failure));
        System.err.flush();
        System.exit(2);
    };

    /** Prints the report on stderr and carries on ({@code panic=log}). */
    public static final Handler LOG = (g, failure) ->
    {
        System.out.flush();
        System.err.print(format(g, failure));
        System.err.flush();
    };

    /** Frames printed at most per exception; Go elides the middle of deep stacks too. */
    private static final int MAX_FRAMES = 100;
    /** Prefix of the runtime's internal classes, hidden at the bottom of traces. */
    private static final String INTERNAL = "io.goroutines.internal.";

    /** The handler in force. */
    private static volatile Handler handler = EXIT;

    private Panics()
    {
    }

    /**
     * Replaces the handler.
     *
     * @param next the new handler
     * @return the previous one
     */
    public static Handler handler(final Handler next)
    {
        if (null == next)
        {
            throw new NullPointerException("panics: handler must not be null");
        }
        final Handler previous = handler;
        handler = next;
        return previous;
    }

    /**
     * Sets the handler from the agent's option value ({@code panic=exit|log}); the agent calls this
     * from premain.
     *
     * @param mode {@code exit} ({@link #EXIT}) or {@code log} ({@link #LOG})
     * @throws IllegalArgumentException on any other value
     */
    public static void configure(final String mode)
    {
        if ("exit".equals(mode))
        {
            handler(EXIT);
        }
        else if ("log".equals(mode))
        {
            handler(LOG);
        }
        else
        {
            throw new IllegalArgumentException("panics: unknown mode '" + mode + "' (accepted: exit, log)");
        }
    }

    /** Reports a panic to the handler; never throws (a failing handler is reported on stderr). */
    public static void panic(final G g, final Throwable failure)
    {
        try
        {
            handler.onPanic(g, failure);
        }
        catch (final Throwable t)
        {
            System.err.println("panics: the panic handler failed: " + describe(t));
            System.err.print(format(g, failure));
        }
    }

    /** {@code t.toString()}, or a stand-in when that throws: a report must never fail. */
    public static String describe(final Throwable t)
    {
        try
        {
            return String.valueOf(t);
        }
        catch (final Throwable inToString)
        {
            return t.getClass().getName() + " (its toString() threw " + inToString.getClass().getName() + ")";
        }
    }

    /**
     * The Go-style report: {@code panic: <exception>}, a blank line, {@code goroutine N [running]:}
     * and the frames, then the causes. A stack overflow gets a line naming the {@code stack} option first.
     */
    public static String format(final G g, final Throwable failure)
    {
        final StringBuilder sb = new StringBuilder(1024);
        if (failure instanceof StackOverflowError)
        {
            sb.append("runtime: goroutine stack exceeds the carrier's ").append(Sched.get().stackBytes())
                .append("-byte Java stack; raise it with the agent option stack=SIZE (e.g. stack=64m)\n");
        }
        sb.append("panic: ").append(describe(failure)).append("\n\n");
        appendGoroutine(sb, g, failure.getStackTrace());
        final String createdBy = null == g ? null : g.createdBy();
        if (null != createdBy)
        {
            sb.append("created by ").append(createdBy).append('\n');
        }
        Throwable cause = failure.getCause();
        for (int depth = 0; null != cause && depth < 16; depth++)
        {
            sb.append("caused by: ").append(describe(cause)).append('\n');
            appendFrames(sb, cause.getStackTrace());
            cause = cause.getCause();
        }
        return sb.toString();
    }

    /**
     * A dump of one running goroutine: {@code goroutine N [running]:} and its frames, one per line
     * (a plain thread shows as goroutine 0).
     *
     * @param g      the goroutine, or null on a plain thread
     * @param frames its frames, innermost first
     * @return the dump
     */
    public static String dump(final G g, final StackTraceElement[] frames)
    {
        final StringBuilder sb = new StringBuilder(512);
        appendGoroutine(sb, g, frames);
        return sb.toString();
    }

    private static void appendGoroutine(final StringBuilder sb, final G g, final StackTraceElement[] frames)
    {
        sb.append("goroutine ").append(null == g ? 0 : g.id).append(" [running]:\n");
        appendFrames(sb, frames);
    }

    /** Appends one frame per line, {@code class.method(File.java:line)}, without the scheduler's own tail. */
    private static void appendFrames(final StringBuilder sb, final StackTraceElement[] frames)
    {
        int end = frames.length;
        while (end > 0 && isSchedulerFrame(frames[end - 1]))
        {
            end--;
        }
        for (int i = 0; i < end; i++)
        {
            if (i == MAX_FRAMES / 2 && end > MAX_FRAMES)
            {
                sb.append("...").append(end - MAX_FRAMES).append(" frames elided...\n");
                i = end - MAX_FRAMES / 2;
            }
            appendFrame(sb, frames[i]);
        }
    }

    private static boolean isSchedulerFrame(final StackTraceElement frame)
    {
        final String cls = frame.getClassName();
        return cls.startsWith(INTERNAL) || "java.lang.Thread".equals(cls);
    }

    private static void appendFrame(final StringBuilder sb, final StackTraceElement frame)
    {
        sb.append(frame(frame)).append('\n');
    }

    /** One frame as a trace prints it: {@code class.method(File.java:line)}, also for dumps. */
    public static String frame(final StackTraceElement frame)
    {
        final String where = frame.isNativeMethod() ? "Native Method"
            : null == frame.getFileName() ? "Unknown Source"
            : frame.getLineNumber() >= 0 ? frame.getFileName() + ":" + frame.getLineNumber() : frame.getFileName();
        return frame.getClassName() + "." + frame.getMethodName() + "(" + where + ")";
    }
}
