package io.goroutines.it.apps;

/**
 * Prints {@link #MAIN_RAN} and its arguments: a test sees whether {@code main} ran at all.
 */
public final class PrintArgs
{
    /** Printed first thing in main. */
    public static final String MAIN_RAN = "PrintArgs: main ran";

    private PrintArgs()
    {
    }

    /**
     * @param args printed one per line
     */
    public static void main(final String[] args)
    {
        System.out.println(MAIN_RAN);
        for (final String arg : args)
        {
            System.out.println(arg);
        }
    }
}
