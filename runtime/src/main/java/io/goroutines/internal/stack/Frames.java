package io.goroutines.internal.stack;

import java.util.Arrays;

/**
 * A goroutine's saved frames: Go's growable stack, for the JVM.
 *
 * <p>While a goroutine runs, its frames live on the carrier's Java stack as usual. When it parks,
 * every rewritten frame from the innermost outwards saves its live locals and the operand stack
 * below the suspended call into this store and returns (unwinding by return, never by exception).
 * On resume the outermost frame is re-entered first, restores its values, re-invokes its callee,
 * and so on inwards: the store is a LIFO of records.
 *
 * <p>Layout: {@code long[] prims} holds primitives (floats and doubles as raw bits), {@code Object[]
 * refs} holds references, and {@code int[] records} holds four ints per frame: method id, call-site
 * id, base index into {@code prims}, base index into {@code refs}. The arrays are allocated at the
 * first park only (a goroutine that never parks pays nothing) and start small, about a hundred
 * bytes, rather than Go's 2 KB: a parked goroutine must cost under 500 bytes, and a typical park
 * saves two or three frames (a lambda body over {@code Chan.recv}, which parks itself; over a
 * select or a sync primitive, which wait in {@code Waiter.await}) and up to eight references,
 * which is what the first arrays hold (64 and 48 bytes; at four frames and sixteen slots they were
 * 80 and 80). A deeper park doubles them once. They double when full, references
 * are nulled on pop (a popped frame keeps nothing alive), and {@link #shrink()} gives memory back
 * after a park when most of it is unused, as Go shrinks stacks during GC.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code depth * RECORD <= records.length}, {@code primTop <= prims.length},
 *       {@code refTop <= refs.length};</li>
 *   <li>every {@code refs[i]} with {@code i >= refTop} is null (nothing leaks);</li>
 *   <li>the records' base indexes are non-decreasing from the bottom record to the top one.</li>
 * </ul>
 * Owner thread only: the carrier running the goroutine (or the one that unwound it) is the only
 * one that touches it; hand-over between carriers happens through the run queues, which publish it.
 */
public final class Frames
{
    /** Ints per frame record: method id, call-site id, prim base, ref base. */
    private static final int RECORD = 4;
    /** Initial primitive slots. */
    private static final int INITIAL_PRIMS = 8;
    /** Initial reference slots: a lambda over {@code Chan.recv} needs up to 8. */
    private static final int INITIAL_REFS = 8;
    /** Initial record slots: 3 frames (a lambda, {@code Select.select}, {@code Waiter.await}; or a lambda, a helper and {@code Chan.recv}). */
    private static final int INITIAL_RECORDS = 3 * RECORD;
    /** Shared empty arrays: nothing is allocated until the first push. */
    private static final long[] NO_PRIMS = new long[0];
    private static final Object[] NO_REFS = new Object[0];
    private static final int[] NO_RECORDS = new int[0];

    /** Primitive slots (ints, longs, float and double bits). */
    private long[] prims = NO_PRIMS;
    /** Reference slots. */
    private Object[] refs = NO_REFS;
    /** Frame records, RECORD ints each. */
    private int[] records = NO_RECORDS;
    /** Number of saved frames. */
    private int depth;
    /** First free primitive slot. */
    private int primTop;
    /** First free reference slot. */
    private int refTop;
    /** Prim base of the frame being saved or restored. */
    private int primBase;
    /** Ref base of the frame being saved or restored. */
    private int refBase;

    /**
     * Starts saving a frame: reserves {@code nPrims} primitive and {@code nRefs} reference slots.
     * Called by rewritten code while unwinding, innermost frame first.
     *
     * @param methodId the id {@link MethodRegistry} gave the method
     * @param site     the call-site (suspension point) id inside that method
     * @param nPrims   primitive slots the frame needs
     * @param nRefs    reference slots the frame needs
     */
    public void push(final int methodId, final int site, final int nPrims, final int nRefs)
    {
        final int r = depth * RECORD;
        if (r + RECORD > records.length || primTop + nPrims > prims.length || refTop + nRefs > refs.length)
        {
            grow(nPrims, nRefs);
        }
        final int[] records = this.records;
        records[r] = methodId;
        records[r + 1] = site;
        records[r + 2] = primTop;
        records[r + 3] = refTop;
        primBase = primTop;
        refBase = refTop;
        primTop += nPrims;
        refTop += nRefs;
        depth++;
    }

