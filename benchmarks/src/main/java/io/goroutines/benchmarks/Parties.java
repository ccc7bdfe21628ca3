package io.goroutines.benchmarks;

import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The parties of one invocation of {@link ChanBench}, {@link SelectBench} and {@link SyncBench}: the
 * goroutines or virtual threads an invocation starts from the JMH thread (a plain thread, which can
 * neither be a goroutine nor a virtual thread) and waits for before it returns, so no party outlives its
 * invocation. A benchmark method takes the state of the kind it measures, {@link Goroutines} or
 * {@link VirtualThreads}, so each does only its own set-up.
 * <p>
 * Starting and waiting for the parties costs a few microseconds; every invocation does 10^4 to 10^5
 * operations ({@code @OperationsPerInvocation}), so that cost is spread thin. As in Go's
 * {@code b.RunParallel}, a parallel benchmark splits a fixed total of operations between its parties
 * ({@link #share}), and its score is the invocation's wall-clock time divided by that total.
 */
public final class Parties
{
    private Parties()
    {
    }

    /**
     * One goroutine's part of an invocation.
     */
    @FunctionalInterface
    interface GoroutineBody
    {
        /**
         * Runs inside the goroutine (rewritten by the agent, so it may block on channels and locks).
         *
         * @param index the party, 0 to parties - 1
         * @throws Exception anything: escaping the goroutine, it is a panic that ends the fork
         */
        @Goroutine
        void run(int index) throws Exception;
    }

    /**
     * One virtual thread's part of an invocation.
     */
    @FunctionalInterface
    interface ThreadBody
    {
        /**
         * Runs inside the virtual thread.
         *
         * @param index the party, 0 to parties - 1
         * @throws Exception anything: the invocation then fails with it
         */
        void run(int index) throws Exception;
    }

    /**
     * Party {@code index}'s share of {@code total} operations split between {@code parties}: the shares
     * differ by at most one and add up to {@code total}.
     *
     * @param total   operations of the whole invocation
     * @param parties number of parties
     * @param index   the party, 0 to parties - 1
     * @return the party's operations
     */
    static int share(final int total, final int parties, final int index)
    {
        return total / parties + (index < total % parties ? 1 : 0);
    }

    /**
     * Goroutines: {@code procs} is the agent's number of Ps ({@code Go.maxProcs}, Go's GOMAXPROCS: the
     * CPU count unless the agent option {@code procs=N} says otherwise). The set-up fails the trial at once
     * when the fork runs without the agent ({@link AgentCheck}).
     */
    @State(Scope.Thread)
    public static class Goroutines
    {
        /** Number of Ps: the parties of a parallel benchmark. */
        int procs;

        /** Checks that the agent is here, and reads the number of Ps. */
        @Setup(Level.Trial)
        public void setUp()
        {
            AgentCheck.requireAgent();
            procs = Go.maxProcs(0);
        }

        /**
         * For a benchmark in Go's shape ({@code ChanBench}'s Sync and ProdCons, {@code SelectBench}'s
         * ProdCons): a wait group expecting {@code parties}. The benchmark starts each party itself with
         * {@code Go.go}, as one closure holding its whole loop that calls {@link WaitGroup#done()} last,
         * as Go's chan_test.go writes them ({@code go func() { for ... { <-myc } c <- true }()}), and then
         * waits with {@link WaitGroup#await()}.
         * <p>
         * Why not {@link #run}: there the party's body is a second closure, called from the root one,
         * and its loop usually a third method, so a park in the loop unwinds and rewinds two frames that
         * Go's benchmark does not have; each costs about 30 ns per park and resume in this runtime
         * ({@code ParkResumeBench}), which is measured there, not here.
         *
         * @param parties how many goroutines will call {@code done()}
         * @return the wait group
         */
        WaitGroup expect(final int parties)
        {
            final WaitGroup done = new WaitGroup();
            done.add(parties);
            return done;
        }

        /**
         * Starts {@code parties} goroutines running {@code body} and waits until all have finished. The
         * calling thread blocks in {@link WaitGroup#await()}.
         *
         * @param parties how many goroutines
         * @param body    what each runs
         */
        void run(final int parties, final GoroutineBody body)
        {
            final WaitGroup done = new WaitGroup();
            done.add(parties);
            for (int i = 0; i < parties; i++)
            {
                final int index = i;
                Go.go(() ->
                {
                    body.run(index);
                    done.done();
                });
            }
            done.await();
        }
    }

    /**
     * Virtual threads ({@code Thread.ofVirtual()}, Java 21 and later), on the JDK's default scheduler;
     * {@code procs} is its parallelism (the CPU count unless {@code -Djdk.virtualThreadScheduler.parallelism}
     * says otherwise).
     * <p>
     * <b>Note:</b> on a JDK without virtual threads (Java 17, where CI runs the smoke run) the set-up
     * prints {@code skipped: virtual threads need Java 21 or later} and {@link #run} returns at once, so
     * the benchmark passes but measures an empty method: its score (a tiny fraction of a nanosecond)
     * means nothing. The module compiles for Java 17, so {@code Thread.ofVirtual()} is looked up by
     * reflection, as in {@code workloads.ThreadSystem}.
     */
    @State(Scope.Thread)
    public static class VirtualThreads
    {
        /** Number of carriers of the virtual-thread scheduler: the parties of a parallel benchmark. */
        int procs;
        /** {@code Thread.ofVirtual().factory()}, or null on a JDK without virtual threads. */
        ThreadFactory factory;

        /**
         * Looks up {@code Thread.ofVirtual()}; without it, says that the benchmark is skipped.
         *
         * @param params which benchmark runs, for the message
         */
        @Setup(Level.Trial)
        public void setUp(final BenchmarkParams params)
        {
            procs = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
            factory = virtualThreadFactory();
            if (null == factory)
            {
                System.err.println(params.getBenchmark() + " skipped: virtual threads need Java 21 or later, this is " +
                    System.getProperty("java.version") + "; the score of this run means nothing (nothing is measured)." +
                    " Run with a Java 21+ java, or with -jvm /path/to/java21+/bin/java");
            }
        }

        /**
         * Starts {@code parties} virtual threads running {@code body} and joins them all; returns at once
         * when the JDK has no virtual threads.
         *
         * @param parties how many threads
         * @param body    what each runs
         * @throws InterruptedException  never: nobody interrupts the JMH thread
         * @throws IllegalStateException when a party failed, with its exception as the cause
         */
        void run(final int parties, final ThreadBody body) throws InterruptedException
        {
            final ThreadFactory factory = this.factory;
            if (null == factory)
            {
                return;
            }
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread[] threads = new Thread[parties];
            for (int i = 0; i < parties; i++)
            {
                final int index = i;
                threads[i] = factory.newThread(() ->
                {
                    try
                    {
                        body.run(index);
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                threads[i].start();
            }
            for (final Thread t : threads)
            {
                t.join();
            }
            if (null != failure.get())
            {
                throw new IllegalStateException("a virtual thread failed", failure.get());
            }
        }

        /** {@code Thread.ofVirtual().factory()}, or null when this JDK has no virtual threads. */
        private static ThreadFactory virtualThreadFactory()
        {
            try
            {
                final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                final Class<?> builder = Class.forName("java.lang.Thread$Builder");
                final Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
                final Object b = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
                return (ThreadFactory)lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class))
                    .invoke(b);
            }
            catch (final Throwable ex)
            {
                return null; // Java 17-20: no Thread.ofVirtual (on 19-20 it needs --enable-preview)
            }
        }
    }
}
