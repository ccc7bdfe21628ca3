package io.goroutines.it.apps;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.goroutines.Chan;

/**
 * Forwards to stderr and, on a flush after {@code marker} was written, offers a value to a channel
 * (never blocks): lets a program wait for a report the runtime prints, without sleeping.
 *
 * @param <T> the channel's element type
 */
public final class StderrWatch<T> extends OutputStream
{
    private final PrintStream target;
    private final String marker;
    private final Chan<T> signal;
    private final T value;
    private final StringBuilder seen = new StringBuilder();

    private StderrWatch(final PrintStream target, final String marker, final Chan<T> signal, final T value)
    {
        this.target = target;
        this.marker = marker;
        this.signal = signal;
        this.value = value;
    }

    /** Replaces {@code System.err} with a watch that offers {@code value} to {@code signal} after {@code marker}. */
    public static <T> void install(final String marker, final Chan<T> signal, final T value)
    {
        System.setErr(new PrintStream(new StderrWatch<>(System.err, marker, signal, value), true,
            StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void write(final int b)
    {
        target.write(b);
        seen.append((char)b);
    }

    @Override
    public synchronized void write(final byte[] b, final int off, final int len)
    {
        target.write(b, off, len);
        seen.append(new String(b, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void flush() throws IOException
    {
        target.flush();
        if (seen.indexOf(marker) >= 0)
        {
            signal.trySend(value);
        }
    }
}
