package io.goroutines;

import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChanTest
{
    @Test
    void shouldRejectNegativeCapacity()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Chan.make(-1));
        assertEquals("makechan: size out of range", ex.getMessage());
    }

    @Test
    void shouldRejectNullElements()
    {
        final Chan<String> ch = Chan.make(1);
        assertThrows(NullPointerException.class, () -> ch.send(null));
        assertThrows(NullPointerException.class, () -> ch.trySend(null));
        assertEquals(0, ch.len());
    }

    @Test
    void shouldBufferUpToCapacityInFifoOrder()
    {
        final Chan<Integer> ch = Chan.make(3);
        assertEquals(3, ch.cap());
        assertTrue(ch.trySend(1));
        ch.send(2);
        assertTrue(ch.trySend(3));
        assertFalse(ch.trySend(4));
        assertEquals(3, ch.len());
        assertEquals(1, ch.recv());
        assertEquals(new Received<>(2, true), ch.recvOk());
        assertEquals(new Received<>(3, true), ch.tryRecv());
        assertNull(ch.tryRecv());
        assertEquals(0, ch.len());
    }

    @Test
    void shouldNotBufferOnUnbufferedChannel()
    {
        final Chan<Integer> ch = Chan.make();
        assertEquals(0, ch.cap());
        assertFalse(ch.trySend(1));
        assertNull(ch.tryRecv());
    }

    @Test
    void shouldHandOffDirectlyToWaitingReceiver()
    {
        final Chan<String> ch = Chan.make();
        final AtomicReference<String> got = new AtomicReference<>();
        final Thread receiver = new Thread(() -> got.set(ch.recv()));
        receiver.start();
        await(() -> 1 == ch.recvWaiting(), "the receiver to wait");
        assertTrue(ch.trySend("x"), "a waiting receiver takes the value at once");
        join(receiver);
        assertEquals("x", got.get());
    }

    @Test
    void shouldDrainBufferAfterClose()
    {
        final Chan<Integer> ch = Chan.make(2);
        ch.send(1);
        ch.send(2);
        ch.close();
        assertEquals(1, ch.recv());
        assertEquals(new Received<>(2, true), ch.recvOk());
        assertNull(ch.recv());
        assertEquals(new Received<Integer>(null, false), ch.recvOk());
        assertEquals(new Received<Integer>(null, false), ch.tryRecv());
    }

    @Test
    void shouldThrowGoMessagesOnMisuse()
    {
        final Chan<Integer> ch = Chan.make(1);
        ch.close();
        assertEquals("close of closed channel", assertThrows(IllegalStateException.class, ch::close).getMessage());
        assertEquals("send on closed channel", assertThrows(IllegalStateException.class, () -> ch.send(1)).getMessage());
        assertEquals("send on closed channel", assertThrows(IllegalStateException.class, () -> ch.trySend(1)).getMessage());
    }

    @Test
    void shouldWakeReceiverOnClose()
    {
        final Chan<Integer> ch = Chan.make();
        final int n = 4;
        final ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final boolean ok = 0 == (i & 1);
            final Thread t = new Thread(() -> results.add(ok ? ch.recvOk() : String.valueOf(ch.recv())));
            threads.add(t);
            t.start();
        }
        final CountDownLatch goroutineDone = new CountDownLatch(1);
        Go.go(() ->
        {
            results.add(ch.recvOk());
            goroutineDone.countDown();
        });
        await(() -> n + 1 == ch.recvWaiting(), "every receiver to wait");
        ch.close();
        threads.forEach(TestSupport::join);
        await(() -> 0 == goroutineDone.getCount(), "the goroutine receiver to wake");
        assertEquals(n + 1, results.size());
        for (final Object r : results)
        {
            assertTrue(new Received<Integer>(null, false).equals(r) || "null".equals(r), "got " + r);
        }
    }

    @Test
    void shouldFailBlockedSendersOnClose()
    {
        final Chan<Integer> ch = Chan.make(1);
        ch.send(0);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final int v = i + 1;
            final Thread t = new Thread(() ->
            {
                try
                {
                    ch.send(v);
                }
                catch (final Throwable ex)
                {
                    failures.add(ex);
                }
            });
            threads.add(t);
            t.start();
        }
        await(() -> 3 == ch.sendWaiting(), "every sender to wait");
        ch.close();
        threads.forEach(TestSupport::join);
        assertEquals(3, failures.size());
        for (final Throwable ex : failures)
        {
            assertInstanceOf(IllegalStateException.class, ex);
            assertEquals("send on closed channel", ex.getMessage());
        }
        assertEquals(0, ch.recv(), "the buffered value survives the close");
        assertNull(ch.recv(), "the senders' values were never delivered");
    }

    @Test
    void shouldMoveOldestSenderValueToTailWhenReceivingFromFullBuffer()
    {
        final Chan<Integer> ch = Chan.make(2);
        ch.send(1);
        ch.send(2);
        final Thread sender = new Thread(() -> ch.send(3));
        sender.start();
        await(() -> 1 == ch.sendWaiting(), "the sender to wait");
        assertEquals(1, ch.recv());
        join(sender);
        assertEquals(2, ch.len(), "the sender's value went into the buffer");
        assertEquals(2, ch.recv());
        assertEquals(3, ch.recv());
    }

    @Test
    void shouldServeBlockedReceiversFifo()
    {
        final Chan<Integer> ch = Chan.make();
        final int n = 5;
        final int[] got = new int[n];
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final int k = i;
            final Thread t = new Thread(() -> got[k] = ch.recv());
            threads.add(t);
            t.start();
            await(() -> k + 1 == ch.recvWaiting(), "receiver " + k + " to queue");
        }
        for (int i = 0; i < n; i++)
        {
            ch.send(100 + i);
        }
        threads.forEach(TestSupport::join);
        for (int i = 0; i < n; i++)
        {
            assertEquals(100 + i, got[i], "receiver " + i);
        }
    }

    @Test
    void shouldServeBlockedSendersFifo()
    {
        final Chan<Integer> ch = Chan.make(1);
        ch.send(0);
        final int n = 5;
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final int k = i;
            final Thread t = new Thread(() -> ch.send(k + 1));
            threads.add(t);
            t.start();
            await(() -> k + 1 == ch.sendWaiting(), "sender " + k + " to queue");
        }
        for (int i = 0; i <= n; i++)
        {
            assertEquals(i, ch.recv());
        }
        threads.forEach(TestSupport::join);
    }

    @Test
    void shouldCancelInterruptedReceiverWithoutLosingValue()
    {
        final Chan<Integer> ch = Chan.make();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean stillInterrupted = new AtomicBoolean();
        final Thread receiver = new Thread(() ->
        {
            try
            {
                ch.recv();
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        receiver.start();
        await(() -> 1 == ch.recvWaiting(), "the receiver to wait");
        receiver.interrupt();
        join(receiver);
        assertInstanceOf(CancellationException.class, failure.get());
        assertTrue(stillInterrupted.get(), "the interrupt status is set again");
        assertEquals(0, ch.recvWaiting(), "the receiver gave up its place");
        assertFalse(ch.trySend(7), "nobody waits for a value any more");
    }

    @Test
    void shouldCancelInterruptedSenderWithoutDelivering()
    {
        final Chan<Integer> ch = Chan.make();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean stillInterrupted = new AtomicBoolean();
        final Thread sender = new Thread(() ->
        {
            try
            {
                ch.send(1);
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        sender.start();
        await(() -> 1 == ch.sendWaiting(), "the sender to wait");
        sender.interrupt();
        join(sender);
        assertInstanceOf(CancellationException.class, failure.get());
        assertTrue(stillInterrupted.get());
        assertNull(ch.tryRecv(), "the value was not sent");
    }

    @Test
    void shouldAnswerPollsWithoutTheLockExactlyWhenTheySurelyWait()
    {
        // The readiness word: a clear bit must mean "would wait" (else a poll misses a ready
        // channel), and a bit left set by a waiter that gave up is cleared by the next failed poll
        // (else every later poll takes the lock).
        final Chan<Integer> buffered = Chan.make(2);
        assertTrue(buffered.recvSurelyBlocks(), "empty");
        assertFalse(buffered.sendSurelyBlocks(), "room");
        buffered.send(1);
        assertFalse(buffered.recvSurelyBlocks(), "one buffered");
        assertFalse(buffered.sendSurelyBlocks(), "room for one more");
        buffered.send(2);
        assertTrue(buffered.sendSurelyBlocks(), "full");
        assertEquals(1, buffered.recv());
        assertFalse(buffered.sendSurelyBlocks(), "room again");
        assertEquals(2, buffered.tryRecv().value());
        assertTrue(buffered.recvSurelyBlocks(), "drained");
        buffered.close();
        assertFalse(buffered.recvSurelyBlocks(), "a closed channel's receive does not wait");
        assertFalse(buffered.sendSurelyBlocks(), "a closed channel's send fails rather than waits");

        final Chan<Integer> unbuffered = Chan.make();
        assertTrue(unbuffered.recvSurelyBlocks());
        assertTrue(unbuffered.sendSurelyBlocks());
        final AtomicReference<Throwable> gaveUp = new AtomicReference<>();
        final Thread receiver = TestSupport.startCatching(unbuffered::recv, gaveUp);
        await(() -> 1 == unbuffered.recvWaiting(), "the receiver to wait");
        assertFalse(unbuffered.sendSurelyBlocks(), "a receiver waits");
        assertTrue(unbuffered.recvSurelyBlocks(), "no sender waits");
        receiver.interrupt();
        join(receiver);
        assertInstanceOf(CancellationException.class, gaveUp.get());
        assertFalse(unbuffered.trySend(1), "the receiver gave up");
        assertTrue(unbuffered.sendSurelyBlocks(), "the failed poll cleared the stale bit");
        unbuffered.close();
        assertFalse(unbuffered.recvSurelyBlocks());
        assertFalse(unbuffered.sendSurelyBlocks());
    }

    @Test
    void shouldNeverLoseOrDuplicateValuesWhenReceiversAreInterrupted()
    {
        final Chan<Integer> ch = Chan.make();
        final int n = 2_000;
        final ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
        final List<Thread> receivers = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final Thread t = new Thread(() ->
            {
                for (;;)
                {
                    try
                    {
                        final Integer v = ch.recv();
                        if (null == v)
                        {
                            return;
                        }
                        got.add(v);
                    }
                    catch (final CancellationException ex)
                    {
                        Thread.interrupted(); // clear and go on receiving
                    }
                }
            });
            receivers.add(t);
            t.start();
        }
        final Thread interrupter = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                for (final Thread t : receivers)
                {
                    t.interrupt();
                }
                Thread.yield();
            }
        });
        interrupter.start();
        for (int i = 0; i < n; i++)
        {
            ch.send(i);
        }
        interrupter.interrupt();
        join(interrupter);
        ch.close();
        receivers.forEach(TestSupport::join);
        assertEquals(n, got.size(), "every value received exactly once");
        assertEquals(n, got.stream().distinct().count());
    }

    @Test
    void shouldRangeUntilClosed()
    {
        final Chan<Integer> ch = Chan.make(4);
        final CountDownLatch done = new CountDownLatch(1);
        final List<Integer> got = new ArrayList<>();
        Go.go(() ->
        {
            ch.range(got::add);
            done.countDown();
        });
        for (int i = 0; i < 10; i++)
        {
            ch.send(i);
        }
        ch.close();
        await(() -> 0 == done.getCount(), "range to end");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got);
    }

    @Test
    void shouldPropagateBodyExceptionFromRange()
    {
        final Chan<Integer> ch = Chan.make(1);
        ch.send(1);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> ch.range((v) ->
        {
            throw new IllegalStateException("body " + v);
        }));
        assertEquals("body 1", ex.getMessage());
    }

    @Test
    void shouldPingPongBetweenTwoGoroutines()
    {
        final int previous = Go.maxProcs(2);
        try
        {
            final Chan<Integer> ping = Chan.make();
            final Chan<Integer> pong = Chan.make();
            final int rounds = 10_000;
            final CountDownLatch done = new CountDownLatch(2);
            final AtomicReference<Integer> last = new AtomicReference<>();
            Go.go(() ->
            {
                for (Integer v = ping.recv(); null != v; v = ping.recv())
                {
                    pong.send(v + 1);
                }
                done.countDown();
            });
            Go.go(() ->
            {
                int v = 0;
                for (int i = 0; i < rounds; i++)
                {
                    ping.send(v);
                    v = pong.recv();
                }
                last.set(v);
                ping.close();
                done.countDown();
            });
            await(() -> 0 == done.getCount(), "the ping-pong to finish");
            assertEquals(rounds, last.get());
        }
        finally
        {
            Go.maxProcs(previous);
        }
    }
}
