package io.goroutines.sync;

import io.goroutines.Action;
import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.sync.MutexTest.pause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OnceTest
{
    /** How long "still blocked" is watched for. */
    private static final long BLOCKED_NS = TimeUnit.MILLISECONDS.toNanos(30);

    @Test
    void shouldRunExactlyOnceAndMakeConcurrentCallersWait()
    {
        // Go's TestOnce with 10 callers, half goroutines, half plain threads; the action is held
        // open so that every caller arrives while it runs.
        final Once once = new Once();
        final Chan<Boolean> finish = Chan.make();
        final AtomicInteger runs = new AtomicInteger();
        final AtomicBoolean finished = new AtomicBoolean();
        final Action action = () ->
        {
            runs.incrementAndGet();
            finish.recv();
            finished.set(true);
        };
        final int n = 10;
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger returned = new AtomicInteger();
        final AtomicInteger early = new AtomicInteger();
        final Runnable caller = () ->
        {
            entered.incrementAndGet();
            once.run(action);
            if (!finished.get())
            {
                early.incrementAndGet();
            }
            returned.incrementAndGet();
        };
        for (int i = 0; i < n; i++)
        {
            if (0 == i % 2)
            {
                Go.go(caller::run);
            }
            else
            {
                new Thread(caller).start();
            }
        }
        await(() -> n == entered.get() && 1 == runs.get(), "every caller to arrive and the action to start");
        pause(BLOCKED_NS);
        assertEquals(0, returned.get(), "no caller returns while the action runs");
        assertFalse(once.isDone());
        finish.send(true);
        await(() -> n == returned.get(), "every caller to return");
        assertEquals(1, runs.get(), "exactly once");
        assertEquals(0, early.get(), "a caller returned before the action had returned");
        assertTrue(once.isDone());
        once.run(action); // the fast path: nothing runs, nothing waits
        assertEquals(1, runs.get());
    }

    @Test
    void shouldCountFailedActionAsDone()
    {
        // Go's TestOncePanic: the failure reaches that caller; later calls do nothing.
        final Once once = new Once();
        final IllegalStateException boom = new IllegalStateException("boom");
        final IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> once.run(() ->
        {
            throw boom;
        }));
        assertSame(boom, thrown);
        assertTrue(once.isDone());
        final AtomicInteger runs = new AtomicInteger();
        once.run(runs::incrementAndGet);
        assertEquals(0, runs.get(), "a failed action counts as done");
    }

    @Test
    void shouldReleaseWaitingCallersWhenActionFails()
    {
        final Once once = new Once();
        final Chan<Boolean> fail = Chan.make();
        final AtomicInteger runs = new AtomicInteger();
        final Action action = () ->
        {
            runs.incrementAndGet();
            fail.recv();
            throw new IllegalStateException("boom");
        };
        final int n = 5;
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger returned = new AtomicInteger();
        for (int i = 0; i < n; i++)
        {
            Go.go(() ->
            {
                entered.incrementAndGet();
                try
                {
                    once.run(action);
                    returned.incrementAndGet();
                }
                catch (final IllegalStateException ex)
                {
                    failed.incrementAndGet();
                }
            });
        }
        await(() -> n == entered.get() && 1 == runs.get(), "every caller to arrive and the action to start");
        fail.send(true);
        await(() -> n == failed.get() + returned.get(), "every caller to finish");
        assertEquals(1, failed.get(), "the failure reaches the caller that ran the action, only it");
        assertEquals(n - 1, returned.get());
        assertEquals(1, runs.get());
    }

    @Test
    void shouldRunFromInsideAnotherOnce()
    {
        final Once outer = new Once();
        final Once inner = new Once();
        final AtomicInteger runs = new AtomicInteger();
        outer.run(() -> inner.run(runs::incrementAndGet));
        outer.run(() -> inner.run(runs::incrementAndGet));
        inner.run(runs::incrementAndGet);
        assertEquals(1, runs.get());
    }
}
