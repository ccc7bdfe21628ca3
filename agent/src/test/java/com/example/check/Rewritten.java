package com.example.check;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;

/**
 * Fixture of {@code CheckCommandTest} (which asserts its line numbers): a {@code @Goroutine} method
 * and a lambda of {@link io.goroutines.Task}, both rewritten, with nothing that pins.
 */
public final class Rewritten
{
    private Rewritten()
    {
    }

    /** Rewritten: a suspension point at the receive. */
    @Goroutine
    public static String take(final Chan<String> ch)
    {
        return ch.recv();
    }

    /** Not rewritten (Go.go does not park); the lambda's body is, its interface method being @Goroutine. */
    public static void spawn(final Chan<String> ch)
    {
        Go.go(() -> ch.send("x"));
    }
}
