package io.goroutines.internal.stack;

import java.util.Arrays;

/**
 * A goroutine's saved frames: Go's growable stack, for the JVM.
 *
 * <p>While a goroutine runs, its frames live on the carrier's Java stack as usual. When it parks,
 * every rewritten frame from the innermost outwards saves its live locals and the operand stack
 * below the suspended call into this store and returns (unwinding by return, never by exception).
 * On resume the outermost frame is re-entered first, restores its values, re-invokes its callee,
 * and so on inwards: the store is a LIFO of frames.
 *
 * <p>Layout: {@code long[] prims} holds primitives (floats and doubles as raw bits) and, after each
 * frame's primitives, that frame's record: one long packing the method id (24 bits), the call-site
 * id (16 bits) and how many primitive and reference slots the frame saved (12 bits each).
 * {@code Object[] refs} holds references. So the record of the frame saved last (the outermost) is
 * the last used slot of {@code prims}, and the record of the frame it called sits just under its
 * primitives: the frames can be walked from the top without a table of their own. The transform
 * keeps every method within those widths (a method it cannot fit is left as it was, with a
 * warning), and {@link #push} refuses anything wider rather than save a record it could not read
 * back.
 *
 * <p>Why one array for records and primitives: a separate {@code int[]} of four ints per frame was
 * a sixth of a parked goroutine (64 bytes of the 385 that one waiting in {@code Chan.recv} took);
 * here a frame's record costs 8 bytes and no header of its own, and a push writes one slot instead of
 * four. The arrays are allocated at the first park only (a goroutine that never parks pays nothing)
 * and start small: a typical park saves one to three frames (a lambda body over {@code Chan.recv},
 * a leaf that saves none; over a select or a sync primitive, whose own frame is saved too) and up
 * to eight references, which is what the first arrays hold with a primitive or two (48 bytes each).
 * A deeper park doubles them. They double when full, references are nulled on pop (a popped frame
 * keeps nothing alive), and {@link #shrink()} gives memory back after a park when most of it is
 * unused, as Go shrinks stacks during GC.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code primTop <= prims.length}, {@code refTop <= refs.length};</li>
 *   <li>no frame is saved if and only if {@code primTop == 0}; else {@code prims[primTop - 1]} is the
 *       record of the frame saved last (the outermost: unwinding saves the innermost first), and its
 *       primitives and references are the slots right under it and the top {@code nRefs} of
 *       {@code refs};</li>
 *   <li>every {@code refs[i]} with {@code i >= refTop} is null (nothing leaks);</li>
 *   <li>{@code primBase}, {@code refBase} are the bases of the frame last pushed or resumed.</li>
 * </ul>
 * Owner thread only: the carrier running the goroutine (or the one that unwound it) is the only
 * one that touches it; hand-over between carriers happens through the run queues, which publish it.
 * Readers of a parked goroutine's frames (dumps, deadlock reports) read while the owner cannot
 * change them, or copy and check ({@code G.parkSeq}).
 */
public class Frames
{
    /** Widest method id a record holds: the registry hands out no more ids than this. */
    public static final int MAX_METHOD_ID = (1 << 24) - 1;
    /**
     * Widest call-site id a record holds. The transform needs no check for it: every suspension point
     * is an instruction of at least three bytes, and a method's code is at most 65,535 bytes.
     */
    public static final int MAX_SITE = (1 << 16) - 1;
    /** Most primitive slots, and most reference slots, one frame may save. */
    public static final int MAX_SLOTS = (1 << 12) - 1;
    /** Bit positions of a record's fields. */
    private static final int METHOD_SHIFT = 40;
    private static final int SITE_SHIFT = 24;
    private static final int PRIMS_SHIFT = 12;
    /** Initial primitive slots, records included: two frames and two primitives, or three and one. */
    private static final int INITIAL_PRIMS = 4;
    /** Initial reference slots: a lambda over {@code Chan.recv} needs up to 8. */
    private static final int INITIAL_REFS = 8;
    /** Shared empty arrays: nothing is allocated until the first push. */
    private static final long[] NO_PRIMS = new long[0];
    private static final Object[] NO_REFS = new Object[0];

