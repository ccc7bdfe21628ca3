package io.goroutines.benchmarks;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;

/**
 * Runs a computation in a new goroutine and hands its result back to the JMH thread, for benchmarks
 * whose code must run inside a goroutine (rewritten code runs armed only there). One per trial; its
 * own class, so that JMH can read a state's fields without loading the runtime before
 * {@link AgentCheck} has looked for the agent.
 */
final class InGoroutine
{
    /** A computation to run in the goroutine. */
    @FunctionalInterface
    interface Computation
    {
        @Goroutine
        long run();
    }

    /** Carries the result back; buffered, so the goroutine's send never waits. */
    private final Chan<Long> results = Chan.make(1);

    /**
     * Runs {@code computation} in a new goroutine and waits for its result.
     *
     * @return what it computed
     */
    long run(final Computation computation)
    {
        final Chan<Long> results = this.results;
        Go.go(() -> results.send(computation.run()));
        return results.recv();
    }
}
