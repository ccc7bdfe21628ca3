package io.goroutines.it.apps.semantics;

/** Every group of items, in the order of GO-SEMANTICS.md. */
public final class Items
{
    private Items()
    {
    }

    /** Registers every item. */
    public static void registerAll(final Checklist c)
    {
        ChanItems.register(c);
        SelectItems.register(c);
        TimeContextItems.register(c);
        SyncItems.register(c);
        StressItems.register(c);
    }
}