    /** Primitive slots (ints, longs, float and double bits) and the frames' records. */
    private long[] prims = NO_PRIMS;
    /** Reference slots. */
    private Object[] refs = NO_REFS;
    /** First free primitive slot. */
    private int primTop;
    /** First free reference slot. */
    private int refTop;
    /** Prim base of the frame being saved or restored. */
    private int primBase;
    /** Ref base of the frame being saved or restored. */
    private int refBase;

    /**
     * Starts saving a frame: reserves {@code nPrims} primitive and {@code nRefs} reference slots and
     * writes its record. Called by rewritten code while unwinding, innermost frame first.
     *
     * @param methodId the id {@link MethodRegistry} gave the method, at most {@link #MAX_METHOD_ID}
     * @param site     the call-site (suspension point) id inside that method, 0 to {@link #MAX_SITE}
     * @param nPrims   primitive slots the frame needs, 0 to {@link #MAX_SLOTS}
     * @param nRefs    reference slots the frame needs, 0 to {@link #MAX_SLOTS}
     * @throws IllegalArgumentException when a value is wider than a record holds (nothing is saved)
     */
    public void push(final int methodId, final int site, final int nPrims, final int nRefs)
    {
        if (0 != ((methodId >>> 24) | (site >>> 16) | ((nPrims | nRefs) >>> 12)))
        {
            throw tooWide(methodId, site, nPrims, nRefs);
        }
        final int base = primTop;
        final int top = base + nPrims + 1;
        if (top > prims.length || refTop + nRefs > refs.length)
        {
            grow(top, refTop + nRefs);
        }
        prims[top - 1] = (long)methodId << METHOD_SHIFT | (long)site << SITE_SHIFT | nPrims << PRIMS_SHIFT | nRefs;
        primBase = base;
        refBase = refTop;
        primTop = top;
        refTop += nRefs;
    }

    /**
     * Makes room for {@code primsNeeded} primitive and {@code refsNeeded} reference slots: each array
     * that is too small doubles (at least to its initial size and to what is needed). Out of
     * {@link #push}, so that the path every frame takes at every park stays small when the JIT
     * inlines it into each rewritten method's save block.
     */
    private void grow(final int primsNeeded, final int refsNeeded)
    {
        if (primsNeeded > prims.length)
        {
            prims = Arrays.copyOf(prims, Math.max(Math.max(INITIAL_PRIMS, prims.length * 2), primsNeeded));
        }
        if (refsNeeded > refs.length)
        {
            refs = Arrays.copyOf(refs, Math.max(Math.max(INITIAL_REFS, refs.length * 2), refsNeeded));
        }
    }

    /** The refusal of {@link #push}, out of it so that the path every frame takes stays small. */
    private static IllegalArgumentException tooWide(final int methodId, final int site, final int nPrims,
        final int nRefs)
    {
        return new IllegalArgumentException("frames: a frame record holds a method id up to " + MAX_METHOD_ID
            + ", a call-site id up to " + MAX_SITE + " and up to " + MAX_SLOTS + " slots of each kind, not method "
            + methodId + ", site " + site + ", " + nPrims + " primitive and " + nRefs + " reference slots");
    }

    /** Saves an int (also boolean, byte, short, char) into slot {@code i} of the frame being saved. */
    public void putInt(final int i, final int v)
    {
        prims[primBase + i] = v;
    }

    /** Saves a long into slot {@code i}. */
    public void putLong(final int i, final long v)
    {
        prims[primBase + i] = v;
    }

    /** Saves a float (raw bits) into slot {@code i}. */
    public void putFloat(final int i, final float v)
    {
        prims[primBase + i] = Float.floatToRawIntBits(v);
    }

    /** Saves a double (raw bits) into slot {@code i}. */
    public void putDouble(final int i, final double v)
    {
        prims[primBase + i] = Double.doubleToRawLongBits(v);
    }

