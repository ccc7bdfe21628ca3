package io.goroutines.internal.sched;

/** A carrier thread (Go's M): a platform thread that runs goroutines. */
public class Carrier extends Thread
{
    /** The goroutine this carrier runs now, or null. Owner thread only. */
    public G current;

    public Carrier(final ThreadGroup group, final Runnable body, final String name, final long stackSize)
    {
        super(group, body, name, stackSize);
        setDaemon(true);
    }
}
