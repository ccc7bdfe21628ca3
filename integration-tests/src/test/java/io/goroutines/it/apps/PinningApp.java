package io.goroutines.it.apps;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.G;

/**
 * Goroutines that park where they cannot unwind, so that they block their carrier ("pin"): through
 * {@code List.forEach} (a plain lambda, a method reference), inside {@code synchronized} (block,
 * method), through reflection, in a constructor and in a constructor call's arguments, through a
 * plain interface or functional interface, from a plain method. Each site runs {@link #ROUNDS} times
 * in a goroutine of its own, which receives a value over an unbuffered channel.
 *
 * <p>Each round is deterministic: the sender waits until the site's goroutine is parked in a pinned
 * park (the runtime's goroutine state says {@code PINNED}), so every round really pins and none
 * takes a sender that was already waiting. With {@code fail} as argument
 * ({@code pinning=fail}) the park throws instead: the site's goroutine reports the message on stdout,
 * and the program checks that the receive left no waiter behind (a {@code trySend} finds no receiver).
 *
 * <p>The lines the report must name carry a {@code site:NAME} comment, which PinningIT looks up.
 */
public final class PinningApp
{
    /** Rounds per site: the report must appear once per site, not once per round. */
    public static final int ROUNDS = 3;
    /** Printed last by main. */
    public static final String DONE = "done";
    /** Sites in the order they run. */
    public static final List<String> SITES = List.of("forEachLambda", "forEachMethodRef", "syncBlock", "syncMethod",
        "reflection", "constructor", "constructorArgs", "plainInterface", "plainMethod", "plainLambda",
        "plainMethodRef");

    /** Counted before each blocking receive. */
    private static final AtomicInteger BEFORE = new AtomicInteger();
    /** Counted after each blocking receive returned. */
    private static final AtomicInteger AFTER = new AtomicInteger();
    /** What {@link #takeInto(Chan)} received last. */
    private static final AtomicInteger LAST = new AtomicInteger();
    /** Guards {@link #syncBlock(Chan)}. */
    private static final Object LOCK = new Object();
    /** {@link #take(Chan)}, called reflectively. */
    private static final Method TAKE;

