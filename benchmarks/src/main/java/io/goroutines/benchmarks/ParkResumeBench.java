package io.goroutines.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a park and a resume cost at call depth {@code depth}: two parties ping-pong a value over two
 * unbuffered channels ({@link PingPong}), and every receive happens at the bottom of a
 * {@code @Goroutine} chain of {@code depth} methods ({@link RecvChain}). On an unbuffered channel a
 * receiver that comes first parks, so each round trip is two hand-offs, each a park, an unpark and a
 * resume through the chain (unwinding and rewinding the chain's {@code depth + 1} rewritten frames,
 * the party's own loop and the channel's frames). The score is the time of one round trip.
 * <ul>
 *   <li>{@code goroutines}: pinger and ponger are goroutines; each invocation starts both and they
 *       play {@link #ROUNDS} rounds, so no goroutine is left parked between invocations.</li>
 *   <li>{@code threads}: the reference, the same exchange between the JMH thread and a platform thread
 *       started per invocation; there the chain runs as plain calls and the channel parks threads.</li>
 * </ul>
 * The number of carriers is the agent's {@code procs} (all processors by default); to pin both parties
 * to one, run with {@code -jvmArgsAppend -javaagent:agent/target/goroutines.jar=procs=1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class ParkResumeBench
{
    /** Round trips per invocation between goroutines. */
    static final int ROUNDS = 10_000;

    /** Round trips per invocation between threads: slower, so fewer fill an iteration. */
    static final int THREAD_ROUNDS = 1_000;

    /** Number of chain methods above each receive. */
    @Param({ "3", "5", "10", "20" })
    int depth;

    /** The channels and the two parties, made once the agent is known to be here. */
    PingPong pingPong;

    /** Checks that the agent is here, and makes the channels. */
    @Setup
    public void setUp()
    {
        AgentCheck.requireAgent();
        pingPong = new PingPong();
    }

    /**
     * {@link #ROUNDS} round trips between two goroutines.
     *
     * @return the pinger's hop count, for JMH to consume
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long goroutines()
    {
        return pingPong.goroutines(depth, ROUNDS);
    }

    /**
     * {@link #THREAD_ROUNDS} round trips between the JMH thread and a platform thread.
     *
     * @return the pinger's hop count, for JMH to consume
     * @throws InterruptedException never: nobody interrupts the JMH thread
     */
    @Benchmark
    @OperationsPerInvocation(THREAD_ROUNDS)
    public long threads() throws InterruptedException
    {
        return pingPong.threads(depth, THREAD_ROUNDS);
    }
}
