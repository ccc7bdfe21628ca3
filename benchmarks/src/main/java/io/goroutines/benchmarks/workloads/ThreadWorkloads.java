package io.goroutines.benchmarks.workloads;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The workloads on threads, virtual (Java 25) or platform (Java 17), with the java.util.concurrent
 * stand-ins for channels: {@link SynchronousQueue} for an unbuffered channel, {@link ArrayBlockingQueue}
 * for a buffered one, {@link CountDownLatch} and {@link Thread#join()} for a WaitGroup. Plain JDK only:
 * it runs without the goroutines agent and without its runtime. From the repository root:
 * <pre>
 * java -Xmx8g -cp benchmarks/target/benchmarks.jar io.goroutines.benchmarks.workloads.ThreadWorkloads \
 *     virtual|platform skynet [n]
 * </pre>
 * Timed sections run inside a task of the system (the JVM's main thread is neither), except fairness,
 * which is coordinated from the main thread. fairness needs one carrier: for virtual threads
 * {@code -Djdk.virtualThreadScheduler.parallelism=1 -Djdk.virtualThreadScheduler.maxPoolSize=1}, for
 * platform threads one CPU ({@code taskset -c 0}).
 * Prints one RESULT line (see {@link Result}); a run that fails prints {@code error=...} and exits 1.
 */
public final class ThreadWorkloads
{
    /** A task body that may throw. */
    @FunctionalInterface
    private interface Body
    {
        void run() throws Exception;
    }

    /** Starts the tasks. */
    private final ThreadFactory threads;

    /** Set by the fairness spinner when it starts and when it ends. */
    private volatile boolean spinning;
    private volatile boolean spun;
    /** Keeps the spinner's loop from being optimised away. */
    private volatile long sink;

    private ThreadWorkloads(final ThreadFactory threads)
    {
        this.threads = threads;
    }

    /**
     * Runs one workload: a warm-up at n/10, then the timed run.
     *
     * @param args {@code virtual|platform <workload> [n]}
     */
    public static void main(final String[] args)
    {
        final ThreadSystem system = ThreadSystem.of(args[0]);
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        final Workload w = Workload.of(rest[0]);
        final int n = w.n(rest);
        final ThreadFactory threads;
        try
        {
            threads = system.factory();
        }
        catch (final UnsupportedOperationException ex)
        {
            Result.error(w, system.id, "no-virtual-threads-on-java-" + Runtime.version().feature(), n);
            System.exit(1);
            return;
        }
        try
        {
            new ThreadWorkloads(threads).run(system, w, n);
        }
        catch (final Exception | AssertionError ex)
        {
            ex.printStackTrace();
            Result.error(w, system.id, ex.getClass().getSimpleName(), n);
            System.exit(1);
        }
        System.exit(0);
    }

    private void run(final ThreadSystem system, final Workload w, final int n) throws Exception
    {
        final Result r = Result.of(w, system.id);
        final int warm = Workload.warmUp(n);
        switch (w)
        {
            case SKYNET:
                final long[] sky = inTask(() -> {
                    skynet(warm);
                    return skynet(n);
                });
                check(Workload.skynetSum(n) == sky[0], "skynet: bad sum " + sky[0]);
                r.ms("ms", sky[1]).decimal("ns_per_task", (double)sky[1] / Workload.skynetTasks(n)).put("sum", sky[0]);
                break;
            case PINGPONG:
                r.decimal("ns_per_rt", (double)inTask(() -> {
                    pingpong(warm);
                    return pingpong(n);
                }) / n);
                break;
            case SPAWN:
                r.decimal("ns_per_task", (double)inTask(() -> {
                    spawn(warm);
                    return spawn(n);
                }) / n);
                break;
            case THREADRING:
                final long[] ring = inTask(() -> {
                    threadring(warm);
                    return threadring(n);
                });
                r.ms("ms", ring[1]).decimal("ns_per_hop", (double)ring[1] / n).put("winner", ring[0]);
                break;
            case PARKED:
                final double[] bytes = inTask(() -> {
                    parked(warm);
                    return parked(n);
                });
                r.decimal("heap_bytes_per_task", bytes[0]).decimal("rss_bytes_per_task", bytes[1]);
                break;
            case MPMC:
                r.decimal("mmsgs_per_s", n / (inTask(() -> {
                    mpmc(warm);
                    return mpmc(n);
                }) / 1e9) / 1e6);
                break;
            case FAIRNESS:
                final String notOne = oneCarrier(system);
                if (null != notOne)
                {
                    r.put("error", notOne); // a second carrier would run the sleeper beside the spinner
                    break;
                }
                fairness(n).report(r, n);
                break;
            default:
                throw new IllegalArgumentException(w.id());
        }
        r.print(n);
    }

    /** Null when fairness runs on one carrier, else why not. */
    private static String oneCarrier(final ThreadSystem system)
    {
        if (ThreadSystem.VIRTUAL == system)
        {
            final String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
            return "1".equals(p) ? null : "parallelism-" + p + "-not-1";
        }
        final int cpus = Runtime.getRuntime().availableProcessors(); // the affinity mask, on Linux
        return 1 == cpus ? null : "cpus-" + cpus + "-not-1";
    }

    private static void check(final boolean ok, final String what)
    {
        if (!ok)
        {
            throw new AssertionError(what);
        }
    }

    // ---- tasks -------------------------------------------------------------------------------

    /** Starts a task. */
    private Thread start(final Body body)
    {
        final Thread t = threads.newThread(() -> {
            try
            {
                body.run();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        t.start();
        return t;
    }

    /** Runs {@code body} in a task and waits for its value (its exception is rethrown here). */
    private <T> T inTask(final Callable<T> body) throws Exception
    {
        final AtomicReference<T> value = new AtomicReference<>();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        start(() -> {
            try
            {
                value.set(body.call());
            }
            catch (final Exception ex)
            {
                failure.set(ex);
            }
        }).join();
        if (null != failure.get())
        {
            throw failure.get();
        }
        return value.get();
    }

    // ---- skynet ------------------------------------------------------------------------------

    /** @return the sum and the elapsed ns */
    private long[] skynet(final long leaves) throws InterruptedException
    {
        final long t0 = System.nanoTime();
        final SynchronousQueue<Long> c = new SynchronousQueue<>();
        start(() -> skynetNode(c, 0, leaves));
        final long sum = c.take();
        return new long[] {sum, System.nanoTime() - t0};
    }

    private void skynetNode(final BlockingQueue<Long> up, final long num, final long size) throws InterruptedException
    {
        if (1 == size)
        {
            up.put(num);
            return;
        }
        final SynchronousQueue<Long> children = new SynchronousQueue<>();
        final long childSize = size / Workload.SKYNET_FANOUT;
        for (int i = 0; i < Workload.SKYNET_FANOUT; i++)
        {
            final long childNum = num + i * childSize;
            start(() -> skynetNode(children, childNum, childSize));
        }
        long sum = 0;
        for (int i = 0; i < Workload.SKYNET_FANOUT; i++)
        {
            sum += children.take();
        }
        up.put(sum);
    }

    // ---- pingpong ----------------------------------------------------------------------------

    /** @return elapsed ns for {@code rounds} round trips */
    private long pingpong(final int rounds) throws InterruptedException
    {
        final SynchronousQueue<Integer> ping = new SynchronousQueue<>();
        final SynchronousQueue<Integer> pong = new SynchronousQueue<>();
        final Thread ponger = start(() -> {
            for (int i = 0; i < rounds; i++)
            {
                pong.put(ping.take() + 1);
            }
        });
        final long t0 = System.nanoTime();
        int v = 0;
        for (int i = 0; i < rounds; i++)
        {
            ping.put(v);
            v = pong.take();
        }
        final long elapsed = System.nanoTime() - t0;
        ponger.join();
        check(rounds == v, "pingpong: bad value " + v);
        return elapsed;
    }

    // ---- spawn -------------------------------------------------------------------------------

    /** @return elapsed ns to start {@code n} tasks and see them all finish */
    private long spawn(final int n) throws InterruptedException
    {
        final AtomicLong count = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(n);
        final long t0 = System.nanoTime();
        for (int i = 0; i < n; i++)
        {
            start(() -> {
                count.incrementAndGet();
                done.countDown();
            });
        }
        done.await();
        final long elapsed = System.nanoTime() - t0;
        check(n == count.get(), "spawn: bad count " + count.get());
        return elapsed;
    }

    // ---- threadring --------------------------------------------------------------------------

    /** @return the id of the task that saw the token reach 0, and the elapsed ns */
    private long[] threadring(final int hops) throws InterruptedException
    {
        final List<SynchronousQueue<Integer>> links = new ArrayList<>();
        for (int i = 0; i < Workload.RING; i++)
        {
            links.add(new SynchronousQueue<>());
        }
        final SynchronousQueue<Integer> winner = new SynchronousQueue<>();
        final List<Thread> ring = new ArrayList<>();
        for (int i = 0; i < Workload.RING; i++)
        {
            final int id = i + 1;
            final SynchronousQueue<Integer> in = links.get(i);
            final SynchronousQueue<Integer> out = links.get((i + 1) % Workload.RING);
            ring.add(start(() -> {
                try
                {
                    for (;;)
                    {
                        final int token = in.take();
                        if (0 == token)
                        {
                            winner.put(id);
                            return;
                        }
                        out.put(token - 1);
                    }
                }
                catch (final InterruptedException released)
                {
                    // the token reached 0 elsewhere
                }
            }));
        }
        final long t0 = System.nanoTime();
        links.get(0).put(hops);
        final int id = winner.take();
        final long elapsed = System.nanoTime() - t0;
        for (final Thread t : ring)
        {
            t.interrupt(); // releases the other 502
        }
        for (final Thread t : ring)
        {
            t.join();
        }
        return new long[] {id, elapsed};
    }

    // ---- parked ------------------------------------------------------------------------------

    /** @return heap and RSS bytes per parked task */
    private double[] parked(final int n) throws InterruptedException
    {
        final long heap0 = Memory.heapAfterGc();
        final long rss0 = Memory.rss();
        final SynchronousQueue<Integer> never = new SynchronousQueue<>(); // sent on only to release
        final CountDownLatch started = new CountDownLatch(n);
        final CountDownLatch released = new CountDownLatch(n);
        for (int i = 0; i < n; i++)
        {
            start(() -> {
                started.countDown();
                never.take();
                released.countDown();
            });
        }
        started.await();
        Thread.sleep(Workload.PARKED_SETTLE_MS); // the last ones reach take()
        final long heap1 = Memory.heapAfterGc();
        final long rss1 = Memory.rss();
        for (int i = 0; i < n; i++)
        {
            never.put(0);
        }
        released.await();
        return new double[] {(double)(heap1 - heap0) / n, (double)(rss1 - rss0) / n};
    }

    // ---- mpmc --------------------------------------------------------------------------------

    /** @return elapsed ns to move {@code n} ints */
    private long mpmc(final int n) throws InterruptedException
    {
        final int parties = Workload.MPMC_PARTIES;
        final ArrayBlockingQueue<Integer> ch = new ArrayBlockingQueue<>(Workload.MPMC_CAPACITY);
        final AtomicLong total = new AtomicLong();
        final List<Thread> consumers = new ArrayList<>();
        final long t0 = System.nanoTime();
        for (int p = 0; p < parties; p++)
        {
            start(() -> {
                for (int i = 0; i < n / parties; i++)
                {
                    ch.put(1);
                }
            });
        }
        for (int c = 0; c < parties; c++)
        {
            consumers.add(start(() -> {
                long sum = 0;
                for (int i = 0; i < n / parties; i++)
                {
                    sum += ch.take();
                }
                total.addAndGet(sum);
            }));
        }
        for (final Thread t : consumers)
        {
            t.join();
        }
        final long elapsed = System.nanoTime() - t0;
        check((long)n / parties * parties == total.get(), "mpmc: bad total " + total.get());
        return elapsed;
    }

    // ---- fairness ----------------------------------------------------------------------------

    /** A sleeper measures its 1 ms sleeps while a spinner spins for {@code spinMs} with no blocking call. */
    private Lateness fairness(final int spinMs) throws InterruptedException
    {
        final CountDownLatch sleeping = new CountDownLatch(1);
        final Lateness lateness = new Lateness();
        final long sleepMs = Lateness.SLEEP_NS / 1_000_000;
        final Thread sleeper = start(() -> {
            Thread.sleep(sleepMs);
            sleeping.countDown();
            while (!spun && lateness.hasRoom())
            {
                final long t0 = System.nanoTime();
                Thread.sleep(sleepMs);
                final long t1 = System.nanoTime();
                if (spinning)
                {
                    lateness.record(t0, t1); // only wake-ups that competed with the spinner
                }
            }
        });
        sleeping.await();
        start(() -> { // the spinner
            spinning = true;
            final long deadline = System.nanoTime() + spinMs * 1_000_000L;
            long x = 0;
            while (System.nanoTime() < deadline)
            {
                x++;
            }
            sink = x;
            spun = true;
        });
        sleeper.join(); // hands lateness over
        return lateness;
    }
}
