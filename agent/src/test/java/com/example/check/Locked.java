package com.example.check;

import io.goroutines.Chan;
import io.goroutines.annotation.Goroutine;

/**
 * Fixture of {@code CheckCommandTest} (which asserts its line numbers): receives under a monitor.
 */
public final class Locked
{
    private final Object lock = new Object();

    /** Rewritten, but the receive in the synchronized block pins. */
    @Goroutine
    public String inBlock(final Chan<String> ch)
    {
        synchronized (lock)
        {
            return ch.recv();
        }
    }

    /** Only takes the token: the whole method holds the monitor, so the receive pins. */
    @Goroutine
    public synchronized String inMethod(final Chan<String> ch)
    {
        return ch.recv();
    }
}
