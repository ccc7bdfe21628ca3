package io.goroutines.benchmarks;

import io.goroutines.annotation.Goroutine;

import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the rewrite costs code that does not suspend: a call chain of {@code depth} methods
 * ({@link GoroutineChain}, every method {@code @Goroutine}) against the same chain without the
 * annotation ({@link PlainChain}), per call of the chain's entry (a dispatcher on {@code depth}, then
 * {@code depth} chain methods).
 * <ul>
 *   <li>{@code plainInGoroutine}, {@code rewrittenInGoroutine}: inside a goroutine, where the rewritten
 *       code runs armed (the path every goroutine takes). A goroutine cannot be entered from the JMH
 *       thread directly, so each invocation starts one that makes {@link #BATCH} calls and sends their
 *       hash back on a channel; the start and the hand-off back are shared by the two variants and
 *       spread over the batch ({@code @OperationsPerInvocation}).</li>
 *   <li>{@code plainFromThread}, {@code rewrittenFromThread}: from the JMH thread, a plain thread, where
 *       rewritten code runs as a plain call (its entry finds no goroutine).</li>
 * </ul>
 * The batch loop ({@code PlainChain.loop}, {@code GoroutineChain.loop}) is {@code @Goroutine} in both
 * variants, rewritten alike (a preemption check at its back-edge), so the difference between the two
 * in-goroutine scores is the chain's.
 * <ul>
 *   <li>{@code plainDirectInGoroutine}, {@code rewrittenDirectInGoroutine}: the same inside a goroutine,
 *       but the depth is chosen once and each call enters the chain's top method directly; the loops
 *       ({@code PlainChain.batch}, {@code GoroutineChain.batch}) are both {@code @Goroutine}, so they are
 *       rewritten alike and only the chain differs. This isolates the chain from the 20-way
 *       dispatcher, which the JIT cannot inline once rewritten (1,008 bytes against 204; C2 inlines up to 325).</li>
 * </ul>
 * Inputs vary per call, so nothing folds into a constant; results reach a {@link Blackhole}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class CallChainBench
{
    /** Calls per goroutine in the in-goroutine variants: enough that the start and the hand-off back (some 30 µs) add 0.3 ns per call. */
    static final int BATCH = 100_000;

    /** Number of chain methods below the dispatcher. */
    @Param({ "3", "5", "10", "20" })
    int depth;

    /** First input; varies per trial so that the JIT cannot specialise on it. */
    long seed;

    /** Runs a batch in a goroutine; made once the agent is known to be here (see {@link AgentCheck}). */
    InGoroutine inGoroutine;

    /** Checks that the agent is here, and picks the inputs. */
    @Setup
    public void setUp()
    {
        AgentCheck.requireAgent();
        seed = ThreadLocalRandom.current().nextLong();
        inGoroutine = new InGoroutine();
    }

    /**
     * The plain chain from the JMH thread: the reference.
     *
     * @return the hash, for JMH to consume
     */
    @Benchmark
    public long plainFromThread()
    {
        return PlainChain.call(depth, seed++);
    }

    /**
     * The rewritten chain from the JMH thread: rewritten code entered from a plain thread.
     *
     * @return the hash, for JMH to consume
     */
    @Benchmark
    public long rewrittenFromThread()
    {
        return GoroutineChain.call(depth, seed++);
    }

    /**
     * {@link #BATCH} calls of the plain chain in a new goroutine.
     *
     * @param bh consumes the batch's hash
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void plainInGoroutine(final Blackhole bh)
    {
        inGoroutine(bh, (depth, seed) -> PlainChain.loop(depth, seed, BATCH));
    }

    /**
     * {@link #BATCH} calls of the rewritten chain in a new goroutine.
     *
     * @param bh consumes the batch's hash
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rewrittenInGoroutine(final Blackhole bh)
    {
        inGoroutine(bh, (depth, seed) -> GoroutineChain.loop(depth, seed, BATCH));
    }

    /**
     * {@link #BATCH} calls of the plain chain in a new goroutine, each entering the chain's top method
     * directly (the depth is chosen once, outside the loop).
     *
     * @param bh consumes the batch's hash
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void plainDirectInGoroutine(final Blackhole bh)
    {
        inGoroutine(bh, (depth, seed) -> PlainChain.batch(depth, seed, BATCH));
    }

    /**
     * {@link #BATCH} calls of the rewritten chain in a new goroutine, each entering the chain's top
     * method directly; the loop itself is rewritten too (a preemption check at its back-edge).
     *
     * @param bh consumes the batch's hash
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rewrittenDirectInGoroutine(final Blackhole bh)
    {
        inGoroutine(bh, (depth, seed) -> GoroutineChain.batch(depth, seed, BATCH));
    }

    /** A batch of calls made inside a goroutine: {@code (depth, seed) -> hash of the batch}. */
    @FunctionalInterface
    interface Batch
    {
        @Goroutine
        long run(int depth, long seed);
    }

    /**
     * Runs {@code batch} in a new goroutine and waits for its hash (the start and the hand-off back
     * are the same for every variant and spread over {@link #BATCH} calls).
     */
    private void inGoroutine(final Blackhole bh, final Batch batch)
    {
        final int depth = this.depth;
        final long seed = this.seed++;
        bh.consume(inGoroutine.run(() -> batch.run(depth, seed)));
    }
}
