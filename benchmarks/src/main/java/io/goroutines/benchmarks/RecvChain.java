package io.goroutines.benchmarks;

import io.goroutines.RecvChan;
import io.goroutines.annotation.Goroutine;

/**
 * A receive at the bottom of a chain of {@code @Goroutine} methods: {@code rN -> ... -> r1 -> recv}.
 * When the receive parks, every frame of the chain unwinds (saves its state and returns), and when it
 * is resumed every frame is rewound; so the cost of a park and resume grows with the depth. Each level
 * keeps its arguments live across the call and counts one hop after it, as a real caller does some work
 * with what it received.
 */
final class RecvChain
{
    /** Deepest chain: {@link #recv(int, RecvChan, long[])} accepts 1 to this. */
    static final int MAX_DEPTH = 20;

    private RecvChain()
    {
    }

    /**
     * Receives from {@code c} through {@code depth} chain methods: {@code rN -> ... -> r1 -> c.recv()}.
     *
     * @param depth number of chain methods, 1 to {@link #MAX_DEPTH}
     * @param c     the channel
     * @param hops  {@code hops[0]} grows by {@code depth} per receive
     * @param <T>   element type
     * @return the value received, null when {@code c} is closed and drained
     */
    @Goroutine
    static <T> T recv(final int depth, final RecvChan<T> c, final long[] hops)
    {
        switch (depth)
        {
            case 1:
                return r1(c, hops);
            case 2:
                return r2(c, hops);
            case 3:
                return r3(c, hops);
            case 4:
                return r4(c, hops);
            case 5:
                return r5(c, hops);
            case 6:
                return r6(c, hops);
            case 7:
                return r7(c, hops);
            case 8:
                return r8(c, hops);
            case 9:
                return r9(c, hops);
            case 10:
                return r10(c, hops);
            case 11:
                return r11(c, hops);
            case 12:
                return r12(c, hops);
            case 13:
                return r13(c, hops);
            case 14:
                return r14(c, hops);
            case 15:
                return r15(c, hops);
            case 16:
                return r16(c, hops);
            case 17:
                return r17(c, hops);
            case 18:
                return r18(c, hops);
            case 19:
                return r19(c, hops);
            case 20:
                return r20(c, hops);
            default:
                throw new IllegalArgumentException("RecvChain: depth " + depth + " not in 1.." + MAX_DEPTH);
        }
    }

    /** The leaf: the receive itself. */
    @Goroutine
    static <T> T r1(final RecvChan<T> c, final long[] hops)
    {
        final T v = c.recv();
        hops[0]++;
        return v;
    }

    /** Level 2. */
    @Goroutine
    static <T> T r2(final RecvChan<T> c, final long[] hops)
    {
        final T v = r1(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 3. */
    @Goroutine
    static <T> T r3(final RecvChan<T> c, final long[] hops)
    {
        final T v = r2(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 4. */
    @Goroutine
    static <T> T r4(final RecvChan<T> c, final long[] hops)
    {
        final T v = r3(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 5. */
    @Goroutine
    static <T> T r5(final RecvChan<T> c, final long[] hops)
    {
        final T v = r4(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 6. */
    @Goroutine
    static <T> T r6(final RecvChan<T> c, final long[] hops)
    {
        final T v = r5(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 7. */
    @Goroutine
    static <T> T r7(final RecvChan<T> c, final long[] hops)
    {
        final T v = r6(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 8. */
    @Goroutine
    static <T> T r8(final RecvChan<T> c, final long[] hops)
    {
        final T v = r7(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 9. */
    @Goroutine
    static <T> T r9(final RecvChan<T> c, final long[] hops)
    {
        final T v = r8(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 10. */
    @Goroutine
    static <T> T r10(final RecvChan<T> c, final long[] hops)
    {
        final T v = r9(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 11. */
    @Goroutine
    static <T> T r11(final RecvChan<T> c, final long[] hops)
    {
        final T v = r10(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 12. */
    @Goroutine
    static <T> T r12(final RecvChan<T> c, final long[] hops)
    {
        final T v = r11(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 13. */
    @Goroutine
    static <T> T r13(final RecvChan<T> c, final long[] hops)
    {
        final T v = r12(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 14. */
    @Goroutine
    static <T> T r14(final RecvChan<T> c, final long[] hops)
    {
        final T v = r13(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 15. */
    @Goroutine
    static <T> T r15(final RecvChan<T> c, final long[] hops)
    {
        final T v = r14(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 16. */
    @Goroutine
    static <T> T r16(final RecvChan<T> c, final long[] hops)
    {
        final T v = r15(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 17. */
    @Goroutine
    static <T> T r17(final RecvChan<T> c, final long[] hops)
    {
        final T v = r16(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 18. */
    @Goroutine
    static <T> T r18(final RecvChan<T> c, final long[] hops)
    {
        final T v = r17(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 19. */
    @Goroutine
    static <T> T r19(final RecvChan<T> c, final long[] hops)
    {
        final T v = r18(c, hops);
        hops[0]++;
        return v;
    }

    /** Level 20. */
    @Goroutine
    static <T> T r20(final RecvChan<T> c, final long[] hops)
    {
        final T v = r19(c, hops);
        hops[0]++;
        return v;
    }
}
