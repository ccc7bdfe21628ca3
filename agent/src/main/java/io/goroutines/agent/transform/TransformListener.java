package io.goroutines.agent.transform;

/**
 * Receives what the transform decides about a class, for tools that report it rather than run it
 * (the command line's {@code check}). The agent passes {@link #NONE}: the transform's result does
 * not depend on the listener.
 *
 * <p>Each class's methods and pinned calls are reported once, after the transform has settled what
 * becomes of each method (a method that fails verification is put back and reported as such).
 */
public interface TransformListener
{
    /** Hears nothing. */
    TransformListener NONE = new TransformListener()
    {
        @Override
        public void rewritten(final RewrittenMethod method)
        {
        }

        @Override
        public void pinned(final PinnedCall call)
        {
        }
    };

    /**
     * A method of the class is rewritten.
     *
     * @param method the method and what becomes of it
     */
    void rewritten(RewrittenMethod method);

    /**
     * A call site of the class would pin.
     *
     * @param call the call site, the callee, the reason and what to do
     */
    void pinned(PinnedCall call);
}
