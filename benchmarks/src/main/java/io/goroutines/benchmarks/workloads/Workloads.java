package io.goroutines.benchmarks.workloads;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.SendChan;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workloads on goroutines: {@code @Goroutine} methods, {@code Go.go}, {@link Chan} and
 * {@link WaitGroup}. Run with the agent (which carries the runtime), from the repository root:
 * <pre>
 * java -Xmx8g -javaagent:agent/target/goroutines.jar -cp benchmarks/target/benchmarks.jar \
 *     io.goroutines.benchmarks.workloads.Workloads skynet [n]
 * </pre>
 * {@code main} is the main goroutine, so every timed section runs in a goroutine, as in Go. fairness needs
 * one P (agent option {@code procs=1}). Prints one RESULT line (see {@link Result}); a run that fails
 * prints {@code error=...} and exits with status 1.
 */
public final class Workloads
{
    /** The system's name in RESULT lines. */
    private static final String SYSTEM = "goroutines";
    /** The fairness sleeper's sleep. */
    private static final Duration SLEEP = Duration.ofNanos(Lateness.SLEEP_NS);

    /** Set by the fairness spinner when it starts and when it ends. */
    private static volatile boolean spinning;
    private static volatile boolean spun;
    /** Keeps the spinner's loop from being optimised away. */
    private static volatile long sink;

    private Workloads()
    {
    }

    /**
     * Runs one workload: a warm-up at n/10, then the timed run.
     *
     * @param args {@code <workload> [n]}
     */
    @Goroutine
    public static void main(final String[] args)
    {
        final Workload w = Workload.of(args[0]);
        final int n = w.n(args);
        try
        {
            if (Go.numGoroutine() < 1)
            {
                // the agent did not rewrite main, so it runs on the JVM's main thread, not as goroutine 1
                Result.error(w, SYSTEM, "main-is-not-a-goroutine", n);
                System.exit(1);
            }
            run(w, n);
        }
        catch (final Exception | AssertionError ex)
        {
            ex.printStackTrace();
            Result.error(w, SYSTEM, ex.getClass().getSimpleName(), n);
            System.exit(1);
        }
        System.exit(0); // do not wait for goroutines left parked (as Bench does not)
    }

    @Goroutine
    private static void run(final Workload w, final int n) throws Exception
    {
        final Result r = Result.of(w, SYSTEM);
        final int warm = Workload.warmUp(n);
        switch (w)
        {
            case SKYNET:
                skynet(warm);
                final long[] sky = skynet(n);
                check(Workload.skynetSum(n) == sky[0], "skynet: bad sum " + sky[0]);
                r.ms("ms", sky[1]).decimal("ns_per_task", (double)sky[1] / Workload.skynetTasks(n)).put("sum", sky[0]);
                break;
            case PINGPONG:
                pingpong(warm);
                r.decimal("ns_per_rt", (double)pingpong(n) / n);
                break;
            case SPAWN:
                spawn(warm);
                r.decimal("ns_per_task", (double)spawn(n) / n);
                break;
            case THREADRING:
                threadring(warm);
                final long[] ring = threadring(n);
                r.ms("ms", ring[1]).decimal("ns_per_hop", (double)ring[1] / n).put("winner", ring[0]);
                break;
            case PARKED:
                parked(warm);
                final double[] bytes = parked(n);
                r.decimal("heap_bytes_per_task", bytes[0]).decimal("rss_bytes_per_task", bytes[1]);
                break;
            case MPMC:
                mpmc(warm);
                r.decimal("mmsgs_per_s", n / (mpmc(n) / 1e9) / 1e6);
                break;
            case FAIRNESS:
                final int procs = Go.maxProcs(0);
                if (1 != procs)
                {
                    // a second P would run the sleeper beside the spinner: the figure would mean nothing
                    r.put("error", "procs-" + procs + "-not-1");
                    break;
                }
                fairness(n).report(r, n);
                break;
            default:
                throw new IllegalArgumentException(w.id());
        }
        r.print(n);
    }

    private static void check(final boolean ok, final String what)
    {
        if (!ok)
        {
            throw new AssertionError(what);
        }
    }

    // ---- skynet ------------------------------------------------------------------------------

    /** @return the sum and the elapsed ns */
    @Goroutine
    private static long[] skynet(final long leaves)
    {
        final long t0 = System.nanoTime();
        final Chan<Long> c = Chan.make();
        Go.go(() -> skynetNode(c, 0, leaves));
        final long sum = c.recv();
        return new long[] {sum, System.nanoTime() - t0};
    }

    @Goroutine
    private static void skynetNode(final SendChan<Long> up, final long num, final long size)
    {
        if (1 == size)
        {
            up.send(num);
            return;
        }
        final Chan<Long> children = Chan.make();
        final long childSize = size / Workload.SKYNET_FANOUT;
        for (int i = 0; i < Workload.SKYNET_FANOUT; i++)
        {
            final long childNum = num + i * childSize;
            Go.go(() -> skynetNode(children, childNum, childSize));
        }
        long sum = 0;
        for (int i = 0; i < Workload.SKYNET_FANOUT; i++)
        {
            sum += children.recv();
        }
        up.send(sum);
    }

    // ---- pingpong ----------------------------------------------------------------------------

