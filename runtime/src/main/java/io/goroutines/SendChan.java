package io.goroutines;

import io.goroutines.annotation.Goroutine;

/**
 * The send side of a channel (Go's {@code chan<- T}).
 *
 * @param <T> element type
 */
public sealed interface SendChan<T> permits Chan
{
    /**
     * Sends {@code v} ({@code ch <- v}): waits until a receiver takes it or the buffer has room.
     *
     * @param v the value, not null
     * @throws NullPointerException          when {@code v} is null
     * @throws IllegalStateException         "send on closed channel"
     * @throws java.util.concurrent.CancellationException when a plain thread is interrupted while waiting
     *                                       (the value was not sent)
     */
    @Goroutine
    void send(T v);

    /**
     * Sends {@code v} if that needs no waiting ({@code select} with {@code default}).
     *
     * @param v the value, not null
     * @return true when sent
     * @throws NullPointerException  when {@code v} is null
     * @throws IllegalStateException "send on closed channel"
     */
    boolean trySend(T v);

    /**
     * Closes the channel: waiting receivers get {@code (null, false)}, waiting senders fail.
     *
     * @throws IllegalStateException "close of closed channel"
     */
    void close();

    /** Number of buffered elements. */
    int len();

    /** Buffer capacity (0 for an unbuffered channel). */
    int cap();
}
