package io.goroutines.corpus;

import static io.goroutines.corpus.Effects.arr;
import static io.goroutines.corpus.Effects.boom;
import static io.goroutines.corpus.Effects.f;
import static io.goroutines.corpus.Effects.fb;
import static io.goroutines.corpus.Effects.fd;
import static io.goroutines.corpus.Effects.ff;
import static io.goroutines.corpus.Effects.fl;
import static io.goroutines.corpus.Effects.fo;
import static io.goroutines.corpus.Effects.fs;
import static io.goroutines.corpus.Effects.v;

import io.goroutines.annotation.Goroutine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The torture corpus: method shapes that a state-machine transform gets wrong in the usual ways.
 * Each is run plainly and, in the test, inside a goroutine where every suspendable call really
 * suspends and resumes; results and side effects must be the same.
 */
public final class Shapes
{
    /** A suspendable function of an int, for method references and lambdas. */
    @FunctionalInterface
    public interface IntFn
    {
        @Goroutine
        int apply(int x);
    }

    /** A suspendable varargs target. */
    @Goroutine
    static int sumAll(final int... xs)
    {
        int s = 0;
        for (final int x : xs)
        {
            s += f(x);
        }
        return s;
    }

    @Goroutine
    static int recurse(final int depth)
    {
        if (depth == 0)
        {
            return f(0);
        }
        final int below = recurse(depth - 1);
        return below + f(depth) - depth;
    }

    @Goroutine
    static int fib(final int n)
    {
        return n < 2 ? f(n) - 1 : fib(n - 1) + fib(n - 2);
    }

    @Goroutine
    static boolean isEven(final int n)
    {
        return n == 0 || isOdd(f(n) - 2);
    }

    @Goroutine
    static boolean isOdd(final int n)
    {
        return n != 0 && isEven(f(n) - 2);
    }

    @Goroutine
    private int privateInstance(final int x)
    {
        return f(x) * factor;
    }

    private final int factor = 3;

    /** A non-static inner class. */
    final class Inner
    {
        @Goroutine
        int get(final int x)
        {
            return f(x) + factor;
        }
    }

    @Goroutine
    static int sync(final Object lock)
    {
        synchronized (lock)
        {
            return f(5); // inside a monitor: a plain call; the goroutine would pin
        }
    }

    @Goroutine
    static synchronized int syncMethod(final int x)
    {
        return f(x);
    }

    @Goroutine
    static String tryWithResources() throws Exception
    {
        try (Types.Res a = new Types.Res(fs("a")); Types.Res b = new Types.Res(fs("b")))
        {
            return fs("body") + a.hashCode() * 0 + b.hashCode() * 0;
        }
    }

