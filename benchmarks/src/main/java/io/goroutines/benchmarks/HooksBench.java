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
 * The two operations on which the metrics and JFR hooks sit, for measuring what the hooks cost when
 * no recording runs: a ping-pong round trip between two goroutines (two parks, two unparks) and the
 * spawn and end of a goroutine. Run it once with the normal agent and once with an agent built with
 * the hooks compiled out ({@code -jvmArgsAppend -javaagent:OTHER.jar}), alternating, and compare.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class HooksBench
{
    /** Round trips per invocation. */
    static final int ROUNDS = 10_000;

    /** Goroutines spawned per invocation. */
    static final int SPAWNS = 10_000;

    /** The ping-pong's channels and parties. */
    PingPong pingPong;

    /** Checks that the agent is here, and makes the channels. */
    @Setup
    public void setUp()
    {
        AgentCheck.requireAgent();
        pingPong = new PingPong();
    }

    /**
     * One round trip between two goroutines (depth 1: one rewritten frame above each receive).
     *
     * @return the pinger's hop count, for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long pingPong()
    {
        return pingPong.goroutines(1, ROUNDS);
    }

    /**
     * One goroutine spawned, run and ended (joined through a WaitGroup).
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
