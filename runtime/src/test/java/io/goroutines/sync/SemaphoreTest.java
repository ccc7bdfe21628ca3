package io.goroutines.sync;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.context.Context;
import io.goroutines.internal.sched.NoPanics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.goroutines.internal.sched.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** golang.org/x/sync/semaphore's behaviour (GO-SEMANTICS.md item 112) and a sequential model. */
@ExtendWith(NoPanics.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SemaphoreTest
{
    private static final Context BG = Context.background();

    @Test
    void shouldAcquireAndReleaseWeights()
    {
        final Semaphore sem = new Semaphore(10);
        sem.acquire(BG, 3);
        assertTrue(sem.tryAcquire(7));
        assertFalse(sem.tryAcquire(1));
        sem.release(10);
        assertEquals(0, sem.held());
        assertEquals("semaphore: released more than held",
            assertThrows(IllegalStateException.class, () -> sem.release(1)).getMessage());
        assertEquals(0, sem.held());
    }

    @Test
    void shouldFailWithDoneContextEvenWhenTokensAreFree()
    {
        final Semaphore sem = new Semaphore(1);
        final Context.Cancelable ctx = Context.withCancel(BG);
        ctx.cancel();
        assertSame(Context.CANCELED, assertThrows(RuntimeException.class, () -> sem.acquire(ctx, 1)));
        assertEquals(0, sem.held());
    }

    @Test
    void shouldServeWaitersInOrderWithoutBarging()
    {
        // Go's TestLargeAcquireDoesntStarve: a large waiter at the head blocks smaller later ones.
        final Semaphore sem = new Semaphore(2);
        sem.acquire(BG, 1);
        final Chan<String> order = Chan.make(3);
        startAcquire(sem, 2, "large", order);
        await(() -> 1 == sem.waiting(), "the large acquire to wait");
        assertFalse(sem.tryAcquire(1), "no barging while someone waits, although a token is free");
        startAcquire(sem, 1, "small", order);
        await(() -> 2 == sem.waiting(), "the small acquire to wait behind it");
        sem.release(1);
        assertEquals("large", order.recv());
        assertEquals(2, sem.held());
        sem.release(2);
        assertEquals("small", order.recv());
        sem.release(1);
    }

    @Test
    void shouldTakeNothingWhenContextEndsWhileWaiting()
    {
        final Semaphore sem = new Semaphore(1);
        sem.acquire(BG, 1);
        final Context.Cancelable ctx = Context.withCancel(BG);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Chan<Boolean> done = Chan.make(1);
        Go.go(() ->
        {
            try
            {
                sem.acquire(ctx, 1);
            }
            catch (final RuntimeException ex)
            {
                failure.set(ex);
            }
            done.send(true);
        });
        await(() -> 1 == sem.waiting(), "the acquire to wait");
        ctx.cancel();
        done.recv();
        assertSame(Context.CANCELED, failure.get());
        assertEquals(0, sem.waiting());
        sem.release(1);
        assertEquals(0, sem.held(), "the cancelled waiter holds nothing");
        assertTrue(sem.tryAcquire(1));
    }

    @Test
    void shouldWaitForContextWhenRequestExceedsSize()
    {
        final Semaphore sem = new Semaphore(2);
        final Context ctx = Context.withTimeout(BG, Duration.ofMillis(20));
        assertSame(Context.DEADLINE_EXCEEDED, assertThrows(RuntimeException.class, () -> sem.acquire(ctx, 3)));
        assertTrue(sem.tryAcquire(2), "the doomed request did not hold up others");
    }

    @Test
    void shouldMatchSequentialModelUnderConcurrentHistories()
    {
        // Many seeds: goroutines acquire random weights (some with contexts that time out), hold
        // them briefly and release; the holders never exceed the size and everything returns to 0.
        for (int seed = 0; seed < 20; seed++)
        {
            final Random random = new Random(seed);
            final long size = 1 + random.nextInt(8);
            final Semaphore sem = new Semaphore(size);
            final AtomicInteger held = new AtomicInteger();
            final AtomicInteger over = new AtomicInteger();
            final WaitGroup wg = new WaitGroup();
            final List<long[]> plans = new ArrayList<>();
            for (int g = 0; g < 12; g++)
            {
                plans.add(new long[] {1 + random.nextInt((int)size), random.nextInt(4)});
            }
            for (final long[] plan : plans)
            {
                wg.add(1);
                Go.go(() ->
                {
                    for (int i = 0; i < 50; i++)
                    {
                        final Context.Cancelable ctx = 0 == plan[1] ? Context.withTimeout(BG, Duration.ofNanos(50_000))
                            : Context.withCancel(BG);
                        try
                        {
                            sem.acquire(ctx, plan[0]);
                        }
                        catch (final RuntimeException ex)
                        {
                            ctx.cancel();
                            continue;
                        }
                        if (held.addAndGet((int)plan[0]) > size)
                        {
                            over.incrementAndGet();
                        }
                        Go.gosched();
                        held.addAndGet((int)-plan[0]);
                        sem.release(plan[0]);
                        ctx.cancel();
                    }
                    wg.done();
                });
            }
            wg.await();
            assertEquals(0, over.get(), "seed " + seed + ": more than the size held at once");
            assertEquals(0, sem.held(), "seed " + seed + ": tokens leaked");
            assertEquals(0, sem.waiting(), "seed " + seed + ": waiters left");
        }
    }

    private static void startAcquire(final Semaphore sem, final long n, final String name, final Chan<String> order)
    {
        Go.go(() ->
        {
            sem.acquire(BG, n);
            order.send(name);
        });
    }
}
