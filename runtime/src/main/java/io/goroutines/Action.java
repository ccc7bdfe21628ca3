package io.goroutines;

import io.goroutines.annotation.Goroutine;

/** A suspendable body that throws nothing checked (select cases, {@code Once.run}). */
@FunctionalInterface
public interface Action
{
    /** Runs the body. */
    @Goroutine
    void run();
}
