package io.goroutines.it.apps.semantics;

import static io.goroutines.it.apps.semantics.Checklist.check;
import static io.goroutines.it.apps.semantics.Checklist.checkEquals;

import java.util.concurrent.atomic.AtomicLong;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.Select;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

/** Stress programs after Go's test/chan, with exact results. */
final class StressItems
{
    private StressItems()
    {
    }

    static void register(final Checklist c)
    {
        c.stress("prime sieve to the 1000th prime (test/chan/sieve1.go)", () ->
        {
            final Chan<Integer> numbers = Chan.make();
            Go.go(() ->
            {
                for (int i = 2; ; i++)
                {
                    numbers.send(i);
                }
            });
            RecvChan<Integer> ch = numbers;
            int prime = 0;
            for (int i = 0; i < 1000; i++)
            {
                prime = ch.recv();
                ch = filter(ch, prime);
            }
            checkEquals(7919, prime, "the 1000th prime");
        });
        c.stress("a chain of 10,000 goroutines passing one value (test/chan/goroutines.go)", () ->
        {
            final Chan<Integer> leftmost = Chan.make();
            Chan<Integer> left = leftmost;
            for (int i = 0; i < 10_000; i++)
            {
                final Chan<Integer> right = Chan.make();
                final Chan<Integer> l = left;
                Go.go(() -> l.send(1 + right.recv()));
                left = right;
            }
            final Chan<Integer> rightmost = left;
            Go.go(() -> rightmost.send(0));
            checkEquals(10_000, leftmost.recv(), "hops counted");
        });
        c.stress("23 consumers take 271,828 items: exact count and sum (TestMultiConsumer)", () ->
        {
            final int items = 271_828;
            final Chan<Integer> q = Chan.make(19);
            final Chan<Long> results = Chan.make();
            final WaitGroup wg = new WaitGroup();
            final AtomicLong count = new AtomicLong();
            for (int i = 0; i < 23; i++)
            {
                wg.add(1);
                Go.go(() ->
                {
                    long sum = 0;
                    for (Integer v = q.recv(); null != v; v = q.recv())
                    {
                        sum += v;
                        count.incrementAndGet();
                    }
                    wg.done();
                    results.send(sum);
                });
            }
            long expected = 0;
            for (int i = 0; i < items; i++)
            {
                q.send(i);
                expected += i;
            }
            q.close();
            wg.await();
            long sum = 0;
            for (int i = 0; i < 23; i++)
            {
                sum += results.recv();
            }
            checkEquals((long)items, count.get(), "items received");
            checkEquals(expected, sum, "sum");
        });
        c.stress("select and plain senders and receivers mixed (TestSelectStress)", () ->
        {
            final int n = 100_000;
            final Chan<Integer>[] chans = newChans();
            final AtomicLong received = new AtomicLong();
            final AtomicLong sum = new AtomicLong();
            final WaitGroup wg = new WaitGroup();
            // Plain senders and receivers on each channel, and select senders and receivers on all.
            for (int k = 0; k < 4; k++)
            {
                final Chan<Integer> ch = chans[k];
                wg.add(2);
                Go.go(() ->
                {
                    for (int i = 0; i < n; i++)
                    {
                        ch.send(i);
                    }
                    wg.done();
                });
                Go.go(() ->
                {
                    for (int i = 0; i < n; i++)
                    {
                        sum.addAndGet(ch.recv());
                        received.incrementAndGet();
                    }
                    wg.done();
                });
            }
            wg.add(2);
            Go.go(() ->
            {
                // Sends n values on each channel through a select that drops a channel once it had n.
                final int[] sent = new int[4];
                for (int left = 4 * n; left > 0; left--)
                {
                    Select.select(
                        Select.send(sent[0] < n ? chans[0] : null, sent[0], () -> sent[0]++),
                        Select.send(sent[1] < n ? chans[1] : null, sent[1], () -> sent[1]++),
                        Select.send(sent[2] < n ? chans[2] : null, sent[2], () -> sent[2]++),
                        Select.send(sent[3] < n ? chans[3] : null, sent[3], () -> sent[3]++));
                }
                wg.done();
            });
            Go.go(() ->
            {
                final int[] got = new int[4];
                for (int left = 4 * n; left > 0; left--)
                {
                    Select.select(
                        Select.recv(got[0] < n ? chans[0] : null, v -> took(got, 0, v, sum, received)),
                        Select.recv(got[1] < n ? chans[1] : null, v -> took(got, 1, v, sum, received)),
                        Select.recv(got[2] < n ? chans[2] : null, v -> took(got, 2, v, sum, received)),
                        Select.recv(got[3] < n ? chans[3] : null, v -> took(got, 3, v, sum, received)));
                }
                wg.done();
            });
            wg.await();
            checkEquals(8L * n, received.get(), "values received");
            checkEquals(8L * ((long)n * (n - 1) / 2), sum.get(), "sum");
            for (final Chan<Integer> ch : chans)
            {
                check(null == ch.tryRecv(), "nothing left over");
            }
        });
    }

    private static void took(final int[] got, final int k, final int v, final AtomicLong sum, final AtomicLong received)
    {
        got[k]++;
        sum.addAndGet(v);
        received.incrementAndGet();
    }

    @SuppressWarnings("unchecked")
    private static Chan<Integer>[] newChans()
    {
        final Chan<Integer>[] chans = new Chan[4];
        for (int i = 0; i < 4; i++)
        {
            chans[i] = Chan.make();
        }
        return chans;
    }

    /** The sieve's filter: passes on the values of {@code in} that {@code prime} does not divide. */
    @Goroutine
    private static RecvChan<Integer> filter(final RecvChan<Integer> in, final int prime)
    {
        final Chan<Integer> out = Chan.make();
        Go.go(() ->
        {
            for (;;)
            {
                final int v = in.recv();
                if (0 != v % prime)
                {
                    out.send(v);
                }
            }
        });
        return out;
    }
}
