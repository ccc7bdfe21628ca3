package io.goroutines.it.apps;

import io.goroutines.Chan;
import java.util.concurrent.atomic.AtomicInteger;

/** Implements a {@code @Goroutine} interface method; the test excludes this class from rewriting. */
public final class ExcludedSvc implements UninstrumentedApp.Svc
{
    /** How often the body ran. */
    static final AtomicInteger RUNS = new AtomicInteger();

    @Override
    public int get(final Chan<Integer> in)
    {
        RUNS.incrementAndGet();
        return UninstrumentedApp.Impl.class.cast(new UninstrumentedApp.Impl()).get(in);
    }
}
