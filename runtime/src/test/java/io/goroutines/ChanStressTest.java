package io.goroutines;

import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;
import io.goroutines.sync.WaitGroup;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many producers and consumers, goroutines and plain threads mixed, on buffered and unbuffered
 * channels: every value must arrive exactly once.
 */
@ExtendWith(NoPanics.class)
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ChanStressTest
{
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16})
    void shouldDeliverEveryValueExactlyOnce(final int capacity)
    {
        final Chan<Integer> ch = Chan.make(capacity);
        final int producers = 6;
        final int consumers = 6;
        final int perProducer = 20_000;
        final int total = producers * perProducer;
        final AtomicIntegerArray seen = new AtomicIntegerArray(total);
        final AtomicLong sum = new AtomicLong();
        final WaitGroup producing = new WaitGroup();
        final WaitGroup consuming = new WaitGroup();
        producing.add(producers);
        consuming.add(consumers);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int base = p * perProducer;
            final Task body = () ->
            {
                for (int i = 0; i < perProducer; i++)
                {
                    ch.send(base + i);
                }
                producing.done();
            };
            TestSupport.startMixed(p, body, threads);
        }
        for (int c = 0; c < consumers; c++)
        {
            final Task body = () ->
            {
                ch.range((v) ->
                {
                    seen.incrementAndGet(v);
                    sum.addAndGet(v);
                });
                consuming.done();
            };
            TestSupport.startMixed(c, body, threads);
        }
        producing.await();
        ch.close();
        consuming.await();
        threads.forEach(TestSupport::join);
        for (int i = 0; i < total; i++)
        {
            assertEquals(1, seen.get(i), "value " + i);
        }
        assertEquals((long)total * (total - 1) / 2, sum.get());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4})
    void shouldPassValuesThroughPipelineInOrder(final int capacity)
    {
        final int stages = 64;
        final int values = 5_000;
        final List<Chan<Integer>> chans = new ArrayList<>();
        for (int i = 0; i <= stages; i++)
        {
            chans.add(Chan.make(capacity));
        }
        for (int i = 0; i < stages; i++)
        {
            final Chan<Integer> in = chans.get(i);
            final Chan<Integer> out = chans.get(i + 1);
            Go.go(() ->
            {
                in.range((v) -> out.send(v + 1));
                out.close();
            });
        }
        Go.go(() ->
        {
            for (int v = 0; v < values; v++)
            {
                chans.get(0).send(v);
            }
            chans.get(0).close();
        });
        final Chan<Integer> last = chans.get(stages);
        for (int v = 0; v < values; v++)
        {
            assertEquals(v + stages, last.recv(), "FIFO through every stage");
        }
        assertEquals(new Received<Integer>(null, false), last.recvOk());
    }
}
