package io.goroutines.internal.sched;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one metrics or JFR hook costs when no recording runs, in isolation: the gate
 * ({@link Events#on}, a volatile read and a branch), the park counter as it is (a plain per-P
 * increment) and as it was (a {@link LongAdder}), against a baseline doing the same work without
 * any. The operations carrying the hooks ({@code ParkResumeBench.goroutines}, {@code SpawnBench}) take hundreds of nanoseconds, with at
 * most two gates and one counter per goroutine per park, unpark, spawn or end; the difference from
 * the baseline here, times those counts, over the operation's time is the hooks' share.
 * In this package only to reach the runtime's package-private gate and P.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class HookCostBench
{
    /** A P whose counter the hook bumps. */
    private final P p = new P(-1, P.IDLE);
    /** The counter the park hook used to bump. */
    private final LongAdder adder = new LongAdder();
    /** The work all variants do: a field increment. */
    private long work;

    /** No hook: the work only. */
    @Benchmark
    public long baseline()
    {
        return ++work;
    }

    /** The JFR gate, closed: a volatile read and a branch not taken. */
    @Benchmark
    public long gate()
    {
        if (Events.on)
        {
            Events.park(null);
        }
        return ++work;
    }

    /** The park counter as it is: the gate plus a plain increment of the P's count. */
    @Benchmark
    public long gateAndPerPCounter()
    {
        if (Events.on)
        {
            Events.park(null);
        }
        p.parks++;
        return ++work;
    }

    /** The park counter as it was: a LongAdder, uncontended. */
    @Benchmark
    public long longAdder()
    {
        adder.increment();
        return ++work;
    }
}
