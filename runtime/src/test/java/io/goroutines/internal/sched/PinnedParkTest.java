package io.goroutines.internal.sched;

import io.goroutines.Chan;
import io.goroutines.Task;
import io.goroutines.internal.diag.Pinning;
import io.goroutines.internal.stack.MethodRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static io.goroutines.internal.sched.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pinned path with the agent's view of the code simulated: the methods of {@link Shapes} are
 * registered in {@link MethodRegistry} by hand, as the agent registers what it rewrites, and the
 * goroutines are spawned with an armed root that drops its token ({@code G.consume()}), so that their
 * parks pin exactly where rewritten code would. Each test uses shapes of its own: reports are once
 * per site for the life of the JVM.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PinnedParkTest
{
    /** Every line a suspension point: a registered method whose calls are all armed. */
    private static final int[] EVERY_LINE = IntStream.rangeClosed(1, 10_000).toArray();
    /** A line no call is on: a registered method whose calls are never armed. */
    private static final int[] NO_CALL_LINE = {1};
    private static final String SHAPES = "io/goroutines/internal/sched/PinnedParkTest$Shapes";
    private static final String SHAPES_NAME = "io.goroutines.internal.sched.PinnedParkTest$Shapes";

    private final List<String> reports = new CopyOnWriteArrayList<>();
    private Consumer<String> previousSink;
    private Pinning.Mode previousMode;

    @BeforeAll
    static void register()
    {
        TestSupport.recordPanics();
        for (final Method m : Shapes.class.getDeclaredMethods())
        {
            if (m.getName().startsWith("entered"))
            {
                MethodRegistry.register(SHAPES, m.getName(), "()V", "PinnedParkTest.java", EVERY_LINE);
            }
        }
        MethodRegistry.register(SHAPES, "syncBlockCaller", "()V", "PinnedParkTest.java", NO_CALL_LINE);
        MethodRegistry.register(SHAPES, "syncMethodCaller", "()V", "PinnedParkTest.java", new int[0]);
        MethodRegistry.register(SHAPES, "constructorArgsCaller", "()V", "PinnedParkTest.java", NO_CALL_LINE);
        MethodRegistry.register(SHAPES, "interfaceCaller", "()V", "PinnedParkTest.java", NO_CALL_LINE);
        MethodRegistry.register(SHAPES + "$Impl", "work", "()V", "PinnedParkTest.java", EVERY_LINE);
    }

    @BeforeEach
    void captureReports()
    {
        previousSink = Pinning.sink(reports::add);
        previousMode = Pinning.mode(Pinning.Mode.WARN);
    }

    @AfterEach
    void restore()
    {
        Pinning.sink(previousSink);
        Pinning.mode(previousMode);
        Pinning.walkBudget(Pinning.DEFAULT_WALK_BURST, Pinning.DEFAULT_WALK_EARN_NS);
        TestSupport.assertNoPanics();
    }

    @Test
    void shouldReportUninstrumentedCallerOnceForManyParks()
    {
        for (int i = 0; i < 3; i++)
        {
            runPinned(Shapes::plainCaller);
        }
        assertEquals(1, reports.size(), reports.toString());
        final String report = reports.get(0);
        assertTrue(report.startsWith("goroutines: pinning (uninstrumented caller): " + SHAPES_NAME + ".plainCaller(" +
            "PinnedParkTest.java:"), report);
        assertTrue(report.contains("), which is not rewritten, calls @Goroutine " + SHAPES_NAME + ".entered(" +
            "PinnedParkTest.java:"), report);
        assertTrue(report.endsWith(", so its goroutine blocks its carrier thread when it parks; annotate " +
            SHAPES_NAME + ".plainCaller @Goroutine (and the interface method it implements, if any)"), report);
    }

    @Test
    void shouldReportEachCallSiteOfOneMethodSeparately()
    {
        for (int i = 0; i < 2; i++)
        {
            final int before = Shapes.between.get();
            final G g = spawnArmed(Shapes::twoSites);
            await(() -> G.PINNED == g.state(), "the first park");
            Sched.unpark(g);
            await(() -> before + 1 == Shapes.between.get() && G.PINNED == g.state(), "the second park");
            Sched.unpark(g);
            await(() -> G.DEAD == g.state(), "the goroutine to end");
        }
        assertEquals(2, reports.size(), reports.toString());
        assertFalse(reports.get(0).equals(reports.get(1)), "two lines, two reports");
    }

    @Test
    void shouldReportMonitorHeldInSynchronizedBlock()
    {
        runPinned(Shapes::syncBlockCaller);
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).startsWith("goroutines: pinning (monitor held): " + SHAPES_NAME +
            ".syncBlockCaller(PinnedParkTest.java:"), reports.get(0));
        assertTrue(reports.get(0).contains(" calls @Goroutine " + SHAPES_NAME + ".enteredAgain(PinnedParkTest.java:"),
            reports.get(0));
        assertTrue(reports.get(0).contains(") inside a synchronized block, so its goroutine blocks its carrier" +
            " thread when it parks; move the blocking call out of the synchronized block"), reports.get(0));
    }

    @Test
    void shouldReportMonitorHeldInSynchronizedMethod()
    {
        runPinned(Shapes::syncMethodCaller);
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).startsWith("goroutines: pinning (monitor held): synchronized method " + SHAPES_NAME +
            ".syncMethodCaller(PinnedParkTest.java:"), reports.get(0));
        assertTrue(reports.get(0).contains("move the blocking call out of the synchronized method"), reports.get(0));
    }

    @Test
    void shouldReportConstructor()
    {
        runPinned(() -> new Shapes());
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).startsWith("goroutines: pinning (constructor): constructor " + SHAPES_NAME +
            ".<init>(PinnedParkTest.java:"), reports.get(0));
        assertTrue(reports.get(0).contains("constructors are never rewritten"), reports.get(0));
    }

    @Test
    void shouldReportConstructorArgumentsWhenNoOtherReasonApplies()
    {
        runPinned(Shapes::constructorArgsCaller);
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).startsWith("goroutines: pinning (constructor): " + SHAPES_NAME +
            ".constructorArgsCaller(PinnedParkTest.java:"), reports.get(0));
        assertTrue(reports.get(0).contains(" in the arguments of a constructor call, "), reports.get(0));
    }

    @Test
    void shouldNamePlainInterfaceMethod()
    {
        runPinned(Shapes::interfaceCaller);
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).contains(" calls @Goroutine " + SHAPES_NAME + "$Impl.work(PinnedParkTest.java:"),
            reports.get(0));
        assertTrue(reports.get(0).contains(" through " + SHAPES_NAME + "$Worker.work, which is not @Goroutine"),
            reports.get(0));
        assertTrue(reports.get(0).endsWith("; annotate the interface method " + SHAPES_NAME +
            "$Worker.work @Goroutine"), reports.get(0));
    }

    @Test
    void shouldRationWalksYetReportASiteThatKeepsPinning()
    {
        Pinning.walkBudget(0, TimeUnit.HOURS.toNanos(1)); // one walk, then none for an hour
        runPinned(Shapes::rationedFirst);
        runPinned(Shapes::rationedSecond);
        assertEquals(1, reports.size(), "the second site's walk is not in the budget: " + reports);
        assertTrue(reports.get(0).contains(".rationedFirst("), reports.get(0));

        Pinning.walkBudget(0, TimeUnit.MILLISECONDS.toNanos(1)); // one walk per millisecond
        final G g = spawnArmed(() ->
        {
            final G self = G.current();
            while (reports.size() < 2)
            {
                Sched.unpark(self); // the park returns at once, but still shows the site to Pinning
                Shapes.rationedSecond();
            }
        });
        await(() -> G.DEAD == g.state(), "the second site to be reported while it keeps pinning");
        assertEquals(2, reports.size(), reports.toString());
        assertTrue(reports.get(1).contains(".rationedSecond("), reports.get(1));
    }

    @Test
    void shouldStaySilentWhenOff()
    {
        Pinning.mode(Pinning.Mode.OFF);
        runPinned(Shapes::plainCallerOff);
        assertEquals(List.of(), reports);
    }

    @Test
    void shouldNotReportWithoutTheAgent()
    {
        final G g = Sched.get().spawn(Shapes::plainCallerUnarmed, false);
        await(() -> G.PINNED == g.state(), "the goroutine to pin");
        Sched.unpark(g);
        await(() -> G.DEAD == g.state(), "the goroutine to end");
        assertEquals(List.of(), reports, "every park pins without the agent: nothing to report");
    }

    @Test
    void shouldThrowTheReportWhenFail()
    {
        runPinned(Shapes::plainCallerFail);
        final List<String> warned = List.copyOf(reports);
        Pinning.mode(Pinning.Mode.FAIL);
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final G g = spawnArmed(() ->
        {
            try
            {
                Shapes.plainCallerFail();
            }
            catch (final IllegalStateException ex)
            {
                thrown.set(ex);
            }
        });
        await(() -> G.DEAD == g.state(), "the goroutine to end without blocking");
        assertEquals(1, warned.size());
        assertEquals(warned.get(0), thrown.get().getMessage(), "the same text as the report");
        assertNull(g.waitReason);
    }

    @Test
    void shouldLeaveNoWaiterBehindWhenTheParkThrows()
    {
        Pinning.mode(Pinning.Mode.FAIL);
        final Chan<Integer> ch = Chan.make();
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final G g = spawnArmed(() ->
        {
            try
            {
                ch.recv();
            }
            catch (final IllegalStateException ex)
            {
                thrown.set(ex);
            }
        });
        await(() -> G.DEAD == g.state(), "the goroutine to end without blocking");
        assertTrue(thrown.get().getMessage().startsWith("goroutines: pinning ("), thrown.get().getMessage());
        assertFalse(ch.trySend(1), "a receiver was left queued after its park threw");
        assertEquals(0, ch.len());
    }

    /** Runs {@code body} in an armed goroutine, waits until it pins, wakes it and waits for its end. */
    private static void runPinned(final Runnable body)
    {
        final G g = spawnArmed(body::run);
        await(() -> G.PINNED == g.state() || G.DEAD == g.state(), "the goroutine to pin");
        assertEquals(G.PINNED, g.state(), "the park pinned");
        Sched.unpark(g);
        await(() -> G.DEAD == g.state(), "the goroutine to end");
    }

    /**
     * Spawns a goroutine whose root is entered with the token, as with the agent; the root (not
     * rewritten here) drops it at once, as rewritten code takes it.
     */
    private static G spawnArmed(final Task body)
    {
        return Sched.get().spawn(() ->
        {
            G.consume(Tokens.RUN);
            body.run();
        }, true);
    }

    /** Call shapes; see the registrations in {@link #register()}. */
    static final class Shapes
    {
        /** Guards the synchronized block. */
        private static final Object LOCK = new Object();
        /** Times {@link #twoSites()} got past its first park. */
        static final AtomicInteger between = new AtomicInteger();

        /** A constructor: never rewritten, never registered. */
        Shapes()
        {
            enteredFourth();
        }

        /** A plain interface method. */
        interface Worker
        {
            void work();
        }

        /** Registered implementation of the plain interface method. */
        static final class Impl implements Worker
        {
            @Override
            public void work()
            {
                Suspend.park();
            }
        }

        /** Not registered: not rewritten. */
        static void plainCaller()
        {
            entered();
        }

        /** Not registered: not rewritten. */
        static void plainCallerOff()
        {
            enteredFifth();
        }

        /** Not registered: not rewritten. */
        static void plainCallerFail()
        {
            enteredFail();
        }

        /** Not registered: not rewritten, run without the agent. */
        static void plainCallerUnarmed()
        {
            enteredSixth();
        }

        /** Not registered: not rewritten. */
        static void rationedFirst()
        {
            enteredSeventh();
        }

        /** Not registered: not rewritten. */
        static void rationedSecond()
        {
            enteredEighth();
        }

        /** Not registered: two call sites of one method. */
        static void twoSites()
        {
            enteredThird();
            between.incrementAndGet();
            enteredThird();
        }

        static void syncBlockCaller()
        {
            synchronized (LOCK)
            {
                enteredAgain();
            }
        }

        static synchronized void syncMethodCaller()
        {
            enteredAgain();
        }

        static void constructorArgsCaller()
        {
            enteredAgain();
        }

        static void interfaceCaller()
        {
            final Worker worker = new Impl();
            worker.work();
        }

        static void entered()
        {
            Suspend.park();
        }

        static void enteredAgain()
        {
            Suspend.park();
        }

        static void enteredThird()
        {
            Suspend.park();
        }

        static void enteredFourth()
        {
            Suspend.park();
        }

        static void enteredFifth()
        {
            Suspend.park();
        }

        static void enteredFail()
        {
            Suspend.park();
        }

        static void enteredSixth()
        {
            Suspend.park();
        }

        static void enteredSeventh()
        {
            Suspend.park();
        }

        static void enteredEighth()
        {
            Suspend.park();
        }
    }
}
