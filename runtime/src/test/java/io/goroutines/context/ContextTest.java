package io.goroutines.context;

import io.goroutines.internal.sched.NoPanics;
import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cancellation, propagation and values: GO-SEMANTICS items 97-101 and 103-106 (after Go's context_test.go). */
@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContextTest
{
    /** Far enough never to fire during a test. */
    private static final Duration LONG = Duration.ofHours(1);

    @Test
    void shouldNeverCancelBackgroundOrTodo()
    {
        for (final Context c : List.of(Context.background(), Context.todo()))
        {
            assertNotNull(c.done(), "done() is a channel, not null");
            assertSame(c.done(), c.done());
            assertNull(c.done().tryRecv(), "the done channel never closes");
            assertNull(c.err());
            assertEquals(Optional.empty(), c.deadline());
            assertNull(c.value("anything"));
        }
        assertSame(Context.background(), Context.background());
        assertEquals("context.Background", Context.background().toString());
        assertEquals("context.TODO", Context.todo().toString());
    }

    @Test
    void shouldCloseDoneAndReportCanceledOnCancel()
    {
        final Context.Cancelable c = Context.withCancel(Context.background());
        final RecvChan<Void> done = c.done();
        assertNotNull(done);
        assertSame(done, c.done(), "the same channel every time");
        assertFalse(isDone(c));
        assertNull(c.err());
        c.cancel();
        assertTrue(isDone(c), "done is closed when cancel returns");
        assertNull(done.recv(), "a receive on the closed done channel returns at once");
        assertSame(Context.CANCELED, c.err());
        assertEquals("context canceled", c.err().getMessage());
        assertEquals(Optional.empty(), c.deadline());
        assertEquals("context.Background.WithCancel", c.toString());
    }

    @Test
    void shouldCloseDoneAskedForOnlyAfterCancel()
    {
        final Context.Cancelable c = Context.withCancel(Context.background());
        c.cancel();
        assertSame(Context.CANCELED, c.err());
        assertTrue(isDone(c), "a done channel first asked for after the cancel is closed");
    }

    @Test
    void shouldCancelOnCloseAndIgnoreRepeatedCancels()
    {
        final Context.Cancelable outer;
        try (Context.Cancelable c = Context.withCancel(Context.background()))
        {
            outer = c;
            assertNull(c.err());
        }
        assertSame(Context.CANCELED, outer.err());
        outer.cancel();
        outer.close();
        assertSame(Context.CANCELED, outer.err());
    }

    @Test
    void shouldCancelEveryDescendantBeforeCancelReturns()
    {
        // Go's TestWithCancel: also through wrappers of the user's that delegate to ours.
        final Context.Cancelable c1 = Context.withCancel(Context.background());
        final Context o = new DelegatingContext(c1);
        final Context.Cancelable c2 = Context.withCancel(o);
        final Context v = Context.withValue(c2, "k", "v");
        final Context.Cancelable c3 = Context.withTimeout(v, LONG);
        final Context.Cancelable c4 = Context.withCancel(new DelegatingContext(c3));
        final Context.Cancelable sibling = Context.withCancel(c1);
        final List<Context> all = List.of(c1, o, c2, v, c3, c4, sibling);
        for (final Context c : all)
        {
            assertFalse(isDone(c), c + " done too early");
        }
        assertEquals(2, ((CancelContext)c1).children(), "c2 (behind the wrapper) and the sibling registered");
        c1.cancel();
        for (final Context c : all)
        {
            assertTrue(isDone(c), c + " not done when cancel returned");
            assertSame(Context.CANCELED, c.err(), c.toString());
        }
        assertNull(((CancelContext)c3).timer(), "the cancelled descendant's timer is released");
        assertEquals(0, ((CancelContext)c1).children());
    }

    @Test
    void shouldCancelChildrenWhenParentFinishesFirst()
    {
        // Go's TestParentFinishesChild.
        final Context.Cancelable parent = Context.withCancel(Context.background());
        final Context.Cancelable cancelChild = Context.withCancel(parent);
        final Context.Cancelable timerChild = Context.withTimeout(parent, LONG);
        final Context valueChild = Context.withValue(parent, "key", "value");
        final Context.Cancelable timerUnderValue = Context.withTimeout(valueChild, LONG);
        final CancelContext p = (CancelContext)parent;
        assertEquals(3, p.children(), "the child under the value registers with the parent");
        final Context.Cancelable grandchild = Context.withCancel(cancelChild);
        assertEquals(1, ((CancelContext)cancelChild).children());

        parent.cancel();

        for (final Context c : List.of(parent, cancelChild, timerChild, valueChild, timerUnderValue, grandchild))
        {
            assertTrue(isDone(c), c + " not done");
            assertSame(Context.CANCELED, c.err());
        }
        assertEquals(0, p.children());
        assertEquals(0, ((CancelContext)cancelChild).children());
        assertNull(((CancelContext)timerChild).timer());
        assertNull(((CancelContext)timerUnderValue).timer());

        final Context.Cancelable precanceled = Context.withCancel(parent);
        assertTrue(isDone(precanceled), "a child of a cancelled parent is done at once");
        assertSame(Context.CANCELED, precanceled.err());
        assertEquals(0, p.children(), "a child of a done parent is not registered");
    }

    @Test
    void shouldNotCancelParentWhenChildFinishesFirst()
    {
        // Go's TestChildFinishesFirst, for a cancel parent and a timer parent.
        final Context.Cancelable cancelable = Context.withCancel(Context.background());
        for (final Context.Cancelable parent : List.of(cancelable, Context.withTimeout(Context.background(), LONG)))
        {
            final Context.Cancelable child = Context.withCancel(parent);
            final CancelContext p = (CancelContext)parent;
            assertEquals(1, p.children());
            child.cancel();
            assertSame(Context.CANCELED, child.err());
            assertEquals(0, p.children(), "a cancelled child leaves its parent's set");
            assertFalse(isDone(parent), "cancelling a child does not cancel its parent");
            assertNull(parent.err());
            parent.cancel();
            assertSame(Context.CANCELED, child.err(), "the child keeps its first error");
        }
    }

    @Test
    void shouldRemoveChildFromParentWhenChildCanceled()
    {
        // Go's TestCancelRemoves: through a value context too.
        final Context.Cancelable root = Context.withCancel(Context.background());
        final CancelContext r = (CancelContext)root;
        final Context.Cancelable c1 = Context.withCancel(root);
        assertEquals(1, r.children());
        c1.cancel();
        assertEquals(0, r.children());

        final Context.Cancelable c2 = Context.withTimeout(Context.withValue(root, "k", "v"), LONG);
        assertEquals(1, r.children());
        c2.cancel();
        assertEquals(0, r.children());

        final Context.Cancelable c3 = Context.withDeadline(root, Instant.now().plus(LONG));
        assertEquals(1, r.children());
        c3.close();
        assertEquals(0, r.children());
        assertFalse(isDone(root));
        root.cancel();
    }

    @Test
    void shouldTolerateSimultaneousCancelsOfTree()
    {
        // Go's TestSimultaneousCancels: a tree of 100 contexts (fan-out 4), every cancel in its own
        // goroutine in random order. Stronger than Go's check: when any cancel() returns, every
        // descendant of that node is done, whoever cancelled it.
        final Random random = new Random(42);
        for (int round = 0; round < 50; round++)
        {
            final List<Context.Cancelable> nodes = new ArrayList<>();
            final List<List<Integer>> kids = new ArrayList<>();
            buildTree(nodes, kids, 100, 4);
            final List<Integer> order = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++)
            {
                order.add(i);
            }
            Collections.shuffle(order, random);
            final CountDownLatch finished = new CountDownLatch(nodes.size());
            final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            for (final int i : order)
            {
                final Runnable body = () ->
                {
                    nodes.get(i).cancel();
                    checkSubtreeDone(i, nodes, kids, failures);
                    finished.countDown();
                };
                if (0 == i % 10 && 0 == round % 10)
                {
                    new Thread(body).start(); // some cancels from plain threads
                }
                else
                {
                    Go.go(body::run);
                }
            }
            awaitLatch(finished);
            assertTrue(failures.isEmpty(), "round " + round + ": " + failures.peek());
            for (final Context.Cancelable c : nodes)
            {
                assertNull(c.done().recv(), "done closed");
                assertSame(Context.CANCELED, c.err());
                assertEquals(0, ((CancelContext)c).children());
            }
        }
    }

    @Test
    void shouldTolerateInterlockedCancels()
    {
        // Go's TestInterlockedCancels: a goroutine cancels the child as soon as the parent is done.
        for (int round = 0; round < 100; round++)
        {
            final Context.Cancelable parent = Context.withCancel(Context.background());
            final Context.Cancelable child = Context.withCancel(parent);
            final CountDownLatch cancelled = new CountDownLatch(1);
            Go.go(() ->
            {
                parent.done().recv();
                child.cancel();
                cancelled.countDown();
            });
            parent.cancel();
            awaitLatch(cancelled);
            assertNull(child.done().recv());
            assertSame(Context.CANCELED, child.err());
        }
    }

    @Test
    void shouldBeDoneAtOnceWhenDerivedFromDoneParent()
    {
        // Go's TestWithCancelCanceledParent: every kind of child, and the parent's error wins.
        final Context.Cancelable canceled = Context.withCancel(Context.background());
        canceled.cancel();
        final Context.Cancelable expired = Context.withTimeout(Context.background(), Duration.ZERO);
        assertSame(Context.DEADLINE_EXCEEDED, expired.err());
        for (final Context.Cancelable parent : List.of(canceled, expired))
        {
            final RuntimeException want = parent.err();
            final List<Context> children = List.of(
                Context.withCancel(parent),
                Context.withValue(parent, "k", "v"),
                Context.withCancel(Context.withValue(parent, "k", "v")),
                Context.withTimeout(parent, LONG),
                Context.withDeadline(parent, Instant.now().minusSeconds(1)),
                Context.withCancel(new DelegatingContext(parent)));
            for (final Context c : children)
            {
                assertTrue(isDone(c), c + " not done at once");
                assertSame(want, c.err(), c.toString());
                if (c instanceof CancelContext)
                {
                    assertNull(((CancelContext)c).timer(), c + " armed a timer");
                }
            }
        }
    }

    @Test
    void shouldKeepErrNullUntilDoneIsClosedThenFixed()
    {
        // Item 103, under a race: an observer that sees an error finds done closed, and one that
        // saw done closed finds the error.
        for (int round = 0; round < 500; round++)
        {
            final Context.Cancelable c = Context.withCancel(Context.background());
            final RecvChan<Void> done = 0 == round % 2 ? c.done() : null; // half with a lazily made channel
            final AtomicReference<String> failure = new AtomicReference<>();
            final CountDownLatch started = new CountDownLatch(1);
            final Thread observer = new Thread(() ->
            {
                started.countDown();
                for (;;)
                {
                    final boolean closed = isDone(c);
                    final RuntimeException e = c.err();
                    if (closed && null == e)
                    {
                        failure.set("done closed but err null");
                        return;
                    }
                    if (null != e)
                    {
                        if (!isDone(c))
                        {
                            failure.set("err set but done open");
                        }
                        return;
                    }
                }
            });
            observer.start();
            awaitLatch(started);
            c.cancel();
            join(observer);
            assertNull(failure.get(), failure.get());
            assertSame(Context.CANCELED, c.err());
            assertSame(Context.CANCELED, c.err(), "the same error for good");
            if (null != done)
            {
                assertSame(done, c.done());
            }
        }
    }

    @Test
    void shouldLookUpValuesInnermostFirst()
    {
        // Go's TestValues: keys compare with equals, the innermost binding wins, keys of different
        // types with the same contents are different keys, a null value shadows an outer binding.
        final Context c0 = Context.background();
        final Context c1 = Context.withValue(c0, new KeyA(1), "c1k1");
        assertEquals("c1k1", c1.value(new KeyA(1)), "an equal key finds the binding");
        assertNull(c1.value(new KeyB(1)), "another key type with the same contents is another key");
        assertNull(c1.value(new KeyA(2)));
        assertEquals("context.Background.WithValue(KeyA[id=1], c1k1)", c1.toString());

        final Context c2 = Context.withValue(c1, new KeyB(1), "c2k2");
        assertEquals("c1k1", c2.value(new KeyA(1)));
        assertEquals("c2k2", c2.value(new KeyB(1)));

        final Context c3 = Context.withValue(c2, new KeyA(1), "c3k1");
        assertEquals("c3k1", c3.value(new KeyA(1)), "the innermost binding wins");
        assertEquals("c2k2", c3.value(new KeyB(1)));

        final Context.Cancelable c4 = Context.withCancel(c3);
        assertEquals("c3k1", c4.value(new KeyA(1)), "values pass through cancel contexts");
        final Context c5 = Context.withValue(new DelegatingContext(c4), 1, "int one");
        assertEquals("int one", c5.value(1));
        assertNull(c5.value(1L), "Integer 1 and Long 1 are different keys");
        assertEquals("c2k2", c5.value(new KeyB(1)), "values pass through wrappers of the user's");

        final Context c6 = Context.withValue(c5, new KeyA(1), null);
        assertNull(c6.value(new KeyA(1)), "a null value shadows the outer binding");
        assertTrue(c6.toString().endsWith(".WithValue(KeyA[id=1], <nil>)"), c6.toString());
        assertEquals("c1k1", c1.value(new KeyA(1)), "parents are unchanged");
        assertNull(c6.value(null));
        c4.cancel();
    }

    @Test
    void shouldRejectNullKey()
    {
        final NullPointerException ex = assertThrows(NullPointerException.class,
            () -> Context.withValue(Context.background(), null, "v"));
        assertEquals("nil key", ex.getMessage());
    }

    @Test
    void shouldRejectNullParent()
    {
        // Go's TestInvalidDerivedFail.
        final List<Runnable> derivations = List.of(
            () -> Context.withCancel(null),
            () -> Context.withTimeout(null, LONG),
            () -> Context.withDeadline(null, Instant.now()),
            () -> Context.withValue(null, "k", "v"));
        for (final Runnable derive : derivations)
        {
            final NullPointerException ex = assertThrows(NullPointerException.class, derive::run);
            assertEquals("cannot create context from nil parent", ex.getMessage());
        }
    }

    @Test
    void shouldPropagateCancelThroughThirtyLayers()
    {
        // Go's TestLayersCancel.
        for (long seed = 1; seed <= 20; seed++)
        {
            checkLayers(seed, false);
        }
    }

    @Test
    void shouldPropagateTimeoutThroughThirtyLayers()
    {
        // Go's TestLayersTimeout.
        for (long seed = 1; seed <= 5; seed++)
        {
            checkLayers(seed, true);
        }
    }

    @Test
    void shouldCancelChildOfForeignParentWhenItIsDone()
    {
        // A parent of the user's with its own done channel: a goroutine watches it.
        final OwnContext parent = new OwnContext();
        final Context.Cancelable child = Context.withCancel(parent);
        final Context.Cancelable grandchild = Context.withTimeout(child, LONG);
        assertFalse(isDone(child));
        parent.cancel(Context.DEADLINE_EXCEEDED);
        assertNull(grandchild.done().recv(), "cancelled by the watching goroutine");
        assertSame(Context.DEADLINE_EXCEEDED, child.err(), "the child gets the parent's error");
        assertSame(Context.DEADLINE_EXCEEDED, grandchild.err());

        final Context.Cancelable late = Context.withCancel(parent);
        assertTrue(isDone(late), "a child of a done parent of the user's is done at once");
        assertSame(Context.DEADLINE_EXCEEDED, late.err());
    }

    @Test
    void shouldWatchWrapperWithDoneChannelOfItsOwn()
    {
        // A wrapper that hands out our context for values but has its own done channel must be
        // watched, not joined to the wrapped context (Go's parentCancelCtx done check).
        final Context.Cancelable inner = Context.withCancel(Context.background());
        final OwnContext wrapper = new OwnContext(inner);
        final Context.Cancelable child = Context.withCancel(wrapper);
        assertEquals(0, ((CancelContext)inner).children(), "not registered with the wrapped context");
        wrapper.cancel(Context.CANCELED);
        assertNull(child.done().recv());
        assertSame(Context.CANCELED, child.err());
        assertFalse(isDone(inner));
        inner.cancel();
    }

    @Test
    void shouldStartNoWatcherForWrapperOfBackground()
    {
        final int before = Go.numGoroutine();
        final Context.Cancelable c = Context.withCancel(new DelegatingContext(Context.background()));
        final Context.Cancelable d = Context.withCancel(Context.withValue(Context.background(), "k", "v"));
        assertTrue(Go.numGoroutine() <= before, "a parent that is never cancelled needs no goroutine");
        c.cancel();
        d.cancel();
    }

    @Test
    void shouldWakeGoroutinesAndThreadsWaitingOnDone()
    {
        final Context.Cancelable root = Context.withCancel(Context.background());
        final Context leaf = Context.withValue(Context.withCancel(root), "k", "v");
        final int waiters = 20;
        final CountDownLatch woke = new CountDownLatch(waiters);
        final AtomicInteger wrongErr = new AtomicInteger();
        for (int i = 0; i < waiters; i++)
        {
            final Runnable body = () ->
            {
                leaf.done().recv();
                if (Context.CANCELED != leaf.err())
                {
                    wrongErr.incrementAndGet();
                }
                woke.countDown();
            };
            if (0 == i % 4)
            {
                new Thread(body).start();
            }
            else
            {
                Go.go(body::run);
            }
        }
        assertEquals(waiters, woke.getCount(), "nobody wakes before the cancel");
        root.cancel();
        awaitLatch(woke);
        assertEquals(0, wrongErr.get(), "err() is set for whoever saw done closed");
    }

    @Test
    void shouldUseImmutableSentinels()
    {
        assertEquals("context canceled", Context.CANCELED.getMessage());
        assertEquals("context deadline exceeded", Context.DEADLINE_EXCEEDED.getMessage());
        assertEquals(0, Context.CANCELED.getStackTrace().length, "no stack trace of whoever made it");
        Context.CANCELED.addSuppressed(new RuntimeException("x"));
        assertEquals(0, Context.CANCELED.getSuppressed().length);
        assertThrows(IllegalStateException.class, () -> Context.DEADLINE_EXCEEDED.initCause(new RuntimeException()));
        assertNull(Context.DEADLINE_EXCEEDED.getCause());
    }

    /** Builds a tree of {@code size} contexts, breadth first, {@code fanOut} children each. */
    private static void buildTree(
        final List<Context.Cancelable> nodes, final List<List<Integer>> kids, final int size, final int fanOut)
    {
        nodes.add(Context.withCancel(Context.background()));
        kids.add(new ArrayList<>());
        for (int next = 0; nodes.size() < size; next++)
        {
            for (int k = 0; k < fanOut && nodes.size() < size; k++)
            {
                kids.get(next).add(nodes.size());
                nodes.add(Context.withCancel(nodes.get(next)));
                kids.add(new ArrayList<>());
            }
        }
    }

    /** Records a failure for every node under {@code i} (itself included) that is not done. */
    private static void checkSubtreeDone(
        final int i, final List<Context.Cancelable> nodes, final List<List<Integer>> kids,
        final ConcurrentLinkedQueue<String> failures)
    {
        if (!isDone(nodes.get(i)) || null == nodes.get(i).err())
        {
            failures.add("node " + i + " not done after a cancel of an ancestor returned");
        }
        for (final int k : kids.get(i))
        {
            checkSubtreeDone(k, nodes, kids, failures);
        }
    }

    /** Go's testLayers: a random mix of value, cancel and timeout layers, at least 30 of them. */
    private static void checkLayers(final long seed, final boolean timeout)
    {
        final Random r = new Random(seed);
        final List<Object> keys = new ArrayList<>();
        final List<Context.Cancelable> cancels = new ArrayList<>();
        int timers = 0;
        Context ctx = Context.background();
        for (int i = 0; i < 30 || 0 == timers || cancels.isEmpty() || keys.isEmpty(); i++)
        {
            switch (r.nextInt(3))
            {
                case 0:
                    final Object key = new Object();
                    ctx = Context.withValue(ctx, key, key);
                    keys.add(key);
                    break;
                case 1:
                    final Context.Cancelable c = Context.withCancel(ctx);
                    cancels.add(c);
                    ctx = c;
                    break;
                default:
                    final Context.Cancelable t = Context.withTimeout(ctx, timeout ? Duration.ofMillis(20) : LONG);
                    cancels.add(t);
                    ctx = t;
                    timers++;
                    break;
            }
        }
        checkValues(ctx, keys, "seed " + seed + " before cancel");
        if (!timeout)
        {
            assertFalse(isDone(ctx), "seed " + seed + ": done before cancel");
            cancels.get(r.nextInt(cancels.size())).cancel();
            assertTrue(isDone(ctx), "seed " + seed + ": the innermost not done when cancel returned");
            assertSame(Context.CANCELED, ctx.err());
        }
        else
        {
            assertNull(ctx.done().recv());
            assertSame(Context.DEADLINE_EXCEEDED, ctx.err(), "seed " + seed);
        }
        checkValues(ctx, keys, "seed " + seed + " after cancel");
        for (final Context.Cancelable c : cancels)
        {
            c.cancel();
            assertNotNull(c.err());
        }
    }

    private static void checkValues(final Context ctx, final List<Object> keys, final String when)
    {
        for (final Object key : keys)
        {
            assertSame(key, ctx.value(key), when + ": value lost");
        }
    }

    private static boolean isDone(final Context c)
    {
        return null != c.done().tryRecv();
    }

    private static void awaitLatch(final CountDownLatch latch)
    {
        await(() -> 0 == latch.getCount(), "the latch");
    }

    /** A key type. */
    private record KeyA(int id)
    {
    }

    /** Another key type with the same contents. */
    private record KeyB(int id)
    {
    }

    /** Go's otherContext: a wrapper of the user's that delegates everything. */
    private static final class DelegatingContext implements Context
    {
        private final Context inner;

        DelegatingContext(final Context inner)
        {
            this.inner = inner;
        }

        @Override
        public RecvChan<Void> done()
        {
            return inner.done();
        }

        @Override
        public RuntimeException err()
        {
            return inner.err();
        }

        @Override
        public Optional<Instant> deadline()
        {
            return inner.deadline();
        }

        @Override
        public Object value(final Object key)
        {
            return inner.value(key);
        }
    }

    /** A context of the user's with a done channel of its own (optionally delegating values). */
    private static final class OwnContext implements Context
    {
        private final Chan<Void> done = Chan.make();
        private final Context values;
        private volatile RuntimeException err;

        OwnContext()
        {
            this(Context.background());
        }

        OwnContext(final Context values)
        {
            this.values = values;
        }

        void cancel(final RuntimeException e)
        {
            err = e;
            done.close();
        }

        @Override
        public RecvChan<Void> done()
        {
            return done;
        }

        @Override
        public RuntimeException err()
        {
            return err;
        }

        @Override
        public Optional<Instant> deadline()
        {
            return Optional.empty();
        }

        @Override
        public Object value(final Object key)
        {
            return values.value(key);
        }
    }
}
