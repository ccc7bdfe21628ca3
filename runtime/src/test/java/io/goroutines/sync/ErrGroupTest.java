package io.goroutines.sync;

import io.goroutines.Chan;
import io.goroutines.context.Context;
import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.goroutines.internal.sched.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** golang.org/x/sync/errgroup's behaviour (GO-SEMANTICS.md items 108–111). */
@ExtendWith(NoPanics.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrGroupTest
{
    @Test
    void shouldReturnFirstFailureToHappen()
    {
        final ErrGroup g = ErrGroup.withContext(Context.background());
        final IllegalStateException first = new IllegalStateException("first");
        g.go(() ->
        {
            // fails second, although started first: the group cancels its context only once the
            // first failure is recorded, so this one cannot be recorded before it
            g.context().done().recv();
            throw new IllegalArgumentException("second");
        });
        g.go(() ->
        {
            throw first;
        });
        assertSame(first, assertThrows(IllegalStateException.class, g::await));
    }

    @Test
    void shouldSucceedWhenEveryTaskSucceeds()
    {
        final ErrGroup g = new ErrGroup();
        final AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100; i++)
        {
            g.go(ran::incrementAndGet);
        }
        g.await();
        assertEquals(100, ran.get());
        assertNull(g.context().err(), "a zero group has the background context");
    }

    @Test
    void shouldWrapCheckedFailure()
    {
        final ErrGroup g = new ErrGroup();
        final IOException io = new IOException("disk");
        g.go(() ->
        {
            throw io;
        });
        assertSame(io, assertInstanceOf(CompletionException.class, assertThrows(CompletionException.class, g::await)).getCause());
    }

    @Test
    void shouldCancelContextOnFirstFailureAndOnAwait()
    {
        final ErrGroup failing = ErrGroup.withContext(Context.background());
        failing.go(() ->
        {
            throw new IllegalStateException("x");
        });
        failing.context().done().recv(); // cancelled by the failure, before await
        assertSame(Context.CANCELED, failing.context().err());
        assertThrows(IllegalStateException.class, failing::await);

        final ErrGroup ok = ErrGroup.withContext(Context.background());
        ok.go(() -> { });
        ok.await();
        assertSame(Context.CANCELED, ok.context().err(), "cancelled when await returned");
    }

    @Test
    void shouldLimitActiveTasks()
    {
        // Go's TestGoLimit and TestTryGo.
        final ErrGroup g = new ErrGroup();
        final int limit = 10;
        g.setLimit(limit);
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        for (int i = 0; i < 1025; i++)
        {
            g.go(() ->
            {
                most.accumulateAndGet(active.incrementAndGet(), Math::max);
                io.goroutines.Go.gosched();
                active.decrementAndGet();
            });
        }
        g.await();
        assertTrue(most.get() <= limit, "at most " + limit + " active, saw " + most.get());

        final ErrGroup t = new ErrGroup();
        t.setLimit(1);
        final Chan<Boolean> release = Chan.make();
        assertTrue(t.tryGo(release::recv));
        assertFalse(t.tryGo(() -> { }), "the limit is reached");
        assertEquals("errgroup: modify limit while 1 goroutines in the group are still active",
            assertThrows(IllegalStateException.class, () -> t.setLimit(2)).getMessage());
        release.send(true);
        t.await();
        t.setLimit(0);
        assertFalse(t.tryGo(() -> { }), "limit 0 refuses every task");
        t.setLimit(-1);
        assertTrue(t.tryGo(() -> { }), "negative: no limit");
        t.await();
    }

    @Test
    void shouldFailAwaitWithErrorAndStillReportItAsPanic()
    {
        // Go's errgroup does not recover panics: an Error escapes the task's goroutine as a panic,
        // and await reports it too instead of returning as if all went well.
        final ErrGroup g = new ErrGroup();
        final AssertionError boom = new AssertionError("boom");
        g.go(() ->
        {
            throw boom;
        });
        assertSame(boom, assertThrows(AssertionError.class, g::await));
        final List<TestSupport.Panic> panics = new ArrayList<>();
        await(() -> panics.addAll(TestSupport.drainPanics()) && panics.stream().anyMatch(p -> boom == p.failure()),
            "the panic to be reported");
    }

    @Test
    void shouldRunAwaitAfterSlowTasks()
    {
        final ErrGroup g = new ErrGroup();
        final Chan<Boolean> gate = Chan.make();
        final AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 20; i++)
        {
            g.go(() ->
            {
                gate.recv();
                done.incrementAndGet();
            });
        }
        final Thread releaser = new Thread(() ->
        {
            for (int i = 0; i < 20; i++)
            {
                gate.send(true);
            }
        });
        releaser.start();
        g.await();
        assertEquals(20, done.get());
        await(() -> !releaser.isAlive(), "the releaser");
    }
}
