package io.goroutines.internal.diag;

import io.goroutines.internal.sched.Carrier;
import io.goroutines.internal.sched.Events;
import io.goroutines.internal.sched.Sched;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Option {@code trace=FILE}: records what the scheduler does into a file that Perfetto
 * (ui.perfetto.dev) and Chrome's trace viewer (chrome://tracing) open, in the Trace Event Format's
 * JSON array form: one track per P with a slice for each stretch a goroutine ran on it (named
 * {@code G<id>}, ending with why it left: its wait reason, {@code yield}, {@code end}, {@code syscall},
 * {@code pinned}), instants for starts ({@code go G<id>}), wake-ups, preemptions, pins and hand-offs,
 * on the track of the P (or thread) where they happened, and a counter of live goroutines.
 *
 * <h2>Design</h2>
 * Recording must not serialise the carriers: each thread appends to a buffer of its own
 * ({@link TraceBuffer}, no lock, one release store per event) and a writer thread turns buffers into
 * text: full ones handed to it, and every second whatever the live buffers published, so the file
 * trails the program by about a second and a killed JVM leaves a file that still opens (the array
 * form needs no closing bracket). The file is finished at exit (a shutdown hook; Go's panic and
 * deadlock exits go through {@code System.exit} too). Events are not written in time order; both
 * viewers sort them.
 * <p>
 * The cost while on is a thread-local lookup and a few stores per event, plus the writer's
 * formatting on another core; while off, the scheduler pays the one volatile read of
 * {@link Events#on} it pays for JFR. Events racing with the end of the trace may be dropped.
 */
public final class Trace implements Events.Sink
{
    /** Tracks of threads (events without a P) are numbered from here, after the Ps. */
    static final long THREAD_TRACKS = 1_000_000L;

    /** Events per carrier buffer (32 bytes and a reference each). */
    private static final int CARRIER_EVENTS = 4096;

    /** Events per buffer of another thread (they record few: wake-ups, the monitor's preemptions). */
    private static final int THREAD_EVENTS = 256;

    /** How often the writer writes what live buffers published, and samples the counters. */
    private static final long SWEEP_MS = 1000;

    /** Stands for "no more buffers" in the writer's queue. */
    private static final TraceBuffer END = new TraceBuffer(0);

    /** The trace running for option {@code trace}, or null. */
    private static Trace running;

    private final Path file;
    private final Writer out;
    private final long pid = ProcessHandle.current().pid();
    private final long t0 = System.nanoTime();
    private final ThreadLocal<TraceBuffer> mine = new ThreadLocal<>();
    private final Set<TraceBuffer> live = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<TraceBuffer> full = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean stopped;

    /** Tracks already named in the file. Writer thread only. */
    private final Set<Long> named = new HashSet<>();
    /** The line being built. Writer thread only. */
    private final StringBuilder sb = new StringBuilder(256);
    /** Whether an event was written (the next one needs a comma). Writer thread only. */
    private boolean any;
    /** Entries written (events and track names). Writer thread only, read after it ended. */
    private long events;

    private Trace(final Path file) throws IOException
    {
        this.file = file;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.writer = new Thread(DebugServer.THREADS, this::write, "goroutines-trace");
        writer.setDaemon(true);
    }

    /**
     * Starts recording into {@code file} until the JVM exits; the agent calls this from premain. A
     * file that cannot be written is reported on stderr and the program runs untraced.
     *
     * @param file the file to create or replace
     */
    public static void configure(final String file)
    {
        final Trace t;
        try
        {
            t = start(Path.of(file));
        }
        catch (final IOException | RuntimeException ex)
        {
            System.err.println("goroutines: trace=" + file + ": cannot write the trace, so nothing is traced: " + ex);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(t::stop, "goroutines-trace-end"));
    }

    /**
     * Starts recording into {@code file}; only one trace runs at a time.
     *
     * @throws IOException when the file cannot be created
     * @throws IllegalStateException when a trace runs already
     */
    static synchronized Trace start(final Path file) throws IOException
    {
        if (null != running)
        {
            throw new IllegalStateException("a trace is already being recorded into " + running.file);
        }
        final Trace t = new Trace(file);
        running = t;
        t.writer.start();
        Events.trace(t);
        return t;
    }

    /**
     * Stops recording, writes what was recorded and finishes the file. Idempotent.
     *
     * @return the number of entries written (events and track names)
     */
    long stop()
    {
        synchronized (Trace.class)
        {
            if (!stopped)
            {
                stopped = true;
                Events.trace(null);
                full.add(END);
            }
        }
        try
        {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        synchronized (Trace.class)
        {
            if (this == running)
            {
                running = null;
            }
        }
        return events;
    }

    // ---- recording (any thread) -------------------------------------------------------------------

    @Override
    public void start(final long id, final long parentId)
    {
        record(TraceBuffer.GO, Events.currentP(), id, System.nanoTime(), parentId, null);
    }

    @Override
    public void end(final long id)
    {
        // the slice that ends with "end" says it
    }

    @Override
    public void park(final long id, final String reason)
    {
        // the slice that ends with the wait reason says it
    }

    @Override
    public void unpark(final long id)
    {
        record(TraceBuffer.UNPARK, Events.currentP(), id, System.nanoTime(), 0, null);
    }

    @Override
    public void preempt(final long id)
    {
        record(TraceBuffer.PREEMPT, Events.currentP(), id, System.nanoTime(), 0, null);
    }

    @Override
    public void pin(final long id, final String reason)
    {
        record(TraceBuffer.PIN, Events.currentP(), id, System.nanoTime(), 0, reason);
    }

    @Override
    public void handoff(final int p)
    {
        record(TraceBuffer.HANDOFF, Events.currentP(), p, System.nanoTime(), 0, null);
    }

    @Override
    public void slice(final long id, final int p, final long fromNs, final long toNs, final String why)
    {
        record(TraceBuffer.SLICE, p, id, fromNs, toNs, why);
    }

    private void record(final int kind, final int p, final long g, final long a, final long b, final String why)
    {
        if (stopped)
        {
            return;
        }
        final TraceBuffer buf = mine.get();
        if (null == buf || !buf.add(kind, p, g, a, b, why))
        {
            fresh(buf).add(kind, p, g, a, b, why);
        }
    }

    /** Hands the calling thread's full buffer (if any) to the writer and gives the thread a new one. */
    private TraceBuffer fresh(final TraceBuffer old)
    {
        if (null != old)
        {
            live.remove(old);
            full.add(old);
        }
        final TraceBuffer b = new TraceBuffer(Thread.currentThread() instanceof Carrier ? CARRIER_EVENTS : THREAD_EVENTS);
        live.add(b);
        mine.set(b);
        return b;
    }

    // ---- writing (the writer thread) --------------------------------------------------------------

    private void write()
    {
        try
        {
            out.write("[\n");
            line().append("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":").append(pid)
                .append(",\"args\":{\"name\":\"goroutines (pid ").append(pid).append(")\"}}");
            emit();
            long sweepAt = System.nanoTime();
            for (;;)
            {
                final long waitNs = sweepAt - System.nanoTime();
                final TraceBuffer b = waitNs > 0 ? full.poll(waitNs, TimeUnit.NANOSECONDS) : full.poll();
                if (END == b)
                {
                    break;
                }
                if (null != b)
                {
                    drain(b);
                }
                else if (sweepAt - System.nanoTime() <= 0)
                {
                    sweep();
                    sweepAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MS);
                }
            }
            for (TraceBuffer b = full.poll(); null != b; b = full.poll()) // handed over while it stopped
            {
                if (END != b)
                {
                    drain(b);
                }
            }
            sweep();
            out.write("\n]\n");
            out.close();
        }
        catch (final IOException ex)
        {
            stopped = true;
            Events.trace(null);
            System.err.println("goroutines: trace=" + file + ": writing the trace failed, so it stops here: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what the live buffers published, and a sample of the counters. */
    private void sweep() throws IOException
    {
        for (final TraceBuffer b : live)
        {
            drain(b);
        }
        line().append("{\"name\":\"goroutines\",\"ph\":\"C\",\"pid\":").append(pid).append(",\"ts\":");
        micros(System.nanoTime() - t0);
        sb.append(",\"args\":{\"live\":").append(Sched.running() ? Sched.numGoroutine() : 0).append("}}");
        emit();
        out.flush();
    }

    /** Writes the events of {@code b} not written yet. */
    private void drain(final TraceBuffer b) throws IOException
    {
        final int n = b.published();
        for (int i = b.flushed; i < n; i++)
        {
            event(b, i);
        }
        b.flushed = n;
    }

    private void event(final TraceBuffer b, final int i) throws IOException
    {
        final int kind = b.kind(i);
        final int p = b.p(i);
        final long track = p >= 0 ? p : b.track;
        nameTrack(track, p, b.threadName);
        final long g = b.g(i);
        line().append("{\"name\":");
        switch (kind)
        {
            case TraceBuffer.SLICE -> sb.append("\"G").append(g).append("\",\"cat\":\"goroutine\",\"ph\":\"X\"");
            case TraceBuffer.GO -> sb.append("\"go G").append(g).append("\",\"cat\":\"sched\",\"ph\":\"i\",\"s\":\"t\"");
            case TraceBuffer.UNPARK -> sb.append("\"unpark G").append(g).append("\",\"cat\":\"sched\",\"ph\":\"i\",\"s\":\"t\"");
            case TraceBuffer.PREEMPT -> sb.append("\"preempt G").append(g).append("\",\"cat\":\"sched\",\"ph\":\"i\",\"s\":\"t\"");
            case TraceBuffer.PIN -> sb.append("\"pin G").append(g).append("\",\"cat\":\"sched\",\"ph\":\"i\",\"s\":\"t\"");
            case TraceBuffer.HANDOFF -> sb.append("\"handoff P").append(g).append("\",\"cat\":\"sched\",\"ph\":\"i\",\"s\":\"t\"");
            default -> throw new IllegalStateException("trace: event kind " + kind);
        }
        sb.append(",\"pid\":").append(pid).append(",\"tid\":").append(track).append(",\"ts\":");
        micros(b.a(i) - t0);
        if (TraceBuffer.SLICE == kind)
        {
            sb.append(",\"dur\":");
            micros(b.b(i) - b.a(i));
        }
        if (TraceBuffer.HANDOFF == kind)
        {
            sb.append(",\"args\":{\"p\":").append(g).append('}');
        }
        else
        {
            sb.append(",\"args\":{\"goroutine\":").append(g);
            if (TraceBuffer.GO == kind)
            {
                sb.append(",\"parent\":").append(b.b(i));
            }
            else if (null != b.why(i))
            {
                sb.append(TraceBuffer.SLICE == kind ? ",\"then\":" : ",\"reason\":");
                Dumps.quote(sb, b.why(i));
            }
            sb.append('}');
        }
        sb.append('}');
        emit();
    }

    /** The first event on a track names it: {@code P3}, or the thread's name; Ps sort first. */
    private void nameTrack(final long track, final int p, final String threadName) throws IOException
    {
        if (!named.add(track))
        {
            return;
        }
        line().append("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":").append(pid).append(",\"tid\":").append(track)
            .append(",\"args\":{\"name\":");
        Dumps.quote(sb, p >= 0 ? "P" + p : threadName);
        sb.append("}}");
        emit();
        line().append("{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":").append(pid).append(",\"tid\":")
            .append(track).append(",\"args\":{\"sort_index\":").append(p >= 0 ? p : track).append("}}");
        emit();
    }

    /** Microseconds with three decimals (the format's unit); negative spans (clock skew) as 0. */
    private void micros(final long ns)
    {
        final long d = Math.max(0, ns);
        final long frac = d % 1000;
        sb.append(d / 1000).append('.').append(frac < 100 ? frac < 10 ? "00" : "0" : "").append(frac);
    }

    private StringBuilder line()
    {
        sb.setLength(0);
        return sb;
    }

    private void emit() throws IOException
    {
        if (any)
        {
            out.write(",\n");
        }
        any = true;
        out.append(sb);
        events++;
    }
}
