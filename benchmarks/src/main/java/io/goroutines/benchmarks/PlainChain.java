package io.goroutines.benchmarks;

import io.goroutines.annotation.Goroutine;

/**
 * The reference call chain: the same code as {@link GoroutineChain}, without {@code @Goroutine}, so the
 * agent leaves it alone. {@code d20 -> d19 -> ... -> d1}; each level does a multiply-add before the call
 * and an xor with its argument after it, so the argument stays live across the call and the JIT cannot
 * fold the chain into a constant. The methods are distinct, as in real code, so the JIT may inline
 * them as it would any small methods.
 */
final class PlainChain
{
    /** Deepest chain: {@link #call(int, long)} accepts 1 to this. */
    static final int MAX_DEPTH = 20;

    private PlainChain()
    {
    }

    /**
     * Enters the chain {@code depth} methods above its leaf: {@code dN -> ... -> d1}.
     *
     * @param depth number of chain methods called, 1 to {@link #MAX_DEPTH}
     * @param x     the input
     * @return the chain's hash of {@code x}
     */
    static long call(final int depth, final long x)
    {
        switch (depth)
        {
            case 1:
                return d1(x);
            case 2:
                return d2(x);
            case 3:
                return d3(x);
            case 4:
                return d4(x);
            case 5:
                return d5(x);
            case 6:
                return d6(x);
            case 7:
                return d7(x);
            case 8:
                return d8(x);
            case 9:
                return d9(x);
            case 10:
                return d10(x);
            case 11:
                return d11(x);
            case 12:
                return d12(x);
            case 13:
                return d13(x);
            case 14:
                return d14(x);
            case 15:
                return d15(x);
            case 16:
                return d16(x);
            case 17:
                return d17(x);
            case 18:
                return d18(x);
            case 19:
                return d19(x);
            case 20:
                return d20(x);
            default:
                throw new IllegalArgumentException("PlainChain: depth " + depth + " not in 1.." + MAX_DEPTH);
        }
    }

    /** The leaf: a multiplicative hash step. */
    static long d1(final long x)
    {
        return x * 0x9E3779B97F4A7C15L ^ (x >>> 29);
    }

    /** Level 2: one multiply-add on the way down, one xor on the way up. */
    static long d2(final long x)
    {
        return d1(x * 31 + 2) ^ x;
    }

    /** Level 3: one multiply-add on the way down, one xor on the way up. */
    static long d3(final long x)
    {
        return d2(x * 31 + 3) ^ x;
    }

    /** Level 4: one multiply-add on the way down, one xor on the way up. */
    static long d4(final long x)
    {
        return d3(x * 31 + 4) ^ x;
    }

    /** Level 5: one multiply-add on the way down, one xor on the way up. */
    static long d5(final long x)
    {
        return d4(x * 31 + 5) ^ x;
    }

    /** Level 6: one multiply-add on the way down, one xor on the way up. */
    static long d6(final long x)
    {
        return d5(x * 31 + 6) ^ x;
    }

    /** Level 7: one multiply-add on the way down, one xor on the way up. */
    static long d7(final long x)
    {
        return d6(x * 31 + 7) ^ x;
    }

    /** Level 8: one multiply-add on the way down, one xor on the way up. */
    static long d8(final long x)
    {
        return d7(x * 31 + 8) ^ x;
    }

    /** Level 9: one multiply-add on the way down, one xor on the way up. */
    static long d9(final long x)
    {
        return d8(x * 31 + 9) ^ x;
    }

    /** Level 10: one multiply-add on the way down, one xor on the way up. */
    static long d10(final long x)
    {
        return d9(x * 31 + 10) ^ x;
    }

    /** Level 11: one multiply-add on the way down, one xor on the way up. */
    static long d11(final long x)
    {
        return d10(x * 31 + 11) ^ x;
    }

    /** Level 12: one multiply-add on the way down, one xor on the way up. */
    static long d12(final long x)
    {
        return d11(x * 31 + 12) ^ x;
    }

    /** Level 13: one multiply-add on the way down, one xor on the way up. */
    static long d13(final long x)
    {
        return d12(x * 31 + 13) ^ x;
    }

    /** Level 14: one multiply-add on the way down, one xor on the way up. */
    static long d14(final long x)
    {
        return d13(x * 31 + 14) ^ x;
    }

    /** Level 15: one multiply-add on the way down, one xor on the way up. */
    static long d15(final long x)
    {
        return d14(x * 31 + 15) ^ x;
    }

    /** Level 16: one multiply-add on the way down, one xor on the way up. */
    static long d16(final long x)
    {
        return d15(x * 31 + 16) ^ x;
    }

    /** Level 17: one multiply-add on the way down, one xor on the way up. */
    static long d17(final long x)
    {
        return d16(x * 31 + 17) ^ x;
    }

    /** Level 18: one multiply-add on the way down, one xor on the way up. */
    static long d18(final long x)
    {
        return d17(x * 31 + 18) ^ x;
    }

    /** Level 19: one multiply-add on the way down, one xor on the way up. */
    static long d19(final long x)
    {
        return d18(x * 31 + 19) ^ x;
    }

    /** Level 20: one multiply-add on the way down, one xor on the way up. */
    static long d20(final long x)
    {
        return d19(x * 31 + 20) ^ x;
    }

    /**
     * {@code n} calls of the chain of {@code depth} methods, the depth chosen once outside the loop,
     * so that each call enters the chain's top method directly (no dispatcher per call). This loop is
     * {@code @Goroutine}, exactly as {@code GoroutineChain.batch}, so the two loops are rewritten alike
     * (a preemption check at the back-edge) and only the chain differs; the chain's methods here are
     * plain, so the calls to them are plain calls.
     *
     * @return the sum of the hashes
     */
    @Goroutine
    static long batch(final int depth, final long seed, final int n)
    {
        long hash = 0;
        switch (depth)
        {
            case 3:
                for (int i = 0; i < n; i++)
                {
                    hash += d3(seed + i);
                }
                break;
            case 5:
                for (int i = 0; i < n; i++)
                {
                    hash += d5(seed + i);
                }
                break;
            case 10:
                for (int i = 0; i < n; i++)
                {
                    hash += d10(seed + i);
                }
                break;
            case 20:
                for (int i = 0; i < n; i++)
                {
                    hash += d20(seed + i);
                }
                break;
            default:
                throw new IllegalArgumentException("depth " + depth + ": the batch knows 3, 5, 10 and 20");
        }
        return hash;
    }

    /**
     * {@code n} calls through the dispatcher {@code call(depth, x)}: the chain's entry is chosen per call.
     * {@code @Goroutine} in both chains, so the loops are rewritten alike and only the chain differs.
     *
     * @return the sum of the hashes
     */
    @Goroutine
    static long loop(final int depth, final long seed, final int n)
    {
        long hash = 0;
        for (int i = 0; i < n; i++)
        {
            hash += call(depth, seed + i);
        }
        return hash;
    }
}
