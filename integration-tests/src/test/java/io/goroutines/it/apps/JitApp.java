package io.goroutines.it.apps;

import java.util.concurrent.locks.ReentrantLock;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;

/**
 * Runs rewritten methods often enough for the JIT to compile them (run it with
 * {@code -XX:+PrintCompilation}, which prints to stdout; the result goes to stderr): a ping-pong over unbuffered channels ({@code Chan.send} and
 * {@code Chan.recv} have a try/finally around their lock) and an instance method of the
 * application's own whose try/finally assigns two locals in branches before a call that parks.
 */
public final class JitApp
{
    /** Round trips: enough calls for C1 (tier 3 starts at 200 invocations, tier 4 far later). */
    private static final int ROUNDS = 20_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Chan<Integer> in = Chan.make();
    private final Chan<Integer> out = Chan.make();
    private int count;

    private JitApp()
    {
    }

    /**
     * @param args ignored
     */
    @Goroutine
    public static void main(final String[] args)
    {
        final JitApp app = new JitApp();
        Go.go(() ->
        {
            for (int i = 0; i < ROUNDS; i++)
            {
                app.out.send(app.in.recv() + 1);
            }
        });
        long sum = 0;
        for (int i = 0; i < ROUNDS; i++)
        {
            sum += app.exchange(i);
        }
        System.err.println("sum " + sum); // stderr: stdout is the JIT's, whose lines a write here could split
    }

    /** A try/finally that assigns two locals in branches, then a send and a receive that park. */
    @Goroutine
    int exchange(final int v)
    {
        final Integer odd;
        final Integer even;
        lock.lock();
        try
        {
            count++;
            if (0 != (v & 1))
            {
                odd = v;
                even = null;
            }
            else
            {
                odd = null;
                even = v;
            }
        }
        finally
        {
            lock.unlock();
        }
        in.send(null == odd ? even : odd);
        return out.recv();
    }
}
