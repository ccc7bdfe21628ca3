package io.goroutines.benchmarks;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;

/**
 * The two parties of {@link ParkResumeBench}: a pinger sends a value and waits for it to come back,
 * a ponger waits for a value and sends it back; every receive is at the bottom of a {@link RecvChain}.
 * <p>
 * Kept out of the benchmark class so that JMH can load that class (and {@link AgentCheck} can explain
 * the problem) in a fork that runs without the agent, where the runtime's classes are missing.
 */
final class PingPong
{
    /** Pinger to ponger. */
    private final Chan<Long> ping = Chan.make();
    /** Ponger to pinger. */
    private final Chan<Long> pong = Chan.make();
    /** The pinger's hop count, back to the JMH thread; buffered, so the send never waits. */
    private final Chan<Long> results = Chan.make(1);

    /**
     * Plays {@code rounds} round trips between two new goroutines and waits for the pinger to finish;
     * the ponger ends after its last send, so no goroutine is left parked.
     *
     * @param depth  chain methods above each receive
     * @param rounds round trips
     * @return hops counted by the pinger's chain, {@code rounds * depth}
     */
    long goroutines(final int depth, final int rounds)
    {
        final Chan<Long> ping = this.ping;
        final Chan<Long> pong = this.pong;
        final Chan<Long> results = this.results;
        Go.go(() -> pong(depth, ping, pong, rounds));
        Go.go(() -> results.send(ping(depth, ping, pong, rounds)));
        return results.recv();
    }

    /**
     * Plays {@code rounds} round trips between the calling thread (the pinger) and a new platform
     * thread (the ponger), and waits for the ponger to end.
     *
     * @param depth  chain methods above each receive
     * @param rounds round trips
     * @return hops counted by the pinger's chain, {@code rounds * depth}
     * @throws InterruptedException if the calling thread is interrupted while it waits for the ponger
     */
    long threads(final int depth, final int rounds) throws InterruptedException
    {
        final Chan<Long> ping = this.ping;
        final Chan<Long> pong = this.pong;
        final Thread ponger = new Thread(() -> pong(depth, ping, pong, rounds), "ponger");
        ponger.setDaemon(true);
        ponger.start();
        final long hops = ping(depth, ping, pong, rounds);
        ponger.join();
        return hops;
    }

    /**
     * The pinger: sends, then waits for the answer at the bottom of the chain.
     *
     * @return hops counted by the chain, {@code rounds * depth}
     */
    @Goroutine
    static long ping(final int depth, final Chan<Long> ping, final Chan<Long> pong, final int rounds)
    {
        final long[] hops = new long[1];
        Long v = 0L;
        for (int i = 0; i < rounds; i++)
        {
            ping.send(v);
            v = RecvChain.recv(depth, pong, hops);
        }
        return hops[0];
    }

    /** The ponger: waits for a value at the bottom of the chain, then sends it back. */
    @Goroutine
    static void pong(final int depth, final Chan<Long> ping, final Chan<Long> pong, final int rounds)
    {
        final long[] hops = new long[1];
        for (int i = 0; i < rounds; i++)
        {
            pong.send(RecvChain.recv(depth, ping, hops));
        }
    }
}
