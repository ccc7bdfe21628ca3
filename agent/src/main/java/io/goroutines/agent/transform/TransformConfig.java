package io.goroutines.agent.transform;

/**
 * What the transform is asked to do.
 *
 * @param forceSuspend test mode: every rewritten method yields to the scheduler on entry, so every
 *                     suspendable call site really suspends and resumes
 * @param forceAll     test mode: every method is suspendable and every call site a suspension point
 *                     (used to push real-world bytecode through the rewrite)
 * @param verbose      log every rewritten method
 * @param pinningWarn  report call sites that will pin
 */
public record TransformConfig(boolean forceSuspend, boolean forceAll, boolean verbose, boolean pinningWarn)
{
    /** Without the forceAll test mode. */
    public TransformConfig(final boolean forceSuspend, final boolean verbose, final boolean pinningWarn)
    {
        this(forceSuspend, false, verbose, pinningWarn);
    }

    /** The production defaults. */
    public static TransformConfig defaults()
    {
        return new TransformConfig(false, false, false, true);
    }
}
