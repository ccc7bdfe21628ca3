package io.goroutines.benchmarks;

import java.util.concurrent.atomic.LongAdder;

import io.goroutines.Go;
import io.goroutines.sync.WaitGroup;

/**
 * What {@link SpawnBench} measures, kept out of the benchmark class so that JMH can load that
 * class in a fork without the agent (see {@link PingPong}).
 */
final class Spawns
{
    private Spawns()
    {
    }

    /**
     * Spawns {@code n} goroutines that each count themselves, and waits for all of them.
     *
     * @return how many ran
     */
    static long spawnAndJoin(final int n)
    {
        final WaitGroup wg = new WaitGroup();
        final LongAdder ran = new LongAdder();
        wg.add(n);
        for (int i = 0; i < n; i++)
        {
            Go.go(() ->
            {
                ran.increment();
                wg.done();
            });
        }
        wg.await();
        return ran.sum();
    }
}
