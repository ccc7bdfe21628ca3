package io.goroutines.corpus;

import io.goroutines.annotation.Goroutine;
import java.util.ArrayList;
import java.util.List;

/** Classes, records, enums and interfaces whose methods the shapes call. */
public final class Types
{
    private Types()
    {
    }

    /** A record with a suspendable method. */
    public record Point(int x, int y)
    {
        @Goroutine
        public int sum()
        {
            return Effects.f(x) + Effects.f(y);
        }
    }

    /** An enum with a suspendable method that switches on itself. */
    public enum Color
    {
        RED, GREEN, BLUE;

        @Goroutine
        public int code()
        {
            switch (this)
            {
                case RED:
                    return Effects.f(1);
                case GREEN:
                    return Effects.f(2);
                default:
                    return Effects.f(3);
            }
        }
    }

    /** An interface with a suspendable default method and a suspendable static one. */
    public interface Greeter
    {
        @Goroutine
        String name();

        @Goroutine
        default String greet()
        {
            return Effects.fs("hello ") + name();
        }

        @Goroutine
        static String twice(final Greeter g)
        {
            return g.greet() + g.greet();
        }
    }

    /** Implements the interface without repeating the annotation: suspendable by inheritance. */
    public static final class English implements Greeter
    {
        @Override
        public String name()
        {
            return Effects.fs("world");
        }
    }

    /** A generic functional interface: implementations get bridge methods. */
    public interface Body<T>
    {
        @Goroutine
        int apply(T value);
    }

    /** Implements Body with a concrete type: javac adds a bridge apply(Object). */
    public static final class Length implements Body<String>
    {
        @Override
        public int apply(final String value)
        {
            return Effects.f(value.length());
        }
    }

    /** A template method in an abstract class. */
    public abstract static class Base
    {
        @Goroutine
        public int template(final int x)
        {
            return step(x) * 2 + Effects.f(x);
        }

        @Goroutine
        protected abstract int step(int x);

        @Goroutine
        public int over(final int x)
        {
            return Effects.f(x);
        }
    }

    /** Overrides without the annotation; calls super. */
    public static final class Derived extends Base
    {
        @Override
        protected int step(final int x)
        {
            return Effects.f(x + 10);
        }

        @Override
        public int over(final int x)
        {
            return super.over(x) + Effects.f(x * 2);
        }
    }

    /** An object built with suspendable values, and its constructor calling a suspendable method (pins, plain). */
    public static final class Pair
    {
        public final Object a;
        public final Object b;

        public Pair(final Object a, final Object b)
        {
            this.a = a;
            this.b = b;
            Effects.f(7); // a constructor is never suspendable: this is a plain call
        }

        @Override
        public String toString()
        {
            return "(" + a + "," + b + ")";
        }
    }

    /** An AutoCloseable whose close is logged. */
    public static final class Res implements AutoCloseable
    {
        private final String name;

        public Res(final String name)
        {
            this.name = name;
            Effects.hit("open " + name);
        }

        @Override
        public void close()
        {
            Effects.hit("close " + name);
        }
    }

    /** A holder with fields for compound assignments. */
    public static final class Box
    {
        public int i;
        public long l;
        public double d;
        public Box next;
        public final List<Object> list = new ArrayList<>();
    }

    /** Static field used with compound assignment. */
    public static long counter;
}