    /** Saves a reference into reference slot {@code i}. */
    public void putRef(final int i, final Object v)
    {
        refs[refBase + i] = v;
    }

    /**
     * Starts restoring the top frame: checks that it belongs to {@code methodId} and returns its
     * call-site id. The values stay readable until {@link #pop()}.
     *
     * @throws IllegalStateException when the top record belongs to another method: a frame was
     *                               entered out of order, which would corrupt the goroutine.
     */
    public int resume(final int methodId)
    {
        final int r = primTop - 1;
        if (r < 0)
        {
            throw outOfOrder(methodId);
        }
        final long record = prims[r];
        if (methodOf(record) != methodId)
        {
            throw outOfOrder(methodId);
        }
        primBase = r - primsOf(record);
        refBase = refTop - refsOf(record);
        return siteOf(record);
    }

    /** The failure of {@link #resume}, out of it so that the path every frame takes stays small. */
    private IllegalStateException outOfOrder(final int methodId)
    {
        return new IllegalStateException("frames: resume of method " + MethodRegistry.describe(methodId)
            + (primTop == 0 ? " but no frame is saved"
                : " but the saved frame belongs to " + MethodRegistry.describe(methodOf(prims[primTop - 1]))));
    }

    /** Reads an int from slot {@code i} of the frame being restored. */
    public int getInt(final int i)
    {
        return (int) prims[primBase + i];
    }

    /** Reads a long. */
    public long getLong(final int i)
    {
        return prims[primBase + i];
    }

    /** Reads a float. */
    public float getFloat(final int i)
    {
        return Float.intBitsToFloat((int) prims[primBase + i]);
    }

    /** Reads a double. */
    public double getDouble(final int i)
    {
        return Double.longBitsToDouble(prims[primBase + i]);
    }

    /** Reads a reference. */
    public Object getRef(final int i)
    {
        return refs[refBase + i];
    }

    /**
     * Removes the frame last pushed or resumed (the top one), nulling its references so that nothing
     * stays reachable from it.
     */
    public void pop()
    {
        final Object[] refs = this.refs;
        final int refTop = this.refTop;
        for (int i = refBase; i < refTop; i++)
        {
            refs[i] = null; // a popped frame keeps nothing alive
        }
        this.refTop = refBase;
        primTop = primBase;
    }

    /**
     * Number of saved frames, counted by walking the records (no field keeps it: the four bytes went to
     * {@code G}'s leaf wait, keeping a goroutine at 112 bytes). Safe on a copy read while the owner
     * changes it: the walk stays inside the array and ends.
     */
    public int depth()
    {
        final long[] prims = this.prims;
        int n = 0;
        for (int a = Math.min(primTop, prims.length) - 1; a >= 0; a -= primsOf(prims[a]) + 1)
        {
            n++;
        }
        return n;
    }

    /**
     * Where the outermost frame's record is (the frame saved last, restored first), to walk the saved
     * frames inwards with {@link #callee}, {@link #methodAt} and {@link #siteAt}; -1 when none is saved.
     */
    public int outermost()
    {
        return primTop - 1;
    }

    /**
     * Where the record of the frame that the one at {@code at} called is (saved just before it), or
     * -1 when the frame at {@code at} is the innermost.
     */
    public int callee(final int at)
    {
        return at - primsOf(prims[at]) - 1;
    }

    /**
     * The primitives' array, records included, for {@link #waitSite} to read later (a goroutine's
     * record keeps it across its park). Owner thread only.
     */
    public final long[] savedPrims()
    {
        return prims;
    }

    /** How many slots of {@link #savedPrims()} are in use. Owner thread only. */
    public final int savedTop()
    {
        return primTop;
    }

