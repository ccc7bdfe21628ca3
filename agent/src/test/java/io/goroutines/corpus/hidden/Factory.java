package io.goroutines.corpus.hidden;

/** Hands out an object of a class other packages may not name. */
public final class Factory
{
    private Factory()
    {
    }

    /** An instance of a package-private class, typed as that class in the descriptor. */
    public static Impl make()
    {
        return new Impl();
    }
}

/** Package-private: a cast to it from another package fails with IllegalAccessError. */
final class Impl
{
    @Override
    public String toString()
    {
        return "impl";
    }
}
