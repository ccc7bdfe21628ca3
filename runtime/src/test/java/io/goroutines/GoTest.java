package io.goroutines;

import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GoTest
{
    @Test
    void shouldRejectNullTask()
    {
        assertThrows(NullPointerException.class, () -> Go.go(null));
    }

    @Test
    void shouldSleepAtLeastTheDurationInGoroutine()
    {
        final AtomicLong elapsedNs = new AtomicLong(-1);
        Go.go(() ->
        {
            final long start = System.nanoTime();
            Go.sleep(Duration.ofMillis(30));
            elapsedNs.set(System.nanoTime() - start);
        });
        await(() -> elapsedNs.get() >= 0, "the sleeper to wake");
        assertTrue(elapsedNs.get() >= TimeUnit.MILLISECONDS.toNanos(30), "slept " + elapsedNs.get() + " ns");
    }

    @Test
    void shouldSleepAtLeastTheDurationOnPlainThread()
    {
        final long start = System.nanoTime();
        Go.sleep(Duration.ofMillis(20));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void shouldReturnAtOnceForZeroOrNegativeSleep()
    {
        Thread.currentThread().interrupt(); // would throw if it waited
        try
        {
            Go.sleep(Duration.ZERO);
            Go.sleep(Duration.ofSeconds(-5));
        }
        finally
        {
            Thread.interrupted();
        }
    }

    @Test
    void shouldCancelSleepOfInterruptedPlainThread()
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean interrupted = new AtomicBoolean();
        final CountDownLatch sleeping = new CountDownLatch(1);
        final Thread t = new Thread(() ->
        {
            try
            {
                sleeping.countDown();
                Go.sleep(Duration.ofHours(1));
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
                interrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        await(() -> 0 == sleeping.getCount() && Thread.State.TIMED_WAITING == t.getState(), "the thread to sleep");
        t.interrupt();
        join(t);
        assertInstanceOf(CancellationException.class, failure.get());
        assertTrue(interrupted.get());
    }

    @Test
    void shouldSleepManyGoroutinesConcurrently()
    {
        final int n = 50;
        final CountDownLatch done = new CountDownLatch(n);
        final long start = System.nanoTime();
        for (int i = 0; i < n; i++)
        {
            Go.go(() ->
            {
                Go.sleep(Duration.ofMillis(50));
                done.countDown();
            });
        }
        await(() -> 0 == done.getCount(), "every sleeper to wake");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void shouldReturnFromGoschedOnPlainThreadAndGoroutine()
    {
        Go.gosched();
        final CountDownLatch done = new CountDownLatch(1);
        Go.go(() ->
        {
            Go.gosched();
            done.countDown();
        });
        await(() -> 0 == done.getCount(), "the goroutine to return from gosched");
    }

    @Test
    void shouldPropagateBlockingCallException()
    {
        final IOException io = new IOException("disk");
        final Exception thrown = assertThrows(IOException.class, () -> Go.blocking(() ->
        {
            throw io;
        }));
        assertSame(io, thrown);
    }

    @Test
    void shouldDumpCurrentGoroutineStack()
    {
        final AtomicReference<String> dump = new AtomicReference<>();
        Go.go(() -> dump.set(Go.stack(false)));
        await(() -> null != dump.get(), "the dump");
        assertTrue(dump.get().matches("(?s)goroutine \\d+ \\[running]:\n.*"), dump.get());
        assertTrue(dump.get().contains("GoTest.lambda$shouldDumpCurrentGoroutineStack"), dump.get());
        assertTrue(!dump.get().contains("Go.stack("), "the dump starts at the caller");
    }

    @Test
    void shouldCountGoroutinesBlockedOnChannel()
    {
        final int before = Go.numGoroutine();
        final Chan<Integer> ch = Chan.make();
        final int n = 20;
        final CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++)
        {
            Go.go(() ->
            {
                ch.recv();
                done.countDown();
            });
        }
        await(() -> n == ch.recvWaiting(), "every goroutine to block");
        assertEquals(before + n, Go.numGoroutine());
        ch.close();
        await(() -> 0 == done.getCount() && before == Go.numGoroutine(), "every goroutine to end");
    }

    @Test
    void shouldDumpEveryWaitingGoroutineWithReasonFramesAndCreator()
    {
        final Chan<Integer> never = Chan.make();
        final Chan<Integer> full = Chan.make(1);
        full.send(0);
        final int before = Go.numGoroutine();
        Go.go(() -> never.recv());
        Go.go(() -> full.send(1));
        await(() -> Go.stack(true).contains("[chan send]") && Go.stack(true).contains("[chan receive]"),
            "both goroutines to wait");
        final String dump = Go.stack(true);
        assertTrue(dump.startsWith("goroutine 0 [running]:\n" +
            "io.goroutines.GoTest.shouldDumpEveryWaitingGoroutineWithReasonFramesAndCreator(GoTest.java:"), dump);
        assertTrue(dump.contains("]:\nio.goroutines.Chan.recv(Chan.java:"), dump);
        assertTrue(dump.contains("]:\nio.goroutines.Chan.send(Chan.java:"), dump);
        assertTrue(dump.contains("\ncreated by io.goroutines.GoTest." +
            "shouldDumpEveryWaitingGoroutineWithReasonFramesAndCreator(GoTest.java:"), dump);
        assertTrue(Go.numGoroutine() >= before + 2);
        full.recv();
        full.recv();
        never.close();
        assertFalse(Go.stack(false).contains("chan receive"), "only the caller");
    }
}
