package io.goroutines.it.apps;

import io.goroutines.annotation.Goroutine;
import io.goroutines.it.apps.semantics.Checklist;
import io.goroutines.it.apps.semantics.Items;

/**
 * Runs the checklist of GO-SEMANTICS.md under the agent ({@code SemanticsIT}): one line per item.
 */
public final class SemanticsApp
{
    /** Printed last. */
    public static final String DONE = "checklist done";

    private SemanticsApp()
    {
    }

    /**
     * Runs the items whose label starts with the first argument (all without one).
     *
     * @param args optional label prefix, e.g. {@code item04}
     */
    @Goroutine
    public static void main(final String[] args)
    {
        final Checklist checklist = new Checklist();
        Items.registerAll(checklist);
        checklist.run(args.length > 0 ? args[0] : "");
        System.out.println(DONE);
    }
}
