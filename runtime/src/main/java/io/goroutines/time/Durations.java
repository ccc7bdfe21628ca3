package io.goroutines.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Duration arithmetic shared by {@link Timer} and {@link Ticker}: durations become nanoTime offsets
 * that cannot overflow, and nanoTime instants become wall-clock {@link Instant}s.
 *
 * <p>Timers run on {@code System.nanoTime()}, whose origin is arbitrary; the values they deliver are
 * {@link Instant}s. Each timer keeps an epoch, a pair ({@code Instant.now()}, {@code nanoTime()})
 * read when it is armed, and converts a nanoTime {@code t} to {@code epoch + (t - epochNs)}. So a
 * value is never earlier than the arming time plus the duration even if the wall clock steps back
 * meanwhile (Go's {@code Time} carries a monotonic reading for the same reason).
 */
final class Durations
{
    /** Longest duration: keeps nanoTime deadlines far from overflow (about 73 years), as Go.sleep. */
    static final long MAX_NS = Long.MAX_VALUE >> 2;

    private Durations()
    {
    }

    /**
     * Nanoseconds of a duration, cut to {@code [0, MAX_NS]}: zero or negative is 0.
     *
     * @param d the duration
     * @return the nanoseconds
     * @throws NullPointerException "time: null duration"
     */
    static long toNanos(final Duration d)
    {
        Objects.requireNonNull(d, "time: null duration");
        if (d.isNegative() || d.isZero())
        {
            return 0;
        }
        return d.compareTo(Duration.ofNanos(MAX_NS)) > 0 ? MAX_NS : d.toNanos();
    }

    /**
     * Nanoseconds of a ticker period, cut to {@link #MAX_NS}.
     *
     * @param d       the period
     * @param message the IllegalArgumentException's message (Go's panic text)
     * @return the nanoseconds, at least 1
     * @throws IllegalArgumentException when {@code d} is zero or negative
     * @throws NullPointerException     "time: null duration"
     */
    static long period(final Duration d, final String message)
    {
        final long ns = toNanos(d);
        if (0 == ns)
        {
            throw new IllegalArgumentException(message);
        }
        return ns;
    }

    /**
     * The wall-clock time of a nanoTime instant, relative to an epoch.
     *
     * @param epoch   {@code Instant.now()} at the epoch
     * @param epochNs {@code System.nanoTime()} at the epoch
     * @param atNs    the nanoTime instant
     * @return {@code epoch + (atNs - epochNs)}
     */
    static Instant instant(final Instant epoch, final long epochNs, final long atNs)
    {
        return epoch.plusNanos(atNs - epochNs);
    }
}
