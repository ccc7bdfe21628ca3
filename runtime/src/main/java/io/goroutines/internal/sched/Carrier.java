package io.goroutines.internal.sched;

/**
 * A carrier thread (Go's M): a platform thread that runs goroutines.
 *
 * <p>A carrier runs goroutines only while it holds a P (a permit to run, {@link #hasP}); the
 * scheduler has {@code procs} of them. A carrier whose goroutine pins or enters {@code Go.blocking}
 * hands its P to another carrier and goes on without one until it is back in its scheduling loop.
 * Idle carriers park until another thread grants them a P ({@link #granted}).
 */
public final class Carrier extends Thread
{
    /** The goroutine this carrier runs now, or null. Owner thread only (the monitor reads it racily). */
    public G current;

    /**
     * Depth of nested {@code Go.blocking} sections on this carrier. Owner thread only. While it is
     * not zero the carrier must not take a P back (a pinned park inside the section, or an inner
     * section ending): only the outermost section's end does.
     */
    int blockingDepth;

    /** True while this carrier holds a P. Owner thread only (written by the granter before start). */
    boolean hasP;

    /** True while this carrier looks for work with a P (Go's spinning M). Owner thread only. */
    boolean spinning;

    /** Set by the thread that hands this parked carrier a P; cleared by the carrier. */
    volatile boolean granted;

    /** Whether the grant makes this carrier a spinning one (written before {@link #granted}). */
    boolean grantSpinning;

    /** Incremented each time this carrier starts running a goroutine; read by the monitor. */
    volatile long schedTick;

    /** The monitor's last seen {@link #schedTick}. Monitor thread only. */
    long sysmonTick = -1;

    /** When the monitor first saw {@link #sysmonTick}, in nanoTime. Monitor thread only. */
    long sysmonWhenNs;

    /**
     * A carrier thread; daemon, so that it never keeps the JVM alive.
     *
     * @param group     thread group, may be null
     * @param body      the scheduling loop
     * @param name      thread name
     * @param stackSize Java stack size in bytes, 0 for the JVM's default
     */
    public Carrier(final ThreadGroup group, final Runnable body, final String name, final long stackSize)
    {
        super(group, body, name, stackSize);
        setDaemon(true);
    }
}
