package io.goroutines.internal.chan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed run of {@link #SIZE} cells of the conceptually infinite cell array of {@link SegmentChan}:
 * cell {@code k} of the channel is cell {@code k % SIZE} of the segment whose {@link #id} is
 * {@code k / SIZE}. Segments form a singly linked list in id order, grown at its end by whoever first
 * needs a segment that does not exist yet (one CAS on {@link #next}); nothing points back, so a
 * segment that every pointer of the channel has passed is garbage.
 *
 * <p>Each cell has two slots, side by side in one array so that they usually share a cache line:
 * the element (written by the sender before it publishes the cell's state, cleared by whoever
 * consumed or abandoned it) and the state (see {@link SegmentChan} for the states and their
 * transitions). Every state change is a CAS or a volatile store; the element is a plain slot whose
 * visibility rides on those.
 *
 * <p>Invariants: {@code next == null || next.id == id + 1}; {@code next} is set at most once.
 */
final class Segment
{
    /** Cells per segment (the value kotlinx.coroutines uses). */
    static final int SIZE = 32;

    /** Access to the slots of {@link #slots}. */
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    /** Access to {@link #next}. */
    private static final VarHandle NEXT;

    static
    {
        try
        {
            NEXT = MethodHandles.lookup().findVarHandle(Segment.class, "next", Segment.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Position in the list: this segment holds the channel's cells {@code id * SIZE} to {@code id * SIZE + SIZE - 1}. */
    final long id;
    /** Element of cell i at {@code 2 * i}, its state at {@code 2 * i + 1}. */
    private final Object[] slots = new Object[2 * SIZE];
    /** The segment with id {@code id + 1}, or null until someone needs it. */
    private volatile Segment next;

    /**
     * @param id the segment's position in the list
     */
    Segment(final long id)
    {
        this.id = id;
    }

    /** The state of cell {@code i} (volatile read). */
    Object state(final int i)
    {
        return SLOTS.getVolatile(slots, 2 * i + 1);
    }

    /** Replaces the state of cell {@code i} when it is {@code expected} (volatile CAS, identity). */
    boolean casState(final int i, final Object expected, final Object state)
    {
        return SLOTS.compareAndSet(slots, 2 * i + 1, expected, state);
    }

    /** Sets the state of cell {@code i} (volatile store); only its current owner may do so. */
    void setState(final int i, final Object state)
    {
        SLOTS.setVolatile(slots, 2 * i + 1, state);
    }

    /**
     * Stores the element of cell {@code i}: a plain store, published by the CAS on the cell's state
     * that follows it.
     */
    void storeElement(final int i, final Object e)
    {
        slots[2 * i] = e;
    }

    /**
     * Takes the element of cell {@code i} and clears the slot (so a segment still reachable does not
     * keep it alive). The caller won the cell by a CAS that read a state published after the store.
     */
    Object takeElement(final int i)
    {
        final Object e = slots[2 * i];
        slots[2 * i] = null;
        return e;
    }

    /** Clears the element of cell {@code i}, which nobody will take. */
    void clearElement(final int i)
    {
        slots[2 * i] = null;
    }

    /** The next segment, or null. */
    Segment next()
    {
        return next;
    }

    /**
     * The segment with id {@code id}, from this one (whose id is not larger) along the list, creating
     * the missing ones on the way.
     *
     * @param id the id wanted, at least this segment's
     * @return the segment with exactly that id
     */
    Segment find(final long id)
    {
        Segment seg = this;
        while (seg.id < id)
        {
            Segment n = seg.next;
            if (null == n)
            {
                final Segment created = new Segment(seg.id + 1);
                final Segment witness = (Segment)NEXT.compareAndExchange(seg, (Segment)null, created);
                n = null == witness ? created : witness;
            }
            seg = n;
        }
        assert seg.id == id : "segment: list skipped an id";
        return seg;
    }

    /**
     * The segment with id {@code id} if it exists, else the last one of the list; never creates one.
     *
     * @param id the id wanted, at least this segment's
     */
    Segment findExisting(final long id)
    {
        Segment seg = this;
        while (seg.id < id)
        {
            final Segment n = seg.next;
            if (null == n)
            {
                break;
            }
            seg = n;
        }
        return seg;
    }

    /** Segment id and the states of its cells, for debugging. */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("segment(").append(id).append(':');
        for (int i = 0; i < SIZE; i++)
        {
            sb.append(' ').append(state(i));
        }
        return sb.append(')').toString();
    }
}