    /** All shapes, by name, in a fixed order. */
    public static Map<String, Shape> all()
    {
        final Map<String, Shape> m = new LinkedHashMap<>();
        m.put("intLocalsAcrossCall", () -> {
            int a = 3;
            final int b = f(a);
            a += b;
            return a + f(a);
        });
        m.put("longLocal", () -> {
            long l = 1L << 40;
            l += fl(7);
            return l + fl(l);
        });
        m.put("doubleLocal", () -> {
            double d = 2.5;
            d *= fd(d);
            return d + fd(10.0);
        });
        m.put("floatLocal", () -> {
            float x = 1.25f;
            x += ff(x);
            return x;
        });
        m.put("shortByteCharBoolean", () -> {
            short s = 300;
            byte b = -5;
            char c = 'q';
            boolean z = true;
            final int r = f(s) + f(b) + f(c);
            s += 1;
            b -= 1;
            c++;
            z = fb(z);
            return "" + s + b + c + z + r;
        });
        m.put("valueUnderArgs", () -> 10 + f(1));
        m.put("longUnderArgs", () -> (1L << 33) + fl(2));
        m.put("doubleUnderArgs", () -> 0.5 + fd(3.0) * 2);
        m.put("mixedWideUnderArgs", () -> {
            final long l = 5;
            final double d = 1.5;
            return l + (d + fd(fl(l) + d));
        });
        m.put("arrayStore", () -> {
            final int[] a = new int[3];
            final int i = 1;
            a[i] = f(4);
            a[f(0)] = f(a[1]);
            return Arrays.toString(a);
        });
        m.put("nestedCalls", () -> f(f(f(1))));
        m.put("nestedMixed", () -> fs(fs("x") + f(f(2))) + fl(fl(3)));
        m.put("stringConcatIndy", () -> "a" + f(1) + "b" + fl(2) + 'c' + fd(1.0) + fs("z") + true);
        m.put("newWithSuspendingArgs", () -> new Types.Pair(f(1), fs("two")).toString());
        m.put("nestedNews", () -> new Types.Pair(new Types.Pair(f(1), f(2)), new Types.Pair(fs("q"), null)).toString());
        m.put("newInArrayStore", () -> {
            final Object[] a = new Object[2];
            a[f(0)] = new Types.Pair(f(5), f(6));
            return Arrays.toString(a);
        });
        m.put("newWithTernaryArg", () -> new Types.Pair(f(1) > 1 ? fs("big") : fs("small"), f(3)).toString());
        m.put("fieldCompound", () -> {
            final Types.Box b = new Types.Box();
            b.i += f(2);
            b.l += fl(3);
            b.d -= fd(4);
            return b.i + ":" + b.l + ":" + b.d;
        });
        m.put("arrayCompoundInt", () -> {
            final int[] a = {1, 2, 3};
            a[f(0)] += f(10);
            return Arrays.toString(a);
        });
        m.put("arrayCompoundLongDup2X2", () -> {
            final long[] a = {1, 2, 3};
            final long old = a[2]++;
            a[1] += fl(10);
            final long x = a[0] += fl(1);
            return Arrays.toString(a) + old + x;
        });
        // chained assignments: javac duplicates the call's result under the values below it
        m.put("chainedAssignDupX1", () -> {
            final Types.Box b = new Types.Box();
            final int[] a = new int[2];
            a[1] = b.i = f(4); // dup_x1 (int under an object)
            return a[1] + ":" + b.i;
        });
        m.put("chainedAssignDupX2", () -> {
            final int[] a = new int[3];
            final int[] c = new int[3];
            a[2] = c[1] = f(6); // dup_x2 (int under array and index)
            return a[2] + ":" + c[1];
        });
        m.put("chainedAssignDup2X1", () -> {
            final Types.Box b = new Types.Box();
            final long[] a = new long[2];
            a[0] = b.l = fl(5); // dup2_x1 (long under an object)
            return a[0] + ":" + b.l;
        });
        m.put("chainedAssignDup2X2", () -> {
            final long[] a = new long[2];
            final double[] d = new double[2];
            a[1] = (long) (d[0] = fd(9)); // dup2_x2 (double under array and index)
            final long[] c = new long[2];
            c[0] = a[0] = fl(7); // dup2_x2 (long under array and index)
            return a[1] + ":" + d[0] + ":" + c[0] + ":" + a[0];
        });
        m.put("arrayCompoundDouble", () -> {
            final double[] a = {1.5, 2.5};
            final double x = a[f(0) - 1] *= fd(8);
            return Arrays.toString(a) + x;
        });
        m.put("staticFieldCompound", () -> {
            Types.counter = 0;
            Types.counter += fl(4);
            final long y = Types.counter++ + fl(1);
            return Types.counter + y;
        });
        m.put("postfixIntoArg", () -> {
            int i = 0;
            final int a = f(i++) + f(i++) + f(++i);
            return a * 100 + i;
        });
        m.put("tryCatchAroundSuspend", () -> {
            try
            {
                return boom(f(0));
            }
            catch (final IllegalStateException e)
            {
                return e.getMessage() + f(9);
            }
        });
        m.put("suspendInCatch", () -> {
            int r = 0;
            try
            {
                boom(1);
            }
            catch (final RuntimeException e)
            {
                r = f(20) + e.getMessage().length();
            }
            return r;
        });
        m.put("suspendInFinally", () -> {
            final StringBuilder sb = new StringBuilder();
            try
            {
                sb.append(f(1));
                return sb.append(fs("ret")).toString();
            }
            finally
            {
                sb.append(f(2));
                Effects.hit("finally " + sb);
            }
        });
        m.put("finallyAfterThrow", () -> {
            int x = 0;
            try
            {
                try
                {
                    x = f(1);
                    boom(x);
                }
                finally
                {
                    x += f(100);
                }
            }
            catch (final IllegalStateException e)
            {
                x += f(1000);
            }
            return x;
        });
        m.put("exceptionAfterResume", () -> {
            try
            {
                final int a = f(1);
                final int b = f(a);
                return boom(b);
            }
            catch (final IllegalStateException e)
            {
                return "caught " + e.getMessage();
            }
        });
        m.put("exceptionPropagatesThroughFrames", () -> {
            try
            {
                return thrower(3);
            }
            catch (final IllegalStateException e)
            {
                return "propagated " + e.getMessage();
            }
        });
        m.put("tryWithResources", Shapes::tryWithResources);
        m.put("nestedTryInLoop", () -> {
            int sum = 0;
            for (int i = 0; i < 6; i++)
            {
                try
                {
                    if (i % 2 == 0)
                    {
                        boom(i);
                    }
                    sum += f(i);
                }
                catch (final IllegalStateException e)
                {
                    sum += f(100);
                    continue;
                }
                finally
                {
                    sum += 1000;
                }
            }
            return sum;
        });
        m.put("recursion5000", () -> recurse(5000));
        m.put("fibonacci", () -> fib(12));
        m.put("mutualRecursion", () -> isEven(20) + "/" + isOdd(7));
        m.put("switchInt", () -> {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 5; i++)
            {
                switch (f(i) % 4)
                {
                    case 0:
                        sb.append(fs("zero"));
                        break;
                    case 1:
                        sb.append(f(100));
                        // fall through
                    case 2:
                        sb.append(fl(7));
                        break;
                    default:
                        sb.append('-');
                }
            }
            return sb.toString();
        });
        m.put("switchString", () -> {
            String out = "";
            for (final String s : new String[] {"a", "bb", "ccc", "a!"})
            {
                switch (fs(s))
                {
                    case "a!":
                        out += f(1);
                        break;
                    case "bb!":
                        out += fs("B");
                        break;
                    default:
                        out += "?";
                }
            }
            return out;
        });
        m.put("switchEnum", () -> {
            int s = 0;
            for (final Types.Color c : Types.Color.values())
            {
                switch (c)
                {
                    case RED:
                        s += f(1);
                        break;
                    case GREEN:
                        s += f(2) * 10;
                        break;
                    default:
                        s += c.code() * 100;
                }
            }
            return s;
        });
        m.put("switchExpression", () -> {
            int total = 0;
            for (int i = 0; i < 4; i++)
            {
                final int k = i;
                total += switch (k)
                {
                    case 0 -> f(1);
                    case 1 -> {
                        final int t = f(2);
                        yield t * 3;
                    }
                    default -> f(k) + f(k);
                };
            }
            return total;
        });
        m.put("staticMethod", () -> sumAll(1, 2, 3));
        m.put("privateInstanceMethod", () -> new Shapes().privateInstance(4));
        m.put("innerClassMethod", () -> new Shapes().new Inner().get(2));
        m.put("recordMethod", () -> new Types.Point(3, 4).sum());
        m.put("enumMethod", () -> Types.Color.BLUE.code() + Types.Color.RED.code());
        m.put("interfaceDefault", () -> new Types.English().greet());
        m.put("interfaceStatic", () -> Types.Greeter.twice(new Types.English()));
        m.put("lambdaImplementsInterface", () -> {
            final Types.Greeter g = () -> fs("lambda");
            return g.greet();
        });
        m.put("bridgeMethod", () -> {
            final Types.Body<String> b = new Types.Length();
            return b.apply("four");
        });
        m.put("abstractTemplate", () -> new Types.Derived().template(3));
        m.put("superCall", () -> new Types.Derived().over(5));
        m.put("anonymousClass", () -> {
            final Shape s = new Shape()
            {
                @Override
                public Object run()
                {
                    return f(41);
                }
            };
            return s.run();
        });
        m.put("capturingLambda", () -> {
            final int base = f(10);
            final long wide = fl(2);
            final IntFn fn = x -> f(x) + base + (int) wide;
            return fn.apply(5) + fn.apply(6);
        });
        m.put("nestedLambdas", () -> {
            final IntFn outer = x -> {
                final IntFn inner = y -> f(y * 2);
                return inner.apply(x) + f(x);
            };
            return outer.apply(3);
        });
        m.put("methodReferenceStatic", () -> {
            final IntFn fn = Effects::f;
            return fn.apply(8) + fn.apply(fn.apply(1));
        });
        m.put("methodReferenceBound", () -> {
            final Types.Point p = new Types.Point(1, 2);
            final Shape s = p::sum;
            return s.run();
        });
        m.put("varargs", () -> sumAll() + sumAll(f(1)) + sumAll(f(1), f(2), f(3)));
        m.put("loopAccumulate", () -> {
            long acc = 0;
            for (int i = 0; i < 200; i++)
            {
                acc += f(i) * (long) i;
            }
            return acc;
        });
        m.put("whileBreakContinue", () -> {
            int i = 0;
            int s = 0;
            while (true)
            {
                i = f(i);
                if (i % 3 == 0)
                {
                    continue;
                }
                if (i > 20)
                {
                    break;
                }
                s += i;
            }
            return s;
        });
        m.put("doWhile", () -> {
            int n = 0;
            do
            {
                n = f(n);
            }
            while (n < 7);
            return n;
        });
        m.put("labeledBreak", () -> {
            int hits = 0;
            outer:
            for (int i = 0; i < 5; i++)
            {
                for (int j = 0; j < 5; j++)
                {
                    if (f(i * j) > 7)
                    {
                        break outer;
                    }
                    hits++;
                }
            }
            return hits;
        });
        m.put("conditionalAnd", () -> (fb(false) && fb(true)) + "," + (fb(true) || fb(false)));
        m.put("ternaryTypeMerge", () -> {
            final Object o = f(1) > 1 ? (Object) fs("s") : Integer.valueOf(f(3));
            final CharSequence cs = f(0) == 1 ? new StringBuilder("sb") : fs("str");
            return o + "|" + cs + f(2);
        });
        m.put("nullLocal", () -> {
            String s = null;
            final int x = f(1);
            if (x > 5)
            {
                s = "never";
            }
            return s + x;
        });
        m.put("interfaceTypedLocal", () -> {
            final List<Object> list = f(1) > 0 ? new ArrayList<>() : java.util.Collections.emptyList();
            list.add(fo("x"));
            list.add(f(5));
            return list.toString();
        });
        m.put("castAfterSuspend", () -> ((String) fo("cast")).length() + f(1));
        m.put("identityAcrossSuspend", () -> {
            final Object o = new StringBuilder("unique");
            final Object same = fo(o);
            return (o == same) + "" + f(0);
        });
        m.put("multiDimArray", () -> {
            final int[][] grid = new int[f(1)][f(2)];
            grid[1][2] = f(9);
            final long[][] lg = {{fl(1)}, {fl(2), fl(3)}};
            return Arrays.deepToString(grid) + Arrays.deepToString(lg);
        });
        m.put("arrayFromSuspend", () -> {
            final int[] a = arr(f(2));
            a[0] = f(a.length);
            return Arrays.toString(a);
        });
        m.put("instanceofPattern", () -> {
            final Object o = fo("pattern");
            if (o instanceof String s && s.length() > f(1))
            {
                return fs(s);
            }
            return "no";
        });
        m.put("charShortArithmetic", () -> {
            char c = 'a';
            c += (char) f(1);
            short s = (short) f(1000);
            s *= 2;
            byte b = (byte) f(126);
            return "" + c + s + b;
        });
        m.put("builderChain", () -> new StringBuilder().append(f(1)).append(fs("x")).append(fl(2))
            .append(fd(3.0)).append(fb(true)).toString());
        m.put("mathWithSuspendArgs", () -> Math.max(f(1), f(5)) + Math.abs(fl(-3)) + Math.min(fd(1), fd(2)));
        m.put("fieldChain", () -> {
            final Types.Box b = new Types.Box();
            b.next = new Types.Box();
            b.next.next = new Types.Box();
            b.next.next.i = f(4);
            b.next.l = fl(b.next.next.i);
            return b.next.next.i + b.next.l;
        });
        m.put("listOfSuspended", () -> {
            final Types.Box b = new Types.Box();
            for (int i = 0; i < 5; i++)
            {
                b.list.add(f(i));
            }
            return b.list;
        });
        m.put("synchronizedBlockPins", () -> sync(new Object()) + syncMethod(3));
        m.put("constructorCallsSuspendable", () -> new Types.Pair("a", "b").toString());
        m.put("voidCalls", () -> {
            v();
            v();
            return Effects.count;
        });
        m.put("manyLocals", () -> {
            final int a = f(1);
            final long b = fl(2);
            final double c = fd(3);
            final float d = ff(4);
            final String e = fs("5");
            final boolean g = fb(false);
            final Object h = fo(null);
            final int[] i = arr(2);
            final char j = (char) f(64);
            return "" + a + b + c + d + e + g + h + i.length + j;
        });
        m.put("deepExpressionStack", () -> 1 + (2 * (3 + (4 * (5 + f(6))))) + (fl(1) - (fl(2) * (fd(3) + 1))));
        m.put("genericMethod", () -> identity(fs("gen")) + identity(f(1)));
        // frames entered from code that was not rewritten: they must pin, never unwind through it
        m.put("methodRefToPlainStatic", () -> {
            final Shape s = Shapes::plainCompute;
            return s.run() + "/" + f(1);
        });
        m.put("methodRefToPlainInstance", () -> {
            final Types.Box box = new Types.Box();
            final Shape s = box.list::toString;
            box.list.add(f(2));
            return s.run();
        });
        m.put("methodRefToPlainCallingSuspendable", () -> {
            final Shapes self = new Shapes();
            final Shape s = self::plainInstance;
            return s.run();
        });
        m.put("constructorReference", () -> {
            final Maker maker = Types.Pair::new;
            return maker.make(fs("left"), f(2)).toString();
        });
        m.put("reflectionCall", () -> {
            final java.lang.reflect.Method r = Shapes.class.getDeclaredMethod("recurse", int.class);
            return r.invoke(null, 3) + "/" + f(5);
        });
        m.put("jdkCallback", () -> {
            final List<Object> acc = new ArrayList<>();
            List.of(1, 2, 3).forEach(i -> acc.add(f(i)));
            return acc + "/" + f(9);
        });
        // tokens left behind by a call that never reached its callee must not be taken by anyone
        m.put("staleTokenAfterNullReceiver", () -> {
            final Types.Greeter g = null;
            try
            {
                g.greet();
            }
            catch (final NullPointerException e)
            {
                Effects.hit("npe");
            }
            return plainOne() + "/" + f(1);
        });
        m.put("staleTokenThenJdkCallback", () -> {
            final Types.Greeter g = null;
            final List<Object> acc = new ArrayList<>();
            try
            {
                g.greet();
            }
            catch (final NullPointerException e)
            {
                List.of(1, 2).forEach(i -> acc.add(f(i)));
            }
            return acc + "/" + f(2);
        });
        m.put("classInitCallsSuspendable", () -> Lazy.get());
        m.put("methodRefMadeInClassWithoutLambdas", () -> RefMaker.make().run() + "/" + f(1));
        m.put("liveValueOfInaccessibleType", () -> {
            final Object o = io.goroutines.corpus.hidden.Factory.make();
            return f(1) + "/" + o;
        });
        m.put("streamCallback", () -> List.of(4, 5, 6).stream().map(i -> f(i) * 2).reduce(0, Integer::sum) + f(0));
        return m;
    }

    /** A suspendable factory: constructor references implement it. */
    @FunctionalInterface
    public interface Maker
    {
        @Goroutine
        Object make(Object a, Object b);
    }

    /** Plain, logs its entry, then calls a suspendable method (pins when reached from a goroutine). */
    static Object plainOne()
    {
        Effects.hit("plainOne entered");
        return f(3) * 100;
    }

    /** A class whose static initialiser calls a suspendable method: it runs between arming and entry. */
    static final class Lazy
    {
        static final int X = f(5) * 10;

        @Goroutine
        static int get()
        {
            return X + f(1);
        }
    }

    /** Makes a method reference to plain code, but has no lambda body and no @Goroutine method. */
    static final class RefMaker
    {
        static Shape make()
        {
            return Shapes::plainCompute;
        }
    }

    /** Not suspendable, but calls suspendable methods: called from a goroutine they pin. */
    static Object plainCompute()
    {
        return f(3) + f(4);
    }

    /** Not suspendable instance method calling suspendable ones. */
    Object plainInstance()
    {
        return f(factor) * 10 + f(1);
    }

    @Goroutine
    static <T> T identity(final T t)
    {
        Effects.hit("id" + t);
        return t;
    }

    @Goroutine
    static int thrower(final int depth)
    {
        if (depth == 0)
        {
            return boom(f(0));
        }
        return thrower(depth - 1) + f(depth);
    }
}
