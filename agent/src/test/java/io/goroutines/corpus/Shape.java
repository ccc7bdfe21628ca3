package io.goroutines.corpus;

import io.goroutines.annotation.Goroutine;

/** One method shape of the torture corpus: a suspendable computation with a comparable result. */
@FunctionalInterface
public interface Shape
{
    @Goroutine
    Object run() throws Exception;
}