    /** @return elapsed ns for {@code rounds} round trips */
    @Goroutine
    private static long pingpong(final int rounds)
    {
        final Chan<Integer> ping = Chan.make();
        final Chan<Integer> pong = Chan.make();
        Go.go(() -> {
            for (int i = 0; i < rounds; i++)
            {
                pong.send(ping.recv() + 1);
            }
        });
        final long t0 = System.nanoTime();
        int v = 0;
        for (int i = 0; i < rounds; i++)
        {
            ping.send(v);
            v = pong.recv();
        }
        final long elapsed = System.nanoTime() - t0;
        check(rounds == v, "pingpong: bad value " + v);
        return elapsed;
    }

    // ---- spawn -------------------------------------------------------------------------------

    /** @return elapsed ns to start {@code n} goroutines and see them all finish */
    @Goroutine
    private static long spawn(final int n)
    {
        final AtomicLong count = new AtomicLong();
        final WaitGroup done = new WaitGroup();
        done.add(n);
        final long t0 = System.nanoTime();
        for (int i = 0; i < n; i++)
        {
            Go.go(() -> {
                count.incrementAndGet();
                done.done();
            });
        }
        done.await();
        final long elapsed = System.nanoTime() - t0;
        check(n == count.get(), "spawn: bad count " + count.get());
        return elapsed;
    }

    // ---- threadring --------------------------------------------------------------------------

    /** @return the id of the task that saw the token reach 0, and the elapsed ns */
    @Goroutine
    private static long[] threadring(final int hops)
    {
        final List<Chan<Integer>> links = new ArrayList<>();
        for (int i = 0; i < Workload.RING; i++)
        {
            links.add(Chan.make());
        }
        final Chan<Integer> winner = Chan.make();
        for (int i = 0; i < Workload.RING; i++)
        {
            final int id = i + 1;
            final RecvChan<Integer> in = links.get(i);
            final SendChan<Integer> out = links.get((i + 1) % Workload.RING);
            Go.go(() -> {
                for (Integer token = in.recv(); null != token; token = in.recv()) // until closed
                {
                    if (0 == token)
                    {
                        winner.send(id);
                        return;
                    }
                    out.send(token - 1);
                }
            });
        }
        final long t0 = System.nanoTime();
        links.get(0).send(hops);
        final int id = winner.recv();
        final long elapsed = System.nanoTime() - t0;
        for (final Chan<Integer> link : links)
        {
            link.close(); // releases the other 502
        }
        return new long[] {id, elapsed};
    }

    // ---- parked ------------------------------------------------------------------------------

    /** @return heap and RSS bytes per parked goroutine */
    @Goroutine
    private static double[] parked(final int n)
    {
        final long heap0 = Memory.heapAfterGc();
        final long rss0 = Memory.rss();
        final Chan<Integer> never = Chan.make(); // nobody sends; closed to release
        final WaitGroup started = new WaitGroup();
        final WaitGroup released = new WaitGroup();
        started.add(n);
        released.add(n);
        for (int i = 0; i < n; i++)
        {
            Go.go(() -> {
                started.done();
                never.recv();
                released.done();
            });
        }
        started.await();
        Go.sleep(Duration.ofMillis(Workload.PARKED_SETTLE_MS)); // the last ones reach recv()
        final long heap1 = Memory.heapAfterGc();
        final long rss1 = Memory.rss();
        never.close();
        released.await();
        return new double[] {(double)(heap1 - heap0) / n, (double)(rss1 - rss0) / n};
    }

    // ---- mpmc --------------------------------------------------------------------------------

    /** @return elapsed ns to move {@code n} ints */
    @Goroutine
    private static long mpmc(final int n)
    {
        final int parties = Workload.MPMC_PARTIES;
        final Chan<Integer> ch = Chan.make(Workload.MPMC_CAPACITY);
        final AtomicLong total = new AtomicLong();
        final WaitGroup consumed = new WaitGroup();
        consumed.add(parties);
        final long t0 = System.nanoTime();
        for (int p = 0; p < parties; p++)
        {
            Go.go(() -> {
                for (int i = 0; i < n / parties; i++)
                {
                    ch.send(1);
                }
            });
        }
        for (int c = 0; c < parties; c++)
        {
            Go.go(() -> {
                long sum = 0;
                for (int i = 0; i < n / parties; i++)
                {
                    sum += ch.recv();
                }
                total.addAndGet(sum);
                consumed.done();
            });
        }
        consumed.await();
        final long elapsed = System.nanoTime() - t0;
        check((long)n / parties * parties == total.get(), "mpmc: bad total " + total.get());
        return elapsed;
    }

    // ---- fairness ----------------------------------------------------------------------------

    /**
     * A sleeper measures its 1 ms sleeps while a spinner spins for {@code spinMs} with no call that could
     * park: only the agent's preemption points (loop back-edges) let the sleeper run on the one P.
     */
    @Goroutine
    private static Lateness fairness(final int spinMs)
    {
        final WaitGroup sleeping = new WaitGroup();
        sleeping.add(1);
        final Chan<Lateness> result = Chan.make();
        Go.go(() -> { // the sleeper
            Go.sleep(SLEEP);
            sleeping.done();
            final Lateness lateness = new Lateness();
            while (!spun && lateness.hasRoom())
            {
                final long t0 = System.nanoTime();
                Go.sleep(SLEEP);
                final long t1 = System.nanoTime();
                if (spinning)
                {
                    lateness.record(t0, t1); // only wake-ups that competed with the spinner
                }
            }
            result.send(lateness);
        });
        sleeping.await();
        Go.go(() -> { // the spinner
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
        return result.recv();
    }
}
