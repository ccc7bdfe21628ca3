package io.goroutines;

/**
 * The waiter of one case of a {@link Select} on its channel: every case's entry parks under the
 * select's {@link Selector}, and a waker must claim the select before serving the entry (Go's
 * {@code selectDone}).
 */
final class SelectEntry extends Sudog
{
    /** The select this entry belongs to. */
    final Selector sel;
    /** The channel it is queued on. */
    final Chan<?> chan;
    /** Index of the select case. */
    final int caseIndex;
    /** Whether this entry waits to send (it is in the channel's send queue). */
    final boolean isSend;

    /** The entry of one case of a select, for the same goroutine or thread as {@code sel}. */
    SelectEntry(final Selector sel, final Chan<?> chan, final int caseIndex, final boolean isSend, final Object item)
    {
        super(item, sel);
        this.sel = sel;
        this.chan = chan;
        this.caseIndex = caseIndex;
        this.isSend = isSend;
    }

    @Override
    boolean claim()
    {
        return sel.claim(this);
    }

    @Override
    void markDone()
    {
        sel.complete();
    }
}
