package io.goroutines;

import io.goroutines.annotation.Goroutine;

/**
 * Go's {@code select}. For now this holds only the bodies that receiving primitives call
 * ({@link Chan#range(RecvBody)} uses {@link RecvBody}); {@code Select.select(...)} and its cases
 * ({@code recv}, {@code recvOk}, {@code send}, {@code otherwise}) come in a later step.
 */
public final class Select
{
    private Select()
    {
    }

    /**
     * A body run with each value received.
     *
     * @param <T> element type
     */
    @FunctionalInterface
    public interface RecvBody<T>
    {
        /**
         * Handles a value.
         *
         * @param v the value received
         */
        @Goroutine
        void accept(T v);
    }

    /**
     * A body run with each value received and whether the channel was still open.
     *
     * @param <T> element type
     */
    @FunctionalInterface
    public interface RecvOkBody<T>
    {
        /**
         * Handles a receive.
         *
         * @param v  the value received, null when {@code ok} is false
         * @param ok false when the channel is closed and drained
         */
        @Goroutine
        void accept(T v, boolean ok);
    }
}
