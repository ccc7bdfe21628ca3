package io.goroutines.benchmarks.workloads;

import java.util.Locale;

/**
 * One RESULT line: {@code RESULT <workload> <system> <key>=<value> ... n=<n>}, the only line a run
 * prints on stdout; {@code benchmarks/run-workloads} collects these lines. Values have no spaces;
 * decimals have two places and a dot whatever the locale.
 */
final class Result
{
    /** The line so far. */
    private final StringBuilder line = new StringBuilder("RESULT");

    private Result(final Workload workload, final String system)
    {
        line.append(' ').append(workload.id()).append(' ').append(system);
    }

    /** A new line for {@code workload} on {@code system}. */
    static Result of(final Workload workload, final String system)
    {
        return new Result(workload, system);
    }

    /** Adds {@code key=value}. */
    Result put(final String key, final Object value)
    {
        line.append(' ').append(key).append('=').append(value);
        return this;
    }

    /** Adds {@code key=value} with two decimals. */
    Result decimal(final String key, final double value)
    {
        return put(key, String.format(Locale.ROOT, "%.2f", value));
    }

    /** Adds a duration in ms, from nanoseconds. */
    Result ms(final String key, final long nanos)
    {
        return decimal(key, nanos / 1e6);
    }

    /** Prints the line, ending with {@code n=<n>}, on stdout. */
    void print(final long n)
    {
        put("n", n);
        System.out.println(line);
        System.out.flush();
    }

    /**
     * Prints {@code error=<reason>} for a run that could not measure (the table shows the reason).
     *
     * @param reason one word, e.g. {@code procs-2-not-1}
     */
    static void error(final Workload workload, final String system, final String reason, final long n)
    {
        of(workload, system).put("error", reason.replaceAll("\\s+", "-")).print(n);
    }
}
