package io.goroutines.it.apps;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.sync.WaitGroup;

/**
 * A plain (not {@code @Goroutine}) main thread waits on a WaitGroup that nobody counts down, next to
 * goroutine 2 waiting on a channel: a deadlock, reported with the main thread as goroutine 0.
 */
public final class PlainDeadlockApp
{
    private PlainDeadlockApp()
    {
    }

    /**
     * @param args unused
     */
    public static void main(final String[] args)
    {
        final Chan<Integer> other = Chan.make();
        Go.go(() -> DiagnosticsApp.waitOn(other));
        final WaitGroup wg = new WaitGroup();
        wg.add(1);
        wg.await(); // line:plainWait
    }
}
