package io.goroutines.benchmarks;

import io.goroutines.annotation.Goroutine;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the rewrite costs a loop that does not suspend: an int array summed inside a goroutine by a
 * plain method ({@code plainLoop}) and by the same code in a {@code @Goroutine} method
 * ({@code rewrittenLoop}), whose back-edge gets a preemption check (a read of the goroutine's
 * volatile preemption flag; when set, the frame saves itself and yields). The score is per element.
 * Each invocation starts one goroutine that sums the array once and sends the sum back; that cost is
 * the same for both and spread over {@link #SIZE} elements.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class LoopBench
{
    /** Elements summed per invocation. */
    static final int SIZE = 100_000;

    /** The array, filled once. */
    int[] values;

    /** Runs a sum in a goroutine; made once the agent is known to be here (see {@link AgentCheck}). */
    InGoroutine inGoroutine;

    /** Checks that the agent is here, and fills the array. */
    @Setup
    public void setUp()
    {
        AgentCheck.requireAgent();
        values = new int[SIZE];
        for (int i = 0; i < SIZE; i++)
        {
            values[i] = i * 7 + 3;
        }
        inGoroutine = new InGoroutine();
    }

    /**
     * The array summed in a goroutine by a plain method: the reference.
     *
     * @return the sum, for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(SIZE)
    public long plainLoop()
    {
        final int[] a = values;
        return inGoroutine.run(() -> plainSum(a));
    }

    /**
     * The array summed in a goroutine by a rewritten method.
     *
     * @return the sum, for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(SIZE)
    public long rewrittenLoop()
    {
        final int[] a = values;
        return inGoroutine.run(() -> rewrittenSum(a));
    }

    /** Not rewritten: no preemption point. */
    static long plainSum(final int[] a)
    {
        long s = 0;
        for (int i = 0; i < a.length; i++)
        {
            s += a[i];
        }
        return s;
    }

    /** Rewritten: a preemption point at the back-edge. */
    @Goroutine
    static long rewrittenSum(final int[] a)
    {
        long s = 0;
        for (int i = 0; i < a.length; i++)
        {
            s += a[i];
        }
        return s;
    }
}
