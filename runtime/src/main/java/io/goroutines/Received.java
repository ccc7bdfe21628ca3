package io.goroutines;

/**
 * The result of {@code v, ok := <-ch}: {@code ok} is false (and {@code value} null) once the
 * channel is closed and drained.
 *
 * @param value the value received, null when {@code ok} is false
 * @param ok    true when a value was received, false when the channel is closed and drained
 * @param <T>   element type
 */
public record Received<T>(T value, boolean ok)
{
}
