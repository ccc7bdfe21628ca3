package io.goroutines.agent.transform;

/**
 * What the transform is asked to do.
 *
 * @param forceSuspend test mode: every rewritten method yields to the scheduler on entry, so every
 *                     suspendable call site really suspends and resumes
 * @param verbose      log every rewritten method
 * @param pinningWarn  report call sites that will pin
 */
public record TransformConfig(boolean forceSuspend, boolean verbose, boolean pinningWarn)
{
    /** The production defaults. */
    public static TransformConfig defaults()
    {
        return new TransformConfig(false, false, true);
    }
}
