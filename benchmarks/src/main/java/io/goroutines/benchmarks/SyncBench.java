package io.goroutines.benchmarks;

import io.goroutines.Go;
import io.goroutines.sync.Mutex;
import io.goroutines.sync.WaitGroup;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

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
 * {@link Mutex} and {@link WaitGroup} on goroutines against their java.util.concurrent stand-ins on
 * virtual threads ({@link ReentrantLock}; {@link Phaser} for add/done, {@link CountDownLatch} for a
 * one-shot wait), after Go's sync/mutex_test.go and waitgroup_test.go. Each invocation starts procs
 * parties from the JMH thread and waits for them ({@link Parties}); "procs" is the number of Ps
 * (goroutines) or of the virtual-thread scheduler's carriers, both the CPU count by default. As in Go's
 * {@code b.RunParallel}, the operations are split between the parties and the score is wall-clock time
 * over their number. Go's figures: Go 1.19.8 on 2 vCPUs, GOMAXPROCS=2 (GO-SEMANTICS.md, section 3.3),
 * taken on another day, only a guide to the table's scale; {@code benchmarks/run-vs-go} runs Go's own
 * benchmarks in the same command and gives the ratios.
 * <table>
 *   <caption>The benchmarks</caption>
 *   <tr><th>methods</th><th>Go benchmark</th><th>what each party does per operation</th><th>Go</th></tr>
 *   <tr><td>{@code goroutinesMutexUncontended}, {@code virtualMutexUncontended}</td>
 *       <td>BenchmarkMutexUncontended</td><td>lock and unlock a mutex of its own</td><td>5.05 ns</td></tr>
 *   <tr><td>{@code goroutinesMutexContended}, {@code virtualMutexContended}</td><td>BenchmarkMutex</td>
 *       <td>lock one shared mutex, increment a shared counter, unlock (Go's critical section is
 *       empty)</td><td>13.1 ns</td></tr>
 *   <tr><td>{@code goroutinesWaitGroupUncontended}, {@code virtualWaitGroupUncontended}</td>
 *       <td>BenchmarkWaitGroupUncontended</td><td>{@code add(1); done()} on a WaitGroup of its own;
 *       {@code register(); arriveAndDeregister()} on a {@link Phaser} of its own</td><td>6.0 ns</td></tr>
 *   <tr><td>{@code goroutinesWaitGroupAddDone}, {@code virtualWaitGroupAddDone}</td>
 *       <td>BenchmarkWaitGroupAddDone</td><td>the same on one shared WaitGroup or Phaser</td>
 *       <td>18.2 ns</td></tr>
 *   <tr><td>{@code goroutinesWaitGroupWait}, {@code virtualWaitGroupWait}</td>
 *       <td>BenchmarkWaitGroupActuallyWait</td><td>a new WaitGroup, {@code add(1)}, start a goroutine that
 *       calls {@code done()}, {@code await()}; a new {@code CountDownLatch(1)}, start a virtual thread
 *       that counts it down, {@code await()}: a spawn, a park and a wake-up</td><td>141 ns</td></tr>
 * </table>
 * Every party allocates its own mutex or WaitGroup, on its own carrier, so private ones do not share a
 * cache line (Go pads them to 128 bytes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class SyncBench
{
    /** Lock/unlock pairs per invocation. */
    static final int MUTEX_OPS = 1_000_000;
    /** add(1)/done() pairs per invocation. */
    static final int ADD_DONE_OPS = 1_000_000;
    /** Waits (each with a spawn) per invocation of the Wait benchmarks. */
    static final int WAIT_OPS = 20_000;

    // ---- Mutex ------------------------------------------------------------------------------------

    /**
     * {@link #MUTEX_OPS} lock/unlock pairs split between procs goroutines, each on a mutex of its own.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(MUTEX_OPS)
    public void goroutinesMutexUncontended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        go.run(procs, i ->
        {
            final Mutex mu = new Mutex();
            final int n = Parties.share(MUTEX_OPS, procs, i);
            for (int k = 0; k < n; k++)
            {
                mu.lock();
                mu.unlock();
            }
        });
    }

    /**
     * {@link #MUTEX_OPS} lock/unlock pairs split between procs virtual threads, each on a
     * {@link ReentrantLock} of its own.
     *
     * @param vt the virtual threads' state
     * @throws InterruptedException never
     */
    @Benchmark
    @OperationsPerInvocation(MUTEX_OPS)
    public void virtualMutexUncontended(final Parties.VirtualThreads vt) throws InterruptedException
    {
        final int procs = vt.procs;
        vt.run(procs, i ->
        {
            final ReentrantLock mu = new ReentrantLock();
            final int n = Parties.share(MUTEX_OPS, procs, i);
            for (int k = 0; k < n; k++)
            {
                mu.lock();
                mu.unlock();
            }
        });
    }

    /**
     * {@link #MUTEX_OPS} critical sections on one shared mutex, split between procs goroutines.
     *
     * @param go the goroutines' state
     * @throws IllegalStateException when the counter the mutex guards lost an increment
     */
    @Benchmark
    @OperationsPerInvocation(MUTEX_OPS)
    public void goroutinesMutexContended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        final Mutex mu = new Mutex();
        final int[] count = new int[1];
        go.run(procs, i ->
        {
            final int n = Parties.share(MUTEX_OPS, procs, i);
            for (int k = 0; k < n; k++)
            {
                mu.lock();
                count[0]++;
                mu.unlock();
            }
        });
        checkCount(count[0]);
    }

    /**
     * {@link #MUTEX_OPS} critical sections on one shared {@link ReentrantLock} (not fair, as Go's mutex
     * in normal mode), split between procs virtual threads.
     *
     * @param vt the virtual threads' state
     * @throws InterruptedException  never
     * @throws IllegalStateException when the counter the lock guards lost an increment
     */
    @Benchmark
    @OperationsPerInvocation(MUTEX_OPS)
    public void virtualMutexContended(final Parties.VirtualThreads vt) throws InterruptedException
    {
        final int procs = vt.procs;
        final ReentrantLock mu = new ReentrantLock();
        final int[] count = new int[1];
        vt.run(procs, i ->
        {
            final int n = Parties.share(MUTEX_OPS, procs, i);
            for (int k = 0; k < n; k++)
            {
                mu.lock();
                count[0]++;
                mu.unlock();
            }
        });
        if (null != vt.factory)
        {
            checkCount(count[0]);
        }
    }

    /** Fails the invocation unless every critical section incremented the counter. */
    private static void checkCount(final int count)
    {
        if (MUTEX_OPS != count)
        {
            throw new IllegalStateException("MutexContended: count " + count + ", expected " + MUTEX_OPS);
        }
    }

    // ---- WaitGroup: add(1); done() ----------------------------------------------------------------

    /**
     * {@link #ADD_DONE_OPS} {@code add(1); done()} pairs split between procs goroutines, each on a
     * WaitGroup of its own.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(ADD_DONE_OPS)
    public void goroutinesWaitGroupUncontended(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        go.run(procs, i -> addDone(new WaitGroup(), Parties.share(ADD_DONE_OPS, procs, i)));
    }

    /**
     * {@link #ADD_DONE_OPS} {@code register(); arriveAndDeregister()} pairs split between procs virtual
     * threads, each on a {@link Phaser} of its own.
     *
     * @param vt the virtual threads' state
     * @throws InterruptedException never
     */
    @Benchmark
    @OperationsPerInvocation(ADD_DONE_OPS)
    public void virtualWaitGroupUncontended(final Parties.VirtualThreads vt) throws InterruptedException
    {
        final int procs = vt.procs;
        vt.run(procs, i -> addDone(new Phaser(1), Parties.share(ADD_DONE_OPS, procs, i)));
    }

    /**
     * {@link #ADD_DONE_OPS} {@code add(1); done()} pairs split between procs goroutines, all on one
     * WaitGroup.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(ADD_DONE_OPS)
    public void goroutinesWaitGroupAddDone(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        final WaitGroup wg = new WaitGroup();
        go.run(procs, i -> addDone(wg, Parties.share(ADD_DONE_OPS, procs, i)));
    }

    /**
     * {@link #ADD_DONE_OPS} {@code register(); arriveAndDeregister()} pairs split between procs virtual
     * threads, all on one {@link Phaser}.
     *
     * @param vt the virtual threads' state
     * @throws InterruptedException never
     */
    @Benchmark
    @OperationsPerInvocation(ADD_DONE_OPS)
    public void virtualWaitGroupAddDone(final Parties.VirtualThreads vt) throws InterruptedException
    {
        final int procs = vt.procs;
        final Phaser phaser = new Phaser(1);
        vt.run(procs, i -> addDone(phaser, Parties.share(ADD_DONE_OPS, procs, i)));
    }

    /** {@code n} times {@code add(1); done()}: the counter goes 0, 1, 0, so nothing ever waits. */
    static void addDone(final WaitGroup wg, final int n)
    {
        for (int k = 0; k < n; k++)
        {
            wg.add(1);
            wg.done();
        }
    }

    /**
     * {@code n} times {@code register(); arriveAndDeregister()}: the Phaser's stand-in for
     * {@code add(1); done()}. Made with one party that never arrives, the Phaser never advances, as a
     * WaitGroup whose counter never reaches zero with a waiter queued.
     */
    static void addDone(final Phaser phaser, final int n)
    {
        for (int k = 0; k < n; k++)
        {
            phaser.register();
            phaser.arriveAndDeregister();
        }
    }

    // ---- WaitGroup: wait for a goroutine ------------------------------------------------------------

    /**
     * {@link #WAIT_OPS} waits, split between procs goroutines, each for a goroutine it starts. Go's
     * shape: the body passed to {@link Parties.Goroutines#run} holds the loop, as the closure given to
     * Go's {@code b.RunParallel} does, so the waiter is two frames deep there and here.
     *
     * @param go the goroutines' state
     */
    @Benchmark
    @OperationsPerInvocation(WAIT_OPS)
    public void goroutinesWaitGroupWait(final Parties.Goroutines go)
    {
        final int procs = go.procs;
        go.run(procs, i ->
        {
            // Go's ActuallyWait: var wg WaitGroup; wg.Add(1); go func() { wg.Done() }(); wg.Wait()
            for (int k = Parties.share(WAIT_OPS, procs, i); k > 0; k--)
            {
                final WaitGroup wg = new WaitGroup();
                wg.add(1);
                Go.go(() -> wg.done());
                wg.await();
            }
        });
    }

    /**
     * {@link #WAIT_OPS} waits, split between procs virtual threads, each for a virtual thread it starts.
     *
     * @param vt the virtual threads' state
     * @throws InterruptedException never
     */
    @Benchmark
    @OperationsPerInvocation(WAIT_OPS)
    public void virtualWaitGroupWait(final Parties.VirtualThreads vt) throws InterruptedException
    {
        final int procs = vt.procs;
        final ThreadFactory factory = vt.factory;
        vt.run(procs, i -> awaitSpawned(factory, Parties.share(WAIT_OPS, procs, i)));
    }

    /**
     * {@code n} times Go's ActuallyWait with a {@link CountDownLatch} and virtual threads: a latch of
     * one, a thread that counts it down, a wait.
     */
    static void awaitSpawned(final ThreadFactory factory, final int n) throws InterruptedException
    {
        for (int k = 0; k < n; k++)
        {
            final CountDownLatch latch = new CountDownLatch(1);
            factory.newThread(latch::countDown).start();
            latch.await();
        }
    }
}
