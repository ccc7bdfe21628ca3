package com.example.check;

/**
 * Fixture of {@code CheckCommandTest}: nothing for the agent to do.
 */
public final class Nothing
{
    private Nothing()
    {
    }

    /**
     * @return twice {@code x}
     */
    public static int twice(final int x)
    {
        return 2 * x;
    }
}
