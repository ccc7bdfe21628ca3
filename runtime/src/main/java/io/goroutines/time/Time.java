package io.goroutines.time;

import io.goroutines.RecvChan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Go's package-level {@code time.After} and {@code time.Tick}, on top of {@link Timer} and
 * {@link Ticker}. ({@code time.Sleep} is {@code Go.sleep}.)
 */
public final class Time
{
    private Time()
    {
    }

    /**
     * A channel that receives the time once {@code d} has passed ({@code time.After}); the same as
     * {@code new Timer(d).c()}. The timer cannot be stopped: use a {@link Timer} when it may be
     * abandoned early.
     *
     * @param d the duration; zero or negative fires at once
     * @return the channel
     * @throws NullPointerException "time: null duration"
     */
    public static RecvChan<Instant> after(final Duration d)
    {
        return new Timer(d).c();
    }

    /**
     * A channel of ticks every {@code d} ({@code time.Tick}); the same as {@code new Ticker(d).c()}.
     * The ticker cannot be stopped: it runs for good. Use a {@link Ticker} when it may be abandoned.
     *
     * @param d the period
     * @return the channel, or null when {@code d} is zero or negative (Go returns a nil channel; a
     *         null channel in a select case never fires)
     * @throws NullPointerException "time: null duration"
     */
    public static RecvChan<Instant> tick(final Duration d)
    {
        Objects.requireNonNull(d, "time: null duration");
        if (d.isNegative() || d.isZero())
        {
            return null;
        }
        return new Ticker(d).c();
    }
}
