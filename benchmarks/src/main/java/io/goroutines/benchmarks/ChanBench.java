package io.goroutines.benchmarks;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.Select;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
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
 * Channel operations: goroutines on {@link Chan} against virtual threads on the java.util.concurrent
 * stand-ins ({@link SynchronousQueue} for an unbuffered channel, {@link ArrayBlockingQueue} for a
 * buffered one), after Go's runtime/chan_test.go. Each invocation starts its parties from the JMH thread
 * and waits for them ({@link Parties}); "procs" is the number of Ps (goroutines) or of the virtual-thread
 * scheduler's carriers, both the CPU count by default. Go's figures: Go 1.19.8 on 2 vCPUs, GOMAXPROCS=2
 * (GO-SEMANTICS.md, section 3.3), taken on another day, only a guide to the table's scale;
 * {@code benchmarks/run-vs-go} runs Go's own benchmarks in the same command and gives the ratios.
 * <table>
 *   <caption>The benchmarks</caption>
 *   <tr><th>methods</th><th>Go benchmark</th><th>what runs</th><th>score: time per</th><th>Go</th></tr>
 *   <tr><td>{@code goroutinesSync}, {@code virtualSync}</td><td>BenchmarkChanSync</td>
 *       <td>2 parties on one unbuffered channel, one receiving then sending, the other sending then
 *       receiving</td><td>rendezvous (a send met by a receive)</td><td>112.6 ns</td></tr>
 *   <tr><td>{@code goroutinesProdCons}, {@code virtualProdCons}, {@code cap} = 0, 10, 100</td>
 *       <td>BenchmarkChanProdCons0 / 10 / 100</td><td>procs producers and procs consumers on one channel
 *       of capacity {@code cap}</td><td>item (a send and its receive)</td><td>103.4 / 44.6 / 37.7 ns</td></tr>
 *   <tr><td>{@code goroutinesUncontended}, {@code virtualUncontended}</td><td>BenchmarkChanUncontended</td>
 *       <td>procs parties, each with its own channel of capacity 100: 100 sends, then 100 receives</td>
 *       <td>block of 100 sends and 100 receives, as Go (divide by 200 for one operation)</td>
 *       <td>3070 ns</td></tr>
 *   <tr><td>{@code goroutinesContended}, {@code virtualContended}</td><td>BenchmarkChanContended</td>
 *       <td>the same, all on one shared channel of capacity 100 * procs</td><td>block of 200, as Go</td>
 *       <td>3033 ns</td></tr>
 *   <tr><td>{@code goroutinesNonblockingSelect}, {@code goroutinesNonblockingTryRecv},
 *       {@code virtualNonblockingPoll}</td><td>BenchmarkChanNonblocking</td><td>procs parties poll one
 *       shared, empty, unbuffered channel: a select with a receive case and a default (Go's form), or
 *       {@link Chan#tryRecv()}; {@link SynchronousQueue#poll()} for virtual threads</td>
 *       <td>poll</td><td>2.65 ns</td></tr>
 * </table>
 * Sync and ProdCons are written in Go's shape ({@link Parties.Goroutines#expect}): each goroutine is
 * one closure holding its whole loop, as in Go's chan_test.go, so that a park unwinds and rewinds
 * that one frame, as many as Go's benchmark has (what more frames cost is {@code ParkResumeBench}'s).
 * <p>
 * As in Go's {@code b.RunParallel}, the parallel benchmarks (all but Sync) split a fixed number of
 * operations between their parties, and the score is wall-clock time over that number: with 2 parties
 * running at once, each operation takes a party about twice the score.
 * <p>
 * Elements are the cached {@code Integer}s 0 and 1, so no benchmark allocates per element.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class ChanBench
{
    /** Rendezvous per invocation of the Sync benchmarks. */
    static final int SYNC_OPS = 20_000;
    /** Items per invocation of the ProdCons benchmarks. */
    static final int PROD_CONS_OPS = 50_000;
    /** Blocks of 100 sends and 100 receives per invocation of Uncontended and Contended. */
    static final int BLOCKS = 500;
    /** Sends, then receives, per block (Go's C). */
    static final int BLOCK_HALF = 100;
    /** Polls per invocation of the Nonblocking benchmarks. */
    static final int POLLS = 10_000_000;
    /** The element sent. */
    static final Integer ONE = 1;
    /** The element that tells a ProdCons consumer to stop (Go's {@code myc <- 0}). */
    static final Integer STOP = 0;

    /**
     * The channel capacity of the ProdCons benchmarks, in a state of its own so that the other benchmarks
     * run once, not once per capacity.
     */
    @State(Scope.Thread)
    public static class Capacity
    {
        /** The capacity: 0 is Go's ChanProdCons0 (unbuffered), 10 and 100 its ChanProdCons10 and 100. */
        @Param({ "0", "10", "100" })
        int cap;
    }

    // ---- Sync: rendezvous on an unbuffered channel -------------------------------------------------

    /**
     * {@link #SYNC_OPS} rendezvous between two goroutines on an unbuffered channel.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(SYNC_OPS)
    public void goroutinesSync(final Parties.Goroutines go)
    {
        final Chan<Integer> c = Chan.make();
        final WaitGroup done = go.expect(2);
        for (int p = 0; p < 2; p++)
        {
            final boolean first = 0 == p;
            Go.go(() -> // Go's shape: the whole party in one closure (Parties#expect)
            {
                for (int i = 0; i < SYNC_OPS / 2; i++)
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
                done.done();
            });
        }
        done.await();
    }

    /**
     * {@link #SYNC_OPS} rendezvous between two virtual threads on a {@link SynchronousQueue}.
     *
     * @param vt the virtual threads' state
     * @throws InterruptedException never
     */
    @Benchmark
    @OperationsPerInvocation(SYNC_OPS)
    public void virtualSync(final Parties.VirtualThreads vt) throws InterruptedException
    {
        final SynchronousQueue<Integer> q = new SynchronousQueue<>();
        vt.run(2, i -> rendezvous(q, 0 == i, SYNC_OPS / 2));
    }

    /**
     * One party of Sync on a {@link SynchronousQueue}: {@code rounds} times take then put (the first
     * party) or put then take (the other), two rendezvous per round.
     */
    static void rendezvous(final SynchronousQueue<Integer> q, final boolean first, final int rounds)
        throws InterruptedException
    {
        for (int i = 0; i < rounds; i++)
        {
            if (first)
            {
                q.take();
                q.put(ONE);
            }
            else
            {
                q.put(ONE);
                q.take();
            }
        }
    }

    // ---- ProdCons: procs producers and procs consumers on one channel -----------------------------

    /**
     * {@link #PROD_CONS_OPS} items from procs producer goroutines to procs consumer goroutines.
     *
     * @param go       the goroutines' state
     * @param capacity the channel's capacity
     * @throws IllegalStateException when the consumers did not receive every item
     */
    @Benchmark
    @OperationsPerInvocation(PROD_CONS_OPS)
    public void goroutinesProdCons(final Parties.Goroutines go, final Capacity capacity)
    {
        final int procs = go.procs;
        final Chan<Integer> c = Chan.make(capacity.cap);
        final AtomicLong received = new AtomicLong();
        final WaitGroup done = go.expect(2 * procs);
        for (int p = 0; p < procs; p++)
        {
            final int items = Parties.share(PROD_CONS_OPS, procs, p);
            Go.go(() -> // Go's shape: each party in one closure (Parties#expect)
            {
                for (int i = 0; i < items; i++)
                {
                    c.send(ONE);
                }
                c.send(STOP); // each consumer takes exactly one
                done.done();
            });
            Go.go(() ->
            {
                long n = 0;
                while (STOP != c.recv()) // only the constants are sent, so identity is enough
                {
                    n++;
                }
                received.addAndGet(n);
                done.done();
            });
        }
        done.await();
        checkReceived(received.get());
    }

    /**
     * {@link #PROD_CONS_OPS} items from procs producer virtual threads to procs consumer virtual threads,
     * over a {@link SynchronousQueue} (capacity 0) or an {@link ArrayBlockingQueue}.
     *
     * @param vt       the virtual threads' state
     * @param capacity the queue's capacity
     * @throws InterruptedException  never
     * @throws IllegalStateException when the consumers did not receive every item
     */
    @Benchmark
    @OperationsPerInvocation(PROD_CONS_OPS)
    public void virtualProdCons(final Parties.VirtualThreads vt, final Capacity capacity)
        throws InterruptedException
    {
        final int procs = vt.procs;
        final BlockingQueue<Integer> q = 0 == capacity.cap ?
            new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity.cap);
        final AtomicLong received = new AtomicLong();
        vt.run(2 * procs, i ->
        {
            if (i < procs)
            {
                produce(q, Parties.share(PROD_CONS_OPS, procs, i));
            }
            else
            {
                received.addAndGet(consume(q));
            }
        });
        if (null != vt.factory)
        {
            checkReceived(received.get());
        }
    }

    /**
     * A producer on a {@link BlockingQueue}: {@code items} elements, then one {@link #STOP} (each
     * consumer takes exactly one).
     */
    static void produce(final BlockingQueue<Integer> q, final int items) throws InterruptedException
    {
        for (int i = 0; i < items; i++)
        {
            q.put(ONE);
        }
        q.put(STOP);
    }

    /**
     * A consumer on a {@link BlockingQueue}: takes until {@link #STOP}.
     *
     * @return the items taken, {@link #STOP} not counted
     */
    static long consume(final BlockingQueue<Integer> q) throws InterruptedException
    {
        long n = 0;
        while (STOP != q.take())
        {
            n++;
        }
        return n;
    }

    /** Fails the invocation unless the consumers received every item exactly once. */
    private static void checkReceived(final long received)
    {
        if (PROD_CONS_OPS != received)
        {
            throw new IllegalStateException("ProdCons: " + received + " items received, " + PROD_CONS_OPS + " sent");
        }
    }

    // ---- Uncontended and Contended: 100 sends, then 100 receives ----------------------------------

    /**
     * {@link #BLOCKS} blocks split between procs goroutines, each on a channel of its own.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public void goroutinesUncontended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        go.run(procs, i -> fillAndDrain(Chan.make(BLOCK_HALF), Parties.share(BLOCKS, procs, i)));
    }

    /**
     * {@link #BLOCKS} blocks split between procs virtual threads, each on an {@link ArrayBlockingQueue}
     * of its own.
     *
     * @param vt the virtual threads' state
     * @throws InterruptedException never
     */
    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public void virtualUncontended(final Parties.VirtualThreads vt) throws InterruptedException
    {
        final int procs = vt.procs;
        vt.run(procs, i -> fillAndDrain(new ArrayBlockingQueue<>(BLOCK_HALF), Parties.share(BLOCKS, procs, i)));
    }

    /**
     * {@link #BLOCKS} blocks split between procs goroutines, all on one channel of capacity
     * 100 * procs (so no send waits).
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public void goroutinesContended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        final Chan<Integer> c = Chan.make(BLOCK_HALF * procs);
        go.run(procs, i -> fillAndDrain(c, Parties.share(BLOCKS, procs, i)));
    }

    /**
     * {@link #BLOCKS} blocks split between procs virtual threads, all on one {@link ArrayBlockingQueue}
     * of capacity 100 * procs.
     *
     * @param vt the virtual threads' state
     * @throws InterruptedException never
     */
    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public void virtualContended(final Parties.VirtualThreads vt) throws InterruptedException
    {
        final int procs = vt.procs;
        final BlockingQueue<Integer> q = new ArrayBlockingQueue<>(BLOCK_HALF * procs);
        vt.run(procs, i -> fillAndDrain(q, Parties.share(BLOCKS, procs, i)));
    }

    /** {@code blocks} times: {@link #BLOCK_HALF} sends, then as many receives. */
    @Goroutine
    static void fillAndDrain(final Chan<Integer> c, final int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            for (int i = 0; i < BLOCK_HALF; i++)
            {
                c.send(ONE);
            }
            for (int i = 0; i < BLOCK_HALF; i++)
            {
                c.recv();
            }
        }
    }

    /** {@link #fillAndDrain(Chan, int)} on a {@link BlockingQueue}. */
    static void fillAndDrain(final BlockingQueue<Integer> q, final int blocks) throws InterruptedException
    {
        for (int b = 0; b < blocks; b++)
        {
            for (int i = 0; i < BLOCK_HALF; i++)
            {
                q.put(ONE);
            }
            for (int i = 0; i < BLOCK_HALF; i++)
            {
                q.take();
            }
        }
    }

    // ---- Nonblocking: polls of an empty unbuffered channel ----------------------------------------

    /**
     * {@link #POLLS} selects with a receive case and a default on one shared, empty, unbuffered
     * channel, split between procs goroutines (Go's form of the benchmark).
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(POLLS)
    public void goroutinesNonblockingSelect(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        final Chan<Integer> c = Chan.make();
        go.run(procs, i ->
        {
            final Select.Case[] cases = { Select.recv(c, null), Select.otherwise(null) };
            final int polls = Parties.share(POLLS, procs, i);
            for (int k = 0; k < polls; k++)
            {
                Select.select(cases);
            }
        });
    }

    /**
     * {@link #POLLS} calls of {@link Chan#tryRecv()} on one shared, empty, unbuffered channel, split
     * between procs goroutines.
     *
     * @param go the goroutines' state
     * @throws IllegalStateException when a poll found an element (none is ever sent)
     */
    @Benchmark
    @OperationsPerInvocation(POLLS)
    public void goroutinesNonblockingTryRecv(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        final Chan<Integer> c = Chan.make();
        go.run(procs, i ->
        {
            final int polls = Parties.share(POLLS, procs, i);
            for (int k = 0; k < polls; k++)
            {
                if (null != c.tryRecv())
                {
                    throw new IllegalStateException("tryRecv: an element in a channel nobody sends to");
                }
            }
        });
    }

    /**
     * {@link #POLLS} calls of {@link SynchronousQueue#poll()} on one shared, empty queue, split between
     * procs virtual threads.
     *
     * @param vt the virtual threads' state
     * @throws InterruptedException never
     */
    @Benchmark
    @OperationsPerInvocation(POLLS)
    public void virtualNonblockingPoll(final Parties.VirtualThreads vt) throws InterruptedException
    {
        final int procs = vt.procs;
        final SynchronousQueue<Integer> q = new SynchronousQueue<>();
        vt.run(procs, i ->
        {
            final int polls = Parties.share(POLLS, procs, i);
            for (int k = 0; k < polls; k++)
            {
                if (null != q.poll())
                {
                    throw new IllegalStateException("poll: an element in a queue nobody puts to");
                }
            }
        });
    }
}
