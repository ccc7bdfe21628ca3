package io.goroutines.it.apps.semantics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.goroutines.Go;
import io.goroutines.Task;
import io.goroutines.annotation.Goroutine;

/**
 * The items of GO-SEMANTICS.md (and stress programs after Go's test/chan) as checks run under the
 * agent: each prints {@code PASS itemNN name} (or {@code PASS stress name}),
 * {@code FAIL itemNN name: why} or {@code SKIP itemNN name: why} (for items that cannot apply to Java,
 * with the reason). {@code SemanticsIT} turns every line into a test of its own.
 */
public final class Checklist
{
    /** How long an operation that must block is watched before it counts as blocked. */
    static final Duration BLOCK_WATCH = Duration.ofMillis(30);

    /** The number of a stress program, which is no item. */
    private static final int STRESS = -1;

    /** One check. */
    private record Item(int number, String name, Task body, String skipReason)
    {
    }

    /** Checks in the order registered. */
    private final List<Item> items = new ArrayList<>();

    /**
     * Registers a check.
     *
     * @param number the item's number in GO-SEMANTICS.md
     * @param name   what it checks
     * @param body   throws (an AssertionError from {@link #check}) when the item does not hold
     */
    public void item(final int number, final String name, final Task body)
    {
        items.add(new Item(number, name, body, null));
    }

    /**
     * Registers a stress program (after Go's test/chan), labelled {@code stress NAME}.
     *
     * @param name what it runs
     * @param body throws when a count or sum is wrong
     */
    public void stress(final String name, final Task body)
    {
        items.add(new Item(STRESS, name, body, null));
    }

    /**
     * Registers an item that cannot apply to Java, with the reason.
     *
     * @param number the item's number
     * @param name   what it is about
     * @param reason why it does not apply
     */
    public void notApplicable(final int number, final String name, final String reason)
    {
        items.add(new Item(number, name, null, reason));
    }

    /**
     * Runs the checks whose label starts with {@code prefix} ("" for all), one after the other in
     * the calling goroutine, and prints one line each.
     */
    @Goroutine
    public void run(final String prefix)
    {
        for (final Item item : items)
        {
            final String label = STRESS == item.number() ? "stress " + item.name() :
                String.format("item%03d %s", item.number(), item.name());
            if (!label.startsWith(prefix))
            {
                continue;
            }
            if (null != item.skipReason())
            {
                System.out.println("SKIP " + label + ": " + item.skipReason());
                continue;
            }
            System.out.println("RUN  " + label); // names the check that hangs, if one does
            try
            {
                item.body().run();
                System.out.println("PASS " + label);
            }
            catch (final Throwable t)
            {
                System.out.println("FAIL " + label + ": " + t);
            }
        }
    }

    /**
     * Fails the current check unless {@code condition}.
     *
     * @param what what should hold, for the message
     */
    public static void check(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }

    /** Fails unless {@code expected.equals(actual)}. */
    public static void checkEquals(final Object expected, final Object actual, final String what)
    {
        if (null == expected ? null != actual : !expected.equals(actual))
        {
            throw new AssertionError(what + ": expected " + expected + ", got " + actual);
        }
    }

    /**
     * Fails unless {@code body} throws {@code type}; returns it.
     */
    @Goroutine
    public static <X extends Throwable> X checkThrows(final Class<X> type, final Task body)
    {
        try
        {
            body.run();
        }
        catch (final Throwable t)
        {
            if (type.isInstance(t))
            {
                return type.cast(t);
            }
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + t, t);
        }
        throw new AssertionError("expected " + type.getSimpleName() + ", nothing was thrown");
    }

    /**
     * Starts {@code body} in a goroutine and checks that it has not finished after
     * {@link #BLOCK_WATCH} ("blocks" as Go's tests check it).
     *
     * @return the flag the goroutine sets when {@code body} returns or throws
     */
    @Goroutine
    public static AtomicBoolean checkBlocks(final Task body, final String what)
    {
        final AtomicBoolean finished = new AtomicBoolean();
        Go.go(() ->
        {
            try
            {
                body.run();
            }
            finally
            {
                finished.set(true);
            }
        });
        Go.sleep(BLOCK_WATCH);
        check(!finished.get(), what + " should block");
        return finished;
    }

    /** Waits (yielding, sleeping 1 ms between looks) until {@code flag} is set; fails after 10 s. */
    @Goroutine
    public static void awaitFlag(final AtomicBoolean flag, final String what)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!flag.get())
        {
            check(System.nanoTime() - deadline < 0, what + " within 10 s");
            Go.sleep(Duration.ofMillis(1));
        }
    }
}
