package io.goroutines.benchmarks.workloads;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * How {@link ThreadWorkloads} starts a task: a virtual thread ({@code Thread.ofVirtual()}, Java 21+) or
 * a platform thread ({@code new Thread(r)}, daemon). The module compiles with release 17, which has no
 * {@code Thread.ofVirtual}, so the virtual one is looked up by reflection once, at start-up.
 */
enum ThreadSystem
{
    /** One virtual thread per task, on the JDK's default scheduler. */
    VIRTUAL("virtual"),
    /** One platform (OS) thread per task. */
    PLATFORM("platform");

    /** The name on the command line and in RESULT lines. */
    final String id;

    ThreadSystem(final String id)
    {
        this.id = id;
    }

    /**
     * The system a command line names.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    static ThreadSystem of(final String id)
    {
        for (final ThreadSystem s : values())
        {
            if (s.id.equals(id))
            {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown system '" + id + "' (accepted: virtual, platform)");
    }

    /**
     * A factory of unstarted threads of this system.
     *
     * @throws UnsupportedOperationException for virtual threads on a JDK without them
     */
    ThreadFactory factory()
    {
        if (PLATFORM == this)
        {
            return r -> {
                final Thread t = new Thread(r);
                t.setDaemon(true); // as the peers: a straggler never keeps the JVM alive
                return t;
            };
        }
        try
        {
            // Thread.ofVirtual().factory(): the same threads as Thread.ofVirtual().start(r) creates
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            final Class<?> builder = Class.forName("java.lang.Thread$Builder");
            final Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            final Object b = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
            return (ThreadFactory)lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class))
                .invoke(b);
        }
        catch (final Throwable ex)
        {
            throw new UnsupportedOperationException("virtual threads need Java 21 or later; this is " +
                System.getProperty("java.version"), ex);
        }
    }
}
