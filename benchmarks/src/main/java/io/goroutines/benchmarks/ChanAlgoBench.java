package io.goroutines.benchmarks;

import io.goroutines.Chan;
import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.chan.SegmentChan;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Channel algorithms: {@link Chan} (Go's hchan: one lock per channel, FIFOs of waiters) against the
 * prototype {@link SegmentChan} (the lock-free channel of Koval, Alistarh and Elizarov, PPoPP 2023, as
 * in kotlinx.coroutines), both used from goroutines. The workloads are those of {@link ChanBench}, with
 * the same constants, so the {@code chan*} scores here and ChanBench's {@code goroutines*} scores measure
 * the same thing:
 * <table>
 *   <caption>The benchmarks (each as {@code chanX} and {@code segmentX})</caption>
 *   <tr><th>X</th><th>what runs</th><th>score: time per</th></tr>
 *   <tr><td>Sync</td><td>2 goroutines on one unbuffered channel, one receiving then sending, the other
 *       sending then receiving</td><td>rendezvous</td></tr>
 *   <tr><td>ProdCons, {@code cap} = 0, 10, 100</td><td>procs producers and procs consumers on one
 *       channel of capacity {@code cap}</td><td>item (a send and its receive)</td></tr>
 *   <tr><td>Uncontended</td><td>procs goroutines, each with its own channel of capacity 100: 100 sends,
 *       then 100 receives</td><td>block of 100 sends and 100 receives</td></tr>
 *   <tr><td>Contended</td><td>the same, all on one shared channel of capacity 100 * procs</td>
 *       <td>block of 200</td></tr>
 * </table>
 * The workload methods are written twice, once per channel class, with the same code, so that both are
 * called monomorphically; the parallel ones split a fixed number of operations between their parties
 * and score wall-clock time over that number ({@link Parties}). Elements are the cached {@code Integer}s
 * 0 and 1, so neither side allocates per element (both allocate a waiter per wait; the prototype also
 * allocates a 32-cell segment per 32 operations).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class ChanAlgoBench
{
    /** The element sent. */
    static final Integer ONE = ChanBench.ONE;
    /** The element that tells a ProdCons consumer to stop. */
    static final Integer STOP = ChanBench.STOP;

    /** The channel capacity of the ProdCons benchmarks, in a state of its own (see {@link ChanBench.Capacity}). */
    @State(Scope.Thread)
    public static class Capacity
    {
        /** The capacity: 0 (unbuffered), 10 or 100. */
        @Param({ "0", "10", "100" })
        int cap;
    }

    // ---- Sync: rendezvous on an unbuffered channel -------------------------------------------------

    /**
     * {@link ChanBench#SYNC_OPS} rendezvous between two goroutines on an unbuffered {@link Chan}.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(ChanBench.SYNC_OPS)
    public void chanSync(final Parties.Goroutines go)
    {
        final Chan<Integer> c = Chan.make();
        go.run(2, i -> rendezvous(c, 0 == i, ChanBench.SYNC_OPS / 2));
    }

    /**
     * {@link ChanBench#SYNC_OPS} rendezvous between two goroutines on an unbuffered {@link SegmentChan}.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(ChanBench.SYNC_OPS)
    public void segmentSync(final Parties.Goroutines go)
    {
        final SegmentChan<Integer> c = SegmentChan.make();
        go.run(2, i -> rendezvous(c, 0 == i, ChanBench.SYNC_OPS / 2));
    }

    /** One party of Sync on a {@link Chan}: {@code rounds} times receive-then-send or send-then-receive. */
    @Goroutine
    static void rendezvous(final Chan<Integer> c, final boolean first, final int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            if (first)
            {
                c.recv();
                c.send(ONE);
            }
            else
            {
                c.send(ONE);
                c.recv();
            }
        }
    }

    /** {@link #rendezvous(Chan, boolean, int)} on a {@link SegmentChan}. */
    @Goroutine
    static void rendezvous(final SegmentChan<Integer> c, final boolean first, final int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            if (first)
            {
                c.recv();
                c.send(ONE);
            }
            else
            {
                c.send(ONE);
                c.recv();
            }
        }
    }

    // ---- ProdCons: procs producers and procs consumers on one channel -----------------------------

    /**
     * {@link ChanBench#PROD_CONS_OPS} items from procs producers to procs consumers over a {@link Chan}.
     *
     * @param go       the goroutines' state
     * @param capacity the channel's capacity
     * @throws IllegalStateException when the consumers did not receive every item
     */
    @Benchmark
    @OperationsPerInvocation(ChanBench.PROD_CONS_OPS)
    public void chanProdCons(final Parties.Goroutines go, final Capacity capacity)
    {
        final int procs = go.procs;
        final Chan<Integer> c = Chan.make(capacity.cap);
        final AtomicLong received = new AtomicLong();
        go.run(2 * procs, i ->
        {
            if (i < procs)
            {
                produce(c, Parties.share(ChanBench.PROD_CONS_OPS, procs, i));
            }
            else
            {
                received.addAndGet(consume(c));
            }
        });
        checkReceived(received.get());
    }

    /**
     * {@link ChanBench#PROD_CONS_OPS} items from procs producers to procs consumers over a
     * {@link SegmentChan}.
     *
     * @param go       the goroutines' state
     * @param capacity the channel's capacity
     * @throws IllegalStateException when the consumers did not receive every item
     */
    @Benchmark
    @OperationsPerInvocation(ChanBench.PROD_CONS_OPS)
    public void segmentProdCons(final Parties.Goroutines go, final Capacity capacity)
    {
        final int procs = go.procs;
        final SegmentChan<Integer> c = SegmentChan.make(capacity.cap);
        final AtomicLong received = new AtomicLong();
        go.run(2 * procs, i ->
        {
            if (i < procs)
            {
                produce(c, Parties.share(ChanBench.PROD_CONS_OPS, procs, i));
            }
            else
            {
                received.addAndGet(consume(c));
            }
        });
        checkReceived(received.get());
    }

    /** A producer on a {@link Chan}: {@code items} elements, then one {@link #STOP}. */
    @Goroutine
    static void produce(final Chan<Integer> c, final int items)
    {
        for (int i = 0; i < items; i++)
        {
            c.send(ONE);
        }
        c.send(STOP);
    }

    /** {@link #produce(Chan, int)} on a {@link SegmentChan}. */
    @Goroutine
    static void produce(final SegmentChan<Integer> c, final int items)
    {
        for (int i = 0; i < items; i++)
        {
            c.send(ONE);
        }
        c.send(STOP);
    }

    /**
     * A consumer on a {@link Chan}: receives until {@link #STOP}.
     *
     * @return the items received, {@link #STOP} not counted
     */
    @Goroutine
    static long consume(final Chan<Integer> c)
    {
        long n = 0;
        while (STOP != c.recv()) // only the constants are sent, so identity is enough
        {
            n++;
        }
        return n;
    }

    /**
     * {@link #consume(Chan)} on a {@link SegmentChan}.
     *
     * @return the items received, {@link #STOP} not counted
     */
    @Goroutine
    static long consume(final SegmentChan<Integer> c)
    {
        long n = 0;
        while (STOP != c.recv())
        {
            n++;
        }
        return n;
    }

    /** Fails the invocation unless the consumers received every item exactly once. */
    private static void checkReceived(final long received)
    {
        if (ChanBench.PROD_CONS_OPS != received)
        {
            throw new IllegalStateException("ProdCons: " + received + " items received, " +
                ChanBench.PROD_CONS_OPS + " sent");
        }
    }

    // ---- Uncontended and Contended: 100 sends, then 100 receives ----------------------------------

    /**
     * {@link ChanBench#BLOCKS} blocks split between procs goroutines, each on a {@link Chan} of its own.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(ChanBench.BLOCKS)
    public void chanUncontended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        go.run(procs, i -> fillAndDrain(Chan.<Integer>make(ChanBench.BLOCK_HALF),
            Parties.share(ChanBench.BLOCKS, procs, i)));
    }

    /**
     * {@link ChanBench#BLOCKS} blocks split between procs goroutines, each on a {@link SegmentChan} of
     * its own.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(ChanBench.BLOCKS)
    public void segmentUncontended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        go.run(procs, i -> fillAndDrain(SegmentChan.<Integer>make(ChanBench.BLOCK_HALF),
            Parties.share(ChanBench.BLOCKS, procs, i)));
    }

    /**
     * {@link ChanBench#BLOCKS} blocks split between procs goroutines, all on one {@link Chan} of
     * capacity 100 * procs (so no send waits).
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(ChanBench.BLOCKS)
    public void chanContended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        final Chan<Integer> c = Chan.make(ChanBench.BLOCK_HALF * procs);
        go.run(procs, i -> fillAndDrain(c, Parties.share(ChanBench.BLOCKS, procs, i)));
    }

    /**
     * {@link ChanBench#BLOCKS} blocks split between procs goroutines, all on one {@link SegmentChan} of
     * capacity 100 * procs.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(ChanBench.BLOCKS)
    public void segmentContended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        final SegmentChan<Integer> c = SegmentChan.make(ChanBench.BLOCK_HALF * procs);
        go.run(procs, i -> fillAndDrain(c, Parties.share(ChanBench.BLOCKS, procs, i)));
    }

    /** {@code blocks} times: {@link ChanBench#BLOCK_HALF} sends, then as many receives, on a {@link Chan}. */
    @Goroutine
    static void fillAndDrain(final Chan<Integer> c, final int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            for (int i = 0; i < ChanBench.BLOCK_HALF; i++)
            {
                c.send(ONE);
            }
            for (int i = 0; i < ChanBench.BLOCK_HALF; i++)
            {
                c.recv();
            }
        }
    }

    /** {@link #fillAndDrain(Chan, int)} on a {@link SegmentChan}. */
    @Goroutine
    static void fillAndDrain(final SegmentChan<Integer> c, final int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            for (int i = 0; i < ChanBench.BLOCK_HALF; i++)
            {
                c.send(ONE);
            }
            for (int i = 0; i < ChanBench.BLOCK_HALF; i++)
            {
                c.recv();
            }
        }
    }
}
