package io.goroutines;

import io.goroutines.annotation.Goroutine;

/**
 * The receive side of a channel (Go's {@code <-chan T}).
 *
 * @param <T> element type
 */
public sealed interface RecvChan<T> permits Chan
{
    /**
     * Receives a value ({@code <-ch}), waiting for one.
     *
     * @return the value, or null once the channel is closed and drained
     * @throws java.util.concurrent.CancellationException when a plain thread is interrupted while waiting
     *                                       (nothing was received)
     */
    @Goroutine
    T recv();

    /**
     * Receives a value ({@code v, ok := <-ch}), waiting for one.
     *
     * @return the value and true, or {@code (null, false)} once the channel is closed and drained
     */
    @Goroutine
    Received<T> recvOk();

    /**
     * Receives a value if that needs no waiting ({@code select} with {@code default}).
     *
     * @return null when nothing is ready; {@code (null, false)} when closed and drained; else the value
     */
    Received<T> tryRecv();

    /**
     * Go's {@code for v := range ch}: runs {@code body} with every value until the channel is closed
     * and drained. Exceptions from the body propagate unchanged.
     *
     * @param body what to do with each value
     */
    @Goroutine
    void range(Select.RecvBody<? super T> body);

    /** Number of buffered elements. */
    int len();

    /** Buffer capacity (0 for an unbuffered channel). */
    int cap();
}
