package io.goroutines.agent.analysis;

/** A class file the analysis needs could not be found; the method or class is left as it was. */
public final class UnknownTypeException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public UnknownTypeException(final String internalName)
    {
        super("class file of " + internalName.replace('/', '.') + " not found", null, false, false);
    }
}
