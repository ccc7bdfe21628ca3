package com.example.check;

import java.util.List;
import java.util.function.Consumer;

import io.goroutines.Chan;

/**
 * Fixture of {@code CheckCommandTest} (which asserts its line numbers): calls into {@code @Goroutine}
 * methods from code the agent does not rewrite.
 */
public final class PlainCaller
{
    private final String first;

    /** A constructor is never rewritten. */
    public PlainCaller(final Chan<String> ch)
    {
        first = ch.recv();
    }

    /** A plain method. */
    public String plain(final Chan<String> ch)
    {
        return first + ch.recv();
    }

    /** A lambda and a method reference of Consumer, whose accept is not @Goroutine. */
    public static void forEach(final List<Chan<String>> chans, final Chan<String> out)
    {
        chans.forEach(ch -> ch.recv());
        List.of("a", "b").forEach(out::send);
    }
}
