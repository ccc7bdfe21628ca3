package io.goroutines.corpus;

import io.goroutines.annotation.Goroutine;

/** Counted side effects and the suspendable helpers the shapes call. */
public final class Effects
{
    /** Number of side effects so far; compared between plain and suspending runs. */
    public static long count;
    /** A log of side effects, order included. */
    public static final StringBuilder LOG = new StringBuilder();

    private Effects()
    {
    }

    public static void reset()
    {
        count = 0;
        LOG.setLength(0);
    }

    public static void hit(final Object what)
    {
        count++;
        LOG.append(what).append(';');
    }

    @Goroutine
    public static int f(final int x)
    {
        hit("f" + x);
        return x + 1;
    }

    @Goroutine
    public static long fl(final long x)
    {
        hit("fl" + x);
        return x * 3;
    }

    @Goroutine
    public static double fd(final double x)
    {
        hit("fd" + x);
        return x / 2;
    }

    @Goroutine
    public static float ff(final float x)
    {
        hit("ff" + x);
        return x * 1.5f;
    }

    @Goroutine
    public static String fs(final String s)
    {
        hit("fs" + s);
        return s + "!";
    }

    @Goroutine
    public static boolean fb(final boolean b)
    {
        hit("fb" + b);
        return !b;
    }

    @Goroutine
    public static Object fo(final Object o)
    {
        hit("fo" + o);
        return o;
    }

    @Goroutine
    public static void v()
    {
        hit("v");
    }

    @Goroutine
    public static int boom(final int x)
    {
        hit("boom" + x);
        if (x >= 0)
        {
            throw new IllegalStateException("boom " + x);
        }
        return x;
    }

    @Goroutine
    public static int[] arr(final int n)
    {
        hit("arr" + n);
        return new int[n];
    }
}