    /**
     * Where a parked goroutine waits, from the records of {@link #savedPrims()}: the innermost frame
     * whose method is not the runtime's ({@link MethodRegistry#isRuntime}), else the outermost. Never
     * fails on slots that changed since (a goroutine that ran on): it stops at the first record that
     * does not fit.
     *
     * @param prims the primitives' array
     * @param top   how many of its slots were in use
     * @return the method id in the high 32 bits and the call-site id in the low 32, or -1 when no frame
     *         is saved
     */
    public static long waitSite(final long[] prims, final int top)
    {
        if (top <= 0 || top > prims.length)
        {
            return -1;
        }
        int wait = top - 1;
        for (int at = wait - primsOf(prims[wait]) - 1; at >= 0; at = at - primsOf(prims[at]) - 1)
        {
            if (!MethodRegistry.isRuntime(methodOf(prims[at])))
            {
                wait = at;
            }
        }
        return (long)methodOf(prims[wait]) << 32 | siteOf(prims[wait]);
    }

    /** Method id of the frame whose record is at {@code at}. */
    public int methodAt(final int at)
    {
        return methodOf(prims[at]);
    }

    /** Call-site id of the frame whose record is at {@code at}. */
    public int siteAt(final int at)
    {
        return siteOf(prims[at]);
    }

    private static int methodOf(final long record)
    {
        return (int)(record >>> METHOD_SHIFT);
    }

    private static int siteOf(final long record)
    {
        return (int)(record >>> SITE_SHIFT) & MAX_SITE;
    }

    private static int primsOf(final long record)
    {
        return (int)(record >>> PRIMS_SHIFT) & MAX_SLOTS;
    }

    private static int refsOf(final long record)
    {
        return (int)record & MAX_SLOTS;
    }

    /** Receives the references of saved frames ({@link #forEachRef}). */
    @FunctionalInterface
    public interface RefVisitor
    {
        /**
         * @param method the method id of the frame that saved it
         * @param site   the call-site id where that frame is suspended
         * @param ref    a non-null reference that frame saved
         */
        void visit(int method, int site, Object ref);
    }

    /**
     * Visits every non-null reference of every saved frame, innermost frame first (deadlock
     * reports: who holds what). Only while the owner cannot change the store (parked).
     */
    public void forEachRef(final RefVisitor visitor)
    {
        final long[] prims = this.prims;
        final Object[] refs = this.refs;
        final int[] at = new int[depth()]; // records are walked from the outermost; visits go the other way
        int n = 0;
        for (int a = primTop - 1; a >= 0 && n < at.length; a -= primsOf(prims[a]) + 1)
        {
            at[n++] = a;
        }
        int start = 0;
        for (int k = n - 1; k >= 0; k--)
        {
            final long record = prims[at[k]];
            final int end = start + refsOf(record);
            for (int i = start; i < end; i++)
            {
                final Object ref = refs[i];
                if (null != ref)
                {
                    visitor.visit(methodOf(record), siteOf(record), ref);
                }
            }
            start = end;
        }
    }

    /** Bytes this store holds on to (arrays only), for metrics and the shrink policy. */
    public long capacityBytes()
    {
        return prims.length * 8L + refs.length * 4L;
    }

    /** Drops every saved frame (a goroutine that ended with an exception mid-resume). */
    public void clear()
    {
        Arrays.fill(refs, 0, refTop, null);
        primTop = 0;
        refTop = 0;
    }

    /**
     * Gives memory back when at most a quarter of the arrays is in use, as Go shrinks a stack that
     * uses less than a quarter of itself; never below the initial sizes, and to nothing when empty.
     */
    public void shrink()
    {
        if (primTop == 0)
        {
            prims = NO_PRIMS;
            refs = NO_REFS;
            return;
        }
        if (prims.length > INITIAL_PRIMS && primTop * 4 <= prims.length)
        {
            prims = Arrays.copyOf(prims, Math.max(INITIAL_PRIMS, prims.length / 2));
        }
        if (refs.length > INITIAL_REFS && refTop * 4 <= refs.length)
        {
            refs = Arrays.copyOf(refs, Math.max(INITIAL_REFS, refs.length / 2));
        }
    }
}
