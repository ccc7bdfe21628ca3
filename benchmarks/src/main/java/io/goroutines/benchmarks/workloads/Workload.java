package io.goroutines.benchmarks.workloads;

import java.util.Locale;

/**
 * The seven whole-program workloads, with the size each runs at when the command line names none.
 * <p>
 * The definitions follow the peer yardstick (the same programs written on Go, Loom, platform threads,
 * Kotlin and Quasar), so that the figures of the three systems measured here compare with each other and
 * with the peers': see {@code benchmarks/README.md}.
 */
enum Workload
{
    /** A 10-ary tree of tasks; n leaves; each node sums its children's replies. Metric: ms. */
    SKYNET(1_000_000),
    /** Two tasks bounce an int over two unbuffered channels; n round trips. Metric: ns per round trip. */
    PINGPONG(1_000_000),
    /** n trivial tasks started and waited for. Metric: ns per task, the wait included. */
    SPAWN(1_000_000),
    /** 503 tasks in a ring of unbuffered channels pass a token for n hops. Metric: ms. */
    THREADRING(10_000_000),
    /** n tasks blocked on one channel that nobody sends on. Metric: heap and RSS bytes per task. */
    PARKED(1_000_000),
    /** 4 producers and 4 consumers move n ints through a buffered channel of 1024. Metric: M msgs/s. */
    MPMC(10_000_000),
    /** A 1 ms sleeper against a spinner of n ms on one carrier. Metric: worst and p99 lateness, ms. */
    FAIRNESS(2_000);

    /** Fan-out of the skynet tree. */
    static final int SKYNET_FANOUT = 10;
    /** Tasks in the thread ring. */
    static final int RING = 503;
    /** Capacity of the mpmc channel. */
    static final int MPMC_CAPACITY = 1024;
    /** Producers (and as many consumers) in mpmc. */
    static final int MPMC_PARTIES = 4;
    /** How long parked waits, after every task has started, for the last ones to reach their receive. */
    static final long PARKED_SETTLE_MS = 200;

    /** n when the command line gives none. */
    final int defaultN;

    Workload(final int defaultN)
    {
        this.defaultN = defaultN;
    }

    /** The name on the command line and in RESULT lines. */
    String id()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The workload a command line names.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    static Workload of(final String id)
    {
        for (final Workload w : values())
        {
            if (w.id().equals(id))
            {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + id + "' (accepted: skynet, pingpong, spawn," +
            " threadring, parked, mpmc, fairness)");
    }

    /**
     * n from the command line's second argument, else {@link #defaultN}.
     *
     * @throws IllegalArgumentException for a skynet n that is not a power of 10 (its tree would have
     *                                  nodes of size 0, which recurse without end)
     */
    int n(final String[] args)
    {
        final int given = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        final int n = given > 0 ? given : defaultN;
        if (SKYNET == this && !isPowerOfFanout(n))
        {
            throw new IllegalArgumentException("skynet: n must be a power of " + SKYNET_FANOUT + ", not " + n);
        }
        return n;
    }

    private static boolean isPowerOfFanout(final long n)
    {
        long p = 1;
        while (p < n)
        {
            p *= SKYNET_FANOUT;
        }
        return p == n;
    }

    /** The size of the warm-up run made in the same JVM before the timed one. */
    static int warmUp(final int n)
    {
        return Math.max(1, n / 10);
    }

    /** The sum skynet must report for {@code leaves} leaves: 0 + 1 + ... + (leaves - 1). */
    static long skynetSum(final long leaves)
    {
        return leaves * (leaves - 1) / 2;
    }

    /** Tasks skynet starts for {@code leaves} leaves (1,111,111 for a million): every node of the tree. */
    static long skynetTasks(final long leaves)
    {
        return 1 == leaves ? 1 : 1 + SKYNET_FANOUT * skynetTasks(leaves / SKYNET_FANOUT);
    }
}
