package io.goroutines.internal.sched;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The runtime's lock ({@link RtLock}) against the two it could have been, a private object's monitor
 * (what channels and the sync primitives used before) and a non-fair {@link ReentrantLock}, on one
 * short critical section (a few field updates, about a channel operation's), with a little work
 * between two sections: alone ({@code *Uncontended}, one thread) and hammered by two threads on one
 * lock ({@code *Contended}, as two carriers on one channel). Plain threads, no goroutines, so the
 * scheduler plays no part: the difference is the lock's. Score: time per section, per thread.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class RtLockBench
{
    /** Work between two sections, in {@link Blackhole#consumeCPU} tokens. */
    private static final long OUTSIDE = 10;

    /** The monitor variant's lock. */
    private final Object monitor = new Object();
    /** The runtime lock. */
    private final RtLock rtLock = new RtLock();
    /** The java.util.concurrent lock. */
    private final ReentrantLock reentrant = new ReentrantLock();
    /** Guarded state: a ring index and a count, as a buffered channel's. */
    private int index;
    /** Guarded state. */
    private int count;

    /** The critical section. */
    private int section()
    {
        final int i = index + 1;
        index = 100 == i ? 0 : i;
        return ++count;
    }

    /** A section under the monitor, after some work outside it. */
    private int underMonitor()
    {
        Blackhole.consumeCPU(OUTSIDE);
        synchronized (monitor)
        {
            return section();
        }
    }

    /** A section under the runtime lock, after some work outside it. */
    private int underRtLock()
    {
        Blackhole.consumeCPU(OUTSIDE);
        rtLock.lock();
        try
        {
            return section();
        }
        finally
        {
            rtLock.unlock();
        }
    }

    /** A section under the ReentrantLock, after some work outside it. */
    private int underReentrant()
    {
        Blackhole.consumeCPU(OUTSIDE);
        reentrant.lock();
        try
        {
            return section();
        }
        finally
        {
            reentrant.unlock();
        }
    }

    /** A monitor, two threads. */
    @Benchmark
    @Group("monitorContended")
    @GroupThreads(2)
    public int monitorContended()
    {
        return underMonitor();
    }

    /** The runtime lock, two threads. */
    @Benchmark
    @Group("rtLockContended")
    @GroupThreads(2)
    public int rtLockContended()
    {
        return underRtLock();
    }

    /** A ReentrantLock, two threads. */
    @Benchmark
    @Group("reentrantContended")
    @GroupThreads(2)
    public int reentrantContended()
    {
        return underReentrant();
    }

    /** A monitor, one thread. */
    @Benchmark
    @Group("monitorUncontended")
    @GroupThreads(1)
    public int monitorUncontended()
    {
        return underMonitor();
    }

    /** The runtime lock, one thread. */
    @Benchmark
    @Group("rtLockUncontended")
    @GroupThreads(1)
    public int rtLockUncontended()
    {
        return underRtLock();
    }

    /** A ReentrantLock, one thread. */
    @Benchmark
    @Group("reentrantUncontended")
    @GroupThreads(1)
    public int reentrantUncontended()
    {
        return underReentrant();
    }
}
