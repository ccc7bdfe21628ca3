package io.goroutines.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import io.goroutines.annotation.Goroutine;

/**
 * A program the agent is attached to while it runs: it loads {@link Preloaded} (a class with a
 * {@code @Goroutine} method, so the agent retransforms it), prints {@link #READY}, waits for a line on
 * stdin, then calls into {@code Preloaded} again and prints {@link #DONE}.
 */
public final class AttachTarget
{
    /** Printed once the classes are loaded: attach now. */
    public static final String READY = "AttachTarget: ready";

    /** Printed at the end. */
    public static final String DONE = "AttachTarget: done";

    private AttachTarget()
    {
    }

    /**
     * @param args unused
     * @throws Exception on an I/O error
     */
    public static void main(final String[] args) throws Exception
    {
        System.out.println("before=" + Preloaded.count(3));
        System.out.println(READY);
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        in.readLine();
        System.out.println("after=" + Preloaded.count(4));
        System.out.println(DONE);
    }

    /** Loaded before the agent comes. */
    static final class Preloaded
    {
        private Preloaded()
        {
        }

        @Goroutine
        static int count(final int n)
        {
            int sum = 0;
            for (int i = 1; i <= n; i++)
            {
                sum += i;
            }
            return sum;
        }
    }
}
