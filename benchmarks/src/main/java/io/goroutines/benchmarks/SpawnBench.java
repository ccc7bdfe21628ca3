package io.goroutines.benchmarks;

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
 * A goroutine spawned, run and ended, joined through a WaitGroup ({@link Spawns}): with
 * {@code ParkResumeBench.goroutines} (a ping-pong), one of the two operations the metrics and JFR
 * hooks sit on, next to which {@code HookCostBench} puts their cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class SpawnBench
{
    /** Goroutines spawned per invocation. */
    static final int SPAWNS = 10_000;

    /** Checks that the agent is here. */
    @Setup
    public void setUp()
    {
        AgentCheck.requireAgent();
    }

    /**
     * One goroutine spawned, run and ended.
     *
     * @return goroutines that ran, for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(SPAWNS)
    public long spawn()
    {
        return Spawns.spawnAndJoin(SPAWNS);
    }
}
