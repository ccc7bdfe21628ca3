package io.goroutines.benchmarks;

import io.goroutines.Chan;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link ChanBench}'s Uncontended and Contended blocks (100 sends, then 100 receives) run by plain
 * threads instead of goroutines: JMH's own threads, two on one shared channel of capacity 200
 * ({@code contended}) or one on a channel of its own ({@code uncontended}). No send or receive ever
 * waits (each thread receives only what is buffered after its own sends), so this measures the
 * channel's lock and bookkeeping with the scheduler out of the picture: how goroutines land on
 * carriers can make the goroutine version run its two parties one after the other. Score: time per
 * operation, per thread.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class ChanThreadsBench
{
    /** Sends, then receives, per invocation. */
    private static final int HALF = 100;
    /** The element (a cached Integer: nothing is allocated per element). */
    private static final Integer ONE = 1;

    /** The group's channel: room for both threads' sends. */
    private final Chan<Integer> c = Chan.make(2 * HALF);

    /** Two threads, one channel. */
    @Benchmark
    @Group("contended")
    @GroupThreads(2)
    @OperationsPerInvocation(2 * HALF)
    public void contended()
    {
        block(c);
    }

    /** One thread, its own channel. */
    @Benchmark
    @Group("uncontended")
    @GroupThreads(1)
    @OperationsPerInvocation(2 * HALF)
    public void uncontended()
    {
        block(c);
    }

    private static void block(final Chan<Integer> c)
    {
        for (int i = 0; i < HALF; i++)
        {
            c.send(ONE);
        }
        for (int i = 0; i < HALF; i++)
        {
            c.recv();
        }
    }
}
