package io.goroutines.internal.chan;

import io.goroutines.Go;
import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;
import io.goroutines.sync.WaitGroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lock-free prototype channel: Go's semantics for send, receive and close, and, under load from
 * goroutines and plain threads mixed, every element delivered exactly once and in order per producer.
 */
@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SegmentChanTest
{
    @Test
    void shouldRejectNegativeCapacityAndNullElements()
    {
        assertEquals("makechan: size out of range",
            assertThrows(IllegalArgumentException.class, () -> SegmentChan.make(-1)).getMessage());
        final SegmentChan<String> ch = SegmentChan.make(1);
        assertThrows(NullPointerException.class, () -> ch.send(null));
        assertEquals(0, ch.sendTickets(), "a refused element takes no ticket");
    }

    @Test
    void shouldBufferUpToCapacityInFifoOrderThenBlockTheSender()
    {
        final SegmentChan<Integer> ch = SegmentChan.make(3);
        for (int i = 0; i < 3; i++)
        {
            ch.send(i); // room in the buffer: returns at once
        }
        final Thread sender = new Thread(() -> ch.send(3));
        sender.start();
        await(() -> 4 == ch.sendTickets(), "the fourth sender to take its ticket");
        assertTrue(sender.isAlive(), "the buffer is full: the fourth sender waits");
        for (int i = 0; i < 4; i++)
        {
            assertEquals(i, ch.recv());
        }
        join(sender);
    }

    @Test
    void shouldRendezvousBetweenGoroutineAndThread()
    {
        final SegmentChan<String> ch = SegmentChan.make();
        final SegmentChan<String> back = SegmentChan.make();
        Go.go(() -> back.send(ch.recv() + "!"));
        ch.send("ping");
        assertEquals("ping!", back.recv());
    }

    @Test
    void shouldWakeWaitingReceiversWithNullOnClose()
    {
        final SegmentChan<Integer> ch = SegmentChan.make();
        final int n = 4;
        final ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        final WaitGroup done = new WaitGroup();
        done.add(n);
        for (int i = 0; i < n; i++)
        {
            TestSupport.startMixed(i, () ->
            {
                results.add(String.valueOf(ch.recv()));
                done.done();
            }, threads);
        }
        await(() -> n == ch.receiveTickets(), "the receivers to take their tickets");
        ch.close();
        done.await();
        threads.forEach(TestSupport::join);
        assertEquals(List.of("null", "null", "null", "null"), new ArrayList<>(results));
        assertNull(ch.recv(), "closed and drained");
    }

    @Test
    void shouldFailWaitingSendersButDeliverBufferedElementsOnClose()
    {
        final SegmentChan<String> ch = SegmentChan.make(1);
        ch.send("buffered");
        final int n = 2;
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        final WaitGroup done = new WaitGroup();
        done.add(n);
        for (int i = 0; i < n; i++)
        {
            TestSupport.startMixed(i, () ->
            {
                try
                {
                    ch.send("late");
                }
                catch (final IllegalStateException ex)
                {
                    failures.add(ex.getMessage());
                }
                done.done();
            }, threads);
        }
        await(() -> 1 + n == ch.sendTickets(), "the senders to take their tickets");
        ch.close();
        done.await();
        threads.forEach(TestSupport::join);
        assertEquals(List.of("send on closed channel", "send on closed channel"), new ArrayList<>(failures));
        assertEquals("buffered", ch.recv());
        assertNull(ch.recv());
        assertNull(ch.recv());
        assertEquals("send on closed channel", assertThrows(IllegalStateException.class, () -> ch.send("x")).getMessage());
        assertEquals("close of closed channel", assertThrows(IllegalStateException.class, ch::close).getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 10})
    void shouldDeliverEveryElementExactlyOnceInProducerOrder(final int capacity)
    {
        final SegmentChan<Integer> ch = SegmentChan.make(capacity);
        final int producers = 4;
        final int consumers = 4;
        final int perProducer = 50_000;
        final int total = producers * perProducer;
        final AtomicIntegerArray seen = new AtomicIntegerArray(total);
        final AtomicLong sum = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicReference<String> disorder = new AtomicReference<>();
        final WaitGroup producing = new WaitGroup();
        final WaitGroup consuming = new WaitGroup();
        producing.add(producers);
        consuming.add(consumers);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int base = p * perProducer;
            TestSupport.startMixed(p, () ->
            {
                for (int i = 0; i < perProducer; i++)
                {
                    ch.send(base + i);
                }
                producing.done();
            }, threads);
        }
        for (int c = 0; c < consumers; c++)
        {
            TestSupport.startMixed(c + 1, () -> // +1: consumer 0 is a plain thread, producer 0 a goroutine
            {
                final int[] last = new int[producers];
                Arrays.fill(last, -1);
                long n = 0;
                for (Integer v = ch.recv(); null != v; v = ch.recv())
                {
                    final int p = v / perProducer;
                    final int seq = v % perProducer;
                    if (seq <= last[p])
                    {
                        disorder.compareAndSet(null, "producer " + p + ": " + seq + " after " + last[p]);
                    }
                    last[p] = seq;
                    seen.incrementAndGet(v);
                    sum.addAndGet(v);
                    n++;
                }
                received.addAndGet(n);
                consuming.done();
            }, threads);
        }
        producing.await();
        ch.close();
        consuming.await();
        threads.forEach(TestSupport::join);
        assertNull(disorder.get(), "each consumer sees each producer's elements in send order");
        assertEquals(total, received.get());
        for (int i = 0; i < total; i++)
        {
            assertEquals(1, seen.get(i), "element " + i);
        }
        assertEquals((long)total * (total - 1) / 2, sum.get());
    }
}