    static
    {
        try
        {
            TAKE = PinningApp.class.getDeclaredMethod("take", Chan.class);
        }
        catch (final NoSuchMethodException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** A site: receives one value from {@code in} in some pinning way. */
    @FunctionalInterface
    interface Site
    {
        /**
         * @param in where the value comes from
         * @return the value received
         * @throws Exception reflection's checked exceptions
         */
        @Goroutine
        int run(Chan<Integer> in) throws Exception;
    }

    /** An interface whose method is not {@code @Goroutine}: calls through it are plain. */
    interface Worker
    {
        /** @return a value received */
        int work();
    }

    /** Implements the plain interface with a {@code @Goroutine} method. */
    static final class RecvWorker implements Worker
    {
        private final Chan<Integer> in;

        RecvWorker(final Chan<Integer> in)
        {
            this.in = in;
        }

        @Goroutine
        @Override
        public int work()
        {
            return received(in.recv()); // site:plainInterface.entered
        }
    }

    /** Receives in its constructor, which the agent never rewrites. */
    static final class Holder
    {
        final int value;

        Holder(final Chan<Integer> in)
        {
            value = received(in.recv()); // site:constructor
        }
    }

    /** Built around a value received in its constructor's arguments. */
    static final class Box
    {
        final int value;

        Box(final int value)
        {
            this.value = value;
        }
    }

    private PinningApp()
    {
    }

    /**
     * Runs every site {@link #ROUNDS} times and prints the values and counts.
     *
     * @param args {@code fail} when run with {@code pinning=fail}
     */
    @Goroutine
    public static void main(final String[] args) throws Exception
    {
        final boolean fail = args.length > 0 && "fail".equals(args[0]);
        final List<Site> sites = List.of(PinningApp::forEachLambda, PinningApp::forEachMethodRef,
            PinningApp::syncBlock, PinningApp::syncMethod, PinningApp::reflection, PinningApp::constructor,
            PinningApp::constructorArgs, PinningApp::plainInterface, PinningApp::plainMethod, PinningApp::plainLambda,
            PinningApp::plainMethodRef);
        int value = 100;
        for (int round = 0; round < ROUNDS; round++)
        {
            for (int s = 0; s < sites.size(); s++)
            {
                final String name = SITES.get(s);
                final String result = fail ? failing(sites.get(s)) : "got " + pinned(sites.get(s), value);
                System.out.println("round " + round + " " + name + ": " + result +
                    (fail ? "" : " (sent " + value + ")"));
                value++;
            }
        }
        System.out.println("side effects: before=" + BEFORE.get() + " after=" + AFTER.get());
        System.out.println(DONE);
    }

    // ------------------------------------------------------------------------------------------
    // Driving a site.

    /** Runs {@code site} in a goroutine, sends {@code value} once it is pinned, returns what it received. */
    @Goroutine
    static int pinned(final Site site, final int value)
    {
        final Chan<Integer> in = Chan.make();
        final Chan<Integer> out = Chan.make(1);
        final AtomicReference<G> parker = new AtomicReference<>();
        Go.go(() ->
        {
            parker.set(G.current());
            out.send(site.run(in));
        });
        while (!isPinned(parker.get()))
        {
            Go.gosched();
        }
        in.send(value);
        return out.recv();
    }

    /**
     * Runs {@code site} in a goroutine with {@code pinning=fail}: its park throws. Returns the
     * message, after checking that no receiver was left waiting on the channel.
     */
    @Goroutine
    static String failing(final Site site)
    {
        final Chan<Integer> in = Chan.make();
        final Chan<String> out = Chan.make(1);
        Go.go(() ->
        {
            try
            {
                out.send("no exception, received " + site.run(in));
            }
            catch (final Exception ex)
            {
                final Throwable cause = ex instanceof InvocationTargetException ? ex.getCause() : ex;
                out.send(cause.getClass().getName() + ": " + cause.getMessage());
            }
        });
        final String thrown = out.recv();
        return in.trySend(-1) ? "a stale waiter took a value after: " + thrown : thrown;
    }

    /**
     * Whether {@code g} is parked in a pinned park (its receiver is queued by then). The state is
     * the runtime's internal view: the goroutine may have moved to another carrier since it started
     * (a yield inside the site), so its first carrier thread would say nothing.
     */
    static boolean isPinned(final G g)
    {
        return null != g && G.PINNED == g.state();
    }

    /** Counts a receive that returned. */
    static int received(final Integer v)
    {
        AFTER.incrementAndGet();
        return v;
    }

    /** Receives in a {@code @Goroutine} method: pins when called from code that was not rewritten. */
    @Goroutine
    public static int take(final Chan<Integer> in)
    {
        return received(in.recv()); // site:take
    }

    // ------------------------------------------------------------------------------------------
    // The sites. Each counts BEFORE, then receives (counting AFTER).

    @Goroutine
    static int forEachLambda(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        final int[] got = new int[1];
        new ArrayList<>(List.of(in)).forEach((c) -> got[0] = received(c.recv())); // site:forEachLambda
        return got[0];
    }

    @Goroutine
    static int forEachMethodRef(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        new ArrayList<>(List.of(in)).forEach(PinningApp::takeInto); // site:forEachMethodRef
        return LAST.get();
    }

    @Goroutine
    static void takeInto(final Chan<Integer> in)
    {
        LAST.set(received(in.recv())); // site:takeInto
    }

    @Goroutine
    static int syncBlock(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        synchronized (LOCK)
        {
            return received(in.recv()); // site:syncBlock
        }
    }

    @Goroutine
    static synchronized int syncMethod(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        return received(in.recv()); // site:syncMethod
    }

    @Goroutine
    static int reflection(final Chan<Integer> in) throws IllegalAccessException, InvocationTargetException
    {
        BEFORE.incrementAndGet();
        return (Integer)TAKE.invoke(null, in); // site:reflection
    }

    @Goroutine
    static int constructor(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        return new Holder(in).value;
    }

    /**
     * javac evaluates a switch expression with a try block after spilling the operand stack, the
     * uninitialised {@code Box} included, to locals: a shape the agent cannot move the allocation out
     * of, so the receive stays a plain call.
     */
    @Goroutine
    static int constructorArgs(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        Go.gosched(); // a suspension point: the method is rewritten, only the call below stays plain
        final int k = in.cap() + 1;
        return new Box(switch (k)
        {
            case 1 ->
            {
                try
                {
                    yield received(in.recv()); // site:constructorArgs
                }
                catch (final IllegalArgumentException ex)
                {
                    yield -1;
                }
            }
            default -> 0;
        }).value;
    }

    @Goroutine
    static int plainInterface(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        final Worker worker = new RecvWorker(in);
        return worker.work(); // site:plainInterface
    }

    @Goroutine
    static int plainMethod(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        return helper(in);
    }

    /** Not {@code @Goroutine}: its receive is a plain call. */
    static int helper(final Chan<Integer> in)
    {
        return received(in.recv()); // site:plainMethod
    }

    @Goroutine
    static int plainLambda(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        final IntSupplier supplier = () -> received(in.recv()); // site:plainLambda
        return supplier.getAsInt(); // site:plainLambda.caller
    }

    @Goroutine
    static int plainMethodRef(final Chan<Integer> in)
    {
        BEFORE.incrementAndGet();
        final ToIntFunction<Chan<Integer>> f = PinningApp::take;
        return f.applyAsInt(in); // site:plainMethodRef
    }
}