    /**
     * Makes room for one more record and the given slots: each array that is too small doubles (at
     * least to its initial size and to what is needed). Out of {@link #push}, so that the path every
     * frame takes at every park is smaller (146 bytes of bytecode, 227 with the growth in it) when
     * the JIT inlines it into each rewritten method's save block.
     */
    private void grow(final int nPrims, final int nRefs)
    {
        if ((depth + 1) * RECORD > records.length)
        {
            records = Arrays.copyOf(records, Math.max(INITIAL_RECORDS, records.length * 2));
        }
        if (primTop + nPrims > prims.length)
        {
            prims = Arrays.copyOf(prims, Math.max(Math.max(INITIAL_PRIMS, prims.length * 2), primTop + nPrims));
        }
        if (refTop + nRefs > refs.length)
        {
            refs = Arrays.copyOf(refs, Math.max(Math.max(INITIAL_REFS, refs.length * 2), refTop + nRefs));
        }
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
        final int r = (depth - 1) * RECORD;
        final int[] records = this.records;
        if (r < 0 || records[r] != methodId)
        {
            throw outOfOrder(methodId);
        }
        primBase = records[r + 2];
        refBase = records[r + 3];
        return records[r + 1];
    }

    /** The failure of {@link #resume}, out of it so that the path every frame takes stays small. */
    private IllegalStateException outOfOrder(final int methodId)
    {
        return new IllegalStateException("frames: resume of method " + MethodRegistry.describe(methodId)
            + (depth == 0 ? " but no frame is saved"
                : " but the saved frame belongs to " + MethodRegistry.describe(records[(depth - 1) * RECORD])));
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

    /** Removes the top frame, nulling its references so that nothing stays reachable from it. */
    public void pop()
    {
        final int r = (depth - 1) * RECORD;
        final int[] records = this.records;
        final int newPrimTop = records[r + 2];
        final int newRefTop = records[r + 3];
        final Object[] refs = this.refs;
        for (int i = newRefTop; i < refTop; i++)
        {
            refs[i] = null; // a popped frame keeps nothing alive
        }
        primTop = newPrimTop;
        refTop = newRefTop;
        depth--;
        if (depth > 0)
        {
            primBase = records[r - RECORD + 2];
            refBase = records[r - RECORD + 3];
        }
    }

    /** Number of saved frames. */
    public int depth()
    {
        return depth;
    }

    /** Method id of saved frame {@code k}, 0 = innermost. */
    public int methodAt(final int k)
    {
        return records[k * RECORD];
    }

    /** Call-site id of saved frame {@code k}, 0 = innermost. */
    public int siteAt(final int k)
    {
        return records[k * RECORD + 1];
    }

    /** Receives the references of saved frames ({@link #forEachRef}). */
    @FunctionalInterface
    public interface RefVisitor
    {
        /**
         * @param k   the frame, 0 = innermost
         * @param ref a non-null reference that frame saved
         */
        void visit(int k, Object ref);
    }

    /**
     * Visits every non-null reference of every saved frame, innermost frame first (deadlock
     * reports: who holds what). Only while the owner cannot change the store (parked).
     */
    public void forEachRef(final RefVisitor visitor)
    {
        final int[] records = this.records;
        final Object[] refs = this.refs;
        final int depth = this.depth;
        for (int k = 0; k < depth; k++)
        {
            final int end = k + 1 < depth ? records[(k + 1) * RECORD + 3] : refTop;
            for (int i = records[k * RECORD + 3]; i < end; i++)
            {
                final Object ref = refs[i];
                if (null != ref)
                {
                    visitor.visit(k, ref);
                }
            }
        }
    }

    /** Bytes this store holds on to (arrays only), for metrics and the shrink policy. */
    public long capacityBytes()
    {
        return prims.length * 8L + refs.length * 4L + records.length * 4L;
    }

    /** Drops every saved frame (a goroutine that ended with an exception mid-resume). */
    public void clear()
    {
        Arrays.fill(refs, 0, refTop, null);
        depth = 0;
        primTop = 0;
        refTop = 0;
    }

    /**
     * Gives memory back when at most a quarter of the arrays is in use, as Go shrinks a stack that
     * uses less than a quarter of itself; never below the initial sizes, and to nothing when empty.
     */
    public void shrink()
    {
        if (depth == 0)
        {
            prims = NO_PRIMS;
            refs = NO_REFS;
            records = NO_RECORDS;
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
        if (records.length > INITIAL_RECORDS && depth * RECORD * 4 <= records.length)
        {
            records = Arrays.copyOf(records, Math.max(INITIAL_RECORDS, records.length / 2));
        }
    }
}
