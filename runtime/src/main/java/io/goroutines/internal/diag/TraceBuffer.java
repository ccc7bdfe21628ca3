package io.goroutines.internal.diag;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The trace events one thread recorded, not yet written: a fixed array the owner thread appends to
 * without locking, and the trace's writer thread reads behind it.
 * <p>
 * Invariants: only the owner writes slots, and only at {@link #written} and beyond, which it then
 * publishes with a release store; only the writer reads, only below the acquired {@code written}, and
 * only it moves {@link #flushed}. A full buffer is never written again: the owner hands it to the
 * writer and takes a new one. So the two never touch the same slot at the same time, and every event
 * is written to the file at most once.
 */
final class TraceBuffer
{
    /** A goroutine's run on a P: goroutine, P (or -1), from, to, why. */
    static final int SLICE = 1;
    /** A goroutine was started: goroutine, parent. */
    static final int GO = 2;
    /** A goroutine was made runnable. */
    static final int UNPARK = 3;
    /** A goroutine was asked to yield. */
    static final int PREEMPT = 4;
    /** A P was handed to another carrier: the P in the goroutine's place. */
    static final int HANDOFF = 5;
    /** A goroutine blocked its carrier: goroutine, why = its wait reason. */
    static final int PIN = 6;

    /** Longs per event: kind and P, goroutine, from (or the event's time), to (or the parent). */
    private static final int STRIDE = 4;

    private static final VarHandle WRITTEN;

    static
    {
        try
        {
            WRITTEN = MethodHandles.lookup().findVarHandle(TraceBuffer.class, "written", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The track of events that happen on this thread without a P: Perfetto's thread id. */
    final long track;

    /** The owner thread's name, for its track. */
    final String threadName;

    private final long[] longs;
    private final String[] strings;

    /** Events the owner published. Written by the owner only (release), read by the writer (acquire). */
    @SuppressWarnings("unused")
    private volatile int written;

    /** Events already written to the file. Writer thread only. */
    int flushed;

    /**
     * A buffer of the calling thread.
     *
     * @param capacity events it holds
     */
    TraceBuffer(final int capacity)
    {
        final Thread t = Thread.currentThread();
        this.track = Trace.THREAD_TRACKS + t.getId();
        this.threadName = t.getName();
        this.longs = new long[capacity * STRIDE];
        this.strings = new String[capacity];
    }

    /**
     * Appends an event. Owner thread only.
     *
     * @return false when the buffer is full (the event was not recorded)
     */
    boolean add(final int kind, final int p, final long g, final long a, final long b, final String why)
    {
        final int n = (int)WRITTEN.getOpaque(this);
        if (n == strings.length)
        {
            return false;
        }
        final int i = n * STRIDE;
        longs[i] = (long)kind << 32 | (p & 0xFFFF_FFFFL);
        longs[i + 1] = g;
        longs[i + 2] = a;
        longs[i + 3] = b;
        strings[n] = why;
        WRITTEN.setRelease(this, n + 1);
        return true;
    }

    /** Events published so far (writer thread). */
    int published()
    {
        return (int)WRITTEN.getAcquire(this);
    }

    int kind(final int n)
    {
        return (int)(longs[n * STRIDE] >>> 32);
    }

    int p(final int n)
    {
        return (int)longs[n * STRIDE];
    }

    long g(final int n)
    {
        return longs[n * STRIDE + 1];
    }

    long a(final int n)
    {
        return longs[n * STRIDE + 2];
    }

    long b(final int n)
    {
        return longs[n * STRIDE + 3];
    }

    String why(final int n)
    {
        return strings[n];
    }
}
