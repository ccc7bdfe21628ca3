package io.goroutines.benchmarks.workloads;

import java.util.Arrays;

/**
 * The fairness workload's samples: how late each 1 ms sleep of the sleeper woke up, in ms, counting only
 * the wake-ups that competed with the spinner. Filled by one task, read after it has handed the object
 * over (a join or a channel), so no synchronisation of its own.
 */
final class Lateness
{
    /** The sleep asked for by each sample, ns. */
    static final long SLEEP_NS = 1_000_000;
    /** Room for samples: a 2 s spin yields about 2,000 when nothing starves the sleeper. */
    private static final int CAPACITY = 1 << 16;

    /** Lateness per wake-up, ms. */
    private final double[] samples = new double[CAPACITY];
    /** Samples recorded. */
    private int count;

    /** Whether there is room for another sample. */
    boolean hasRoom()
    {
        return count < CAPACITY;
    }

    /** Records a wake-up of a sleep that began at {@code startNs} and ended at {@code endNs}. */
    void record(final long startNs, final long endNs)
    {
        samples[count++] = (endNs - startNs - SLEEP_NS) / 1e6;
    }

    /**
     * Adds {@code max_ms}, {@code p99_ms} (nearest rank), {@code wakeups} and {@code starved} (the worst
     * wake-up later than half the spin) to {@code result}; {@code error=no-wakeups} without samples.
     */
    Result report(final Result result, final int spinMs)
    {
        if (0 == count)
        {
            return result.put("error", "no-wakeups");
        }
        final double[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        final double max = sorted[count - 1];
        final double p99 = sorted[(int)Math.ceil(0.99 * count) - 1];
        return result.decimal("max_ms", max).decimal("p99_ms", p99).put("wakeups", count)
            .put("starved", max > spinMs / 2.0 ? "yes" : "no");
    }
}
