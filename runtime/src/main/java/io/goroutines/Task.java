package io.goroutines;

import io.goroutines.annotation.Goroutine;

/**
 * A goroutine's body: {@code Go.go(() -> ...)} is Go's {@code go f()}. It may throw checked
 * exceptions; one that escapes the goroutine is a panic.
 */
@FunctionalInterface
public interface Task
{
    /**
     * Runs the body.
     *
     * @throws Exception anything; escaping a goroutine, it is a panic
     */
    @Goroutine
    void run() throws Exception;
}
