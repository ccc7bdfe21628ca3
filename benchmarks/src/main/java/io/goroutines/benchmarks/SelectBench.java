package io.goroutines.benchmarks;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.Select;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Select} on goroutines, after Go's runtime/chan_test.go. Each invocation starts its goroutines
 * from the JMH thread and waits for them ({@link Parties}); "procs" is the number of Ps, the CPU count by
 * default. Go's figures: Go 1.19.8 on 2 vCPUs, GOMAXPROCS=2 (GO-SEMANTICS.md, section 3.3),
 * taken on another day, only a guide to the table's scale; {@code benchmarks/run-vs-go} runs Go's own
 * benchmarks in the same command and gives the ratios.
 * <table>
 *   <caption>The benchmarks</caption>
 *   <tr><th>method</th><th>Go benchmark</th><th>what runs</th><th>score: time per</th><th>Go</th></tr>
 *   <tr><td>{@code goroutinesUncontended}</td><td>BenchmarkSelectUncontended</td><td>procs goroutines,
 *       each with two channels of capacity 1 and one element between them: a 2-case select receives it
 *       from whichever holds it and its body sends it to the other</td><td>select (one receive and one
 *       send)</td><td>55.2 ns</td></tr>
 *   <tr><td>{@code goroutinesProdCons}</td><td>BenchmarkSelectProdCons</td><td>procs producers and procs
 *       consumers on one channel of capacity 128; every send and receive is a 3-case select (the data
 *       channel, a "timer" channel that never fires, a close channel nobody closes), and each side does
 *       100 units of local work per item</td><td>item</td><td>294.1 ns</td></tr>
 * </table>
 * As in Go's {@code b.RunParallel}, the operations are split between the parties and the score is
 * wall-clock time over their number. ProdCons is written in Go's shape ({@link Parties.Goroutines#expect}):
 * each producer and consumer is one closure holding its whole loop, as in Go's select benchmark.
 * <p>
 * Go's ProdCons takes its timer case from {@code time.After(time.Hour)}; here it is a channel of
 * capacity 1 (as {@code time.After}'s) that nobody sends to, which is the same to the select as long as
 * the timer does not fire. A nil channel would not do: select drops nil cases.
 * <p>
 * There are no virtual-thread counterparts: java.util.concurrent has no select over several queues
 * (waiting on any of several {@code BlockingQueue}s takes polling, one helper thread per queue, or
 * merging them into one queue, none of which measures the same thing).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class SelectBench
{
    /** Selects per invocation of Uncontended. */
    static final int UNCONTENDED_OPS = 50_000;
    /** Items per invocation of ProdCons. */
    static final int PROD_CONS_OPS = 20_000;
    /** Capacity of ProdCons's data channel (Go's 128). */
    static final int PROD_CONS_CAP = 128;
    /** Iterations of local work per item and side (Go's 100). */
    static final int LOCAL_WORK = 100;
    /** The element sent. */
    static final Integer ONE = 1;
    /** The element that tells a ProdCons consumer to stop. */
    static final Integer STOP = 0;

    // ---- Uncontended: per goroutine, a 2-case select between two channels of capacity 1 ------------

    /**
     * {@link #UNCONTENDED_OPS} selects split between procs goroutines, each on two channels of its own.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(UNCONTENDED_OPS)
    public void goroutinesUncontended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        go.run(procs, i -> bounce(Parties.share(UNCONTENDED_OPS, procs, i)));
    }

    /**
     * One party of Uncontended: {@code selects} times, takes the element from whichever channel holds it
     * and puts it in the other (Go: {@code select { case <-myc1: myc2 <- 0; case <-myc2: myc1 <- 0 }}).
     * The cases are made once and reused: Go builds them on the stack, with no allocation.
     */
    @Goroutine
    static void bounce(final int selects)
    {
        final Chan<Integer> c1 = Chan.make(1);
        final Chan<Integer> c2 = Chan.make(1);
        c1.send(ONE);
        final Select.Case[] cases =
        {
            Select.recv(c1, v -> c2.send(v)),
            Select.recv(c2, v -> c1.send(v)),
        };
        for (int k = 0; k < selects; k++)
        {
            Select.select(cases);
        }
    }

    // ---- ProdCons: producers and consumers, each operation a 3-case select -----------------------

    /**
     * {@link #PROD_CONS_OPS} items from procs producer goroutines to procs consumer goroutines.
     *
     * @param go the goroutines' state
     * @return the local work's result, for JMH to consume
     * @throws IllegalStateException when the consumers did not receive every item
     */
    @Benchmark
    @OperationsPerInvocation(PROD_CONS_OPS)
    public long goroutinesProdCons(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        final Chan<Integer> data = Chan.make(PROD_CONS_CAP);
        final Chan<Boolean> close = Chan.make();
        final AtomicLong received = new AtomicLong();
        final AtomicLong work = new AtomicLong();
        final WaitGroup done = go.expect(2 * procs);
        for (int p = 0; p < procs; p++)
        {
            final int items = Parties.share(PROD_CONS_OPS, procs, p);
            Go.go(() -> // Go's shape: each party in one closure (Parties#expect)
            {
                // the producer: a select of a send on data, a receive on its timer channel and a
                // receive on close, after local work; then one STOP (each consumer takes exactly one)
                final Chan<Boolean> timer = Chan.make(1); // time.After(time.Hour): never fires while we run
                final Select.Case[] cases =
                    { Select.send(data, ONE, null), Select.recv(timer, null), Select.recv(close, null) };
                int foo = 0;
                for (int i = 0; i < items; i++)
                {
                    foo = work(foo);
                    Select.select(cases);
                }
                data.send(STOP);
                work.addAndGet(foo);
                done.done();
            });
            Go.go(() ->
            {
                // the consumer: until STOP, the same select with a receive on data, then local work
                final Chan<Boolean> timer = Chan.make(1);
                final Integer[] got = new Integer[1];
                final Select.Case[] cases =
                    { Select.recv(data, v -> got[0] = v), Select.recv(timer, null), Select.recv(close, null) };
                long n = 0;
                int foo = 0;
                for (;;)
                {
                    Select.select(cases);
                    if (STOP == got[0]) // only the constants are sent, so identity is enough
                    {
                        break;
                    }
                    n++;
                    foo = work(foo);
                }
                received.addAndGet(n);
                work.addAndGet(foo);
                done.done();
            });
        }
        done.await();
        if (PROD_CONS_OPS != received.get())
        {
            throw new IllegalStateException("ProdCons: " + received + " items received, " + PROD_CONS_OPS + " sent");
        }
        return work.get();
    }

    /**
     * Go's model of local work: {@link #LOCAL_WORK} times {@code foo *= 2; foo /= 2}, a dependent chain
     * the JIT cannot fold (it is no identity when {@code foo *= 2} overflows).
     */
    static int work(final int foo)
    {
        int f = foo;
        for (int i = 0; i < LOCAL_WORK; i++)
        {
            f *= 2;
            f /= 2;
        }
        return f;
    }
}
