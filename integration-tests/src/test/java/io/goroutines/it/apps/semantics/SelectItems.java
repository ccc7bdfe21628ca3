package io.goroutines.it.apps.semantics;

import static io.goroutines.it.apps.semantics.Checklist.awaitFlag;
import static io.goroutines.it.apps.semantics.Checklist.check;
import static io.goroutines.it.apps.semantics.Checklist.checkBlocks;
import static io.goroutines.it.apps.semantics.Checklist.checkEquals;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.Select;
import io.goroutines.sync.WaitGroup;

/** Items 37–53: select. */
final class SelectItems
{
    private SelectItems()
    {
    }

    static void register(final Checklist c)
    {
        c.item(37, "cases are evaluated once, in source order, whichever is chosen", () ->
        {
            final List<String> order = new ArrayList<>();
            final Chan<Integer> ready = Chan.make(1);
            ready.send(1);
            Select.select(
                Select.recv(evaluate(order, "c1", null), null),
                Select.send(evaluate(order, "c2", Chan.<Integer>make()), value(order, "v2"), null),
                Select.recv(evaluate(order, "c3", ready), null),
                Select.otherwise(null));
            checkEquals(List.of("c1", "c2", "v2", "c3"), order, "evaluation order");
        });
        c.item(38, "only the chosen case's body runs", () ->
        {
            final AtomicInteger bodies = new AtomicInteger();
            final Chan<Integer> ready = Chan.make(1);
            ready.send(1);
            Select.select(Select.recv(Chan.<Integer>make(), v -> bodies.addAndGet(100)), Select.recv(ready, v -> bodies.incrementAndGet()));
            checkEquals(1, bodies.get(), "bodies run");
        });
        c.item(39, "ready cases are chosen uniformly at random", () ->
        {
            final int trials = 10_000;
            final Chan<Integer> c1 = Chan.make(1);
            final Chan<Integer> c2 = Chan.make(1);
            final int[] counts = new int[4];
            for (int i = 0; i < trials; i++)
            {
                c1.trySend(1);
                c2.trySend(2);
                Select.select(Select.recv(c1, v -> counts[0]++), Select.recv(c2, v -> counts[1]++),
                    Select.recv(Chan.<Integer>make(), v -> counts[2]++), Select.recv(Chan.<Integer>make(), v -> counts[3]++));
            }
            final double share = counts[0] / (double)trials;
            check(Math.abs(share - 0.5) <= 4.891676 / (2 * Math.sqrt(trials)), "share of case 1 within 6 nines: " + share);
            // Three always-ready cases: chi-square with 2 degrees of freedom below 27.6 (about 1e-6).
            final int n3 = 30_000;
            final int[] three = new int[3];
            final Chan<Integer> a = Chan.make(1);
            final Chan<Integer> b = Chan.make(1);
            final Chan<Integer> d = Chan.make(1);
            for (int i = 0; i < n3; i++)
            {
                a.trySend(1);
                b.trySend(1);
                d.trySend(1);
                Select.select(Select.recv(a, v -> three[0]++), Select.recv(b, v -> three[1]++), Select.recv(d, v -> three[2]++));
            }
            double chi2 = 0;
            for (final int k : three)
            {
                chi2 += (k - n3 / 3.0) * (k - n3 / 3.0) / (n3 / 3.0);
            }
            check(chi2 < 27.6, "chi-square of 3 ready cases " + chi2 + " " + java.util.Arrays.toString(three));
        });
        c.item(40, "with no case ready the default runs at once", () ->
        {
            final AtomicBoolean dflt = new AtomicBoolean();
            Select.select(Select.recv(Chan.<Integer>make(), null), Select.send(Chan.<Integer>make(), 1, null),
                Select.otherwise(() -> dflt.set(true)));
            check(dflt.get(), "default ran");
            // the default's body may park (a goroutine's select forwards to the rewritten select, which
            // saves its frame): it waits here until fed
            final Chan<Integer> feed = Chan.make();
            final AtomicInteger fed = new AtomicInteger();
            final AtomicBoolean bodyDone = checkBlocks(() -> Select.select(Select.recv(Chan.<Integer>make(), null),
                Select.otherwise(() -> fed.set(feed.recv()))), "a default's body waiting on a channel");
            feed.send(5);
            awaitFlag(bodyDone, "the default's body");
            checkEquals(5, fed.get(), "value fed to the default's body");
        });
        c.item(41, "with no case ready and no default, select blocks until one can proceed", () ->
        {
            final Chan<Integer> ch = Chan.make();
            final AtomicInteger got = new AtomicInteger();
            final AtomicBoolean done = checkBlocks(() -> Select.select(Select.recv(ch, got::set)), "select");
            ch.send(7);
            awaitFlag(done, "the select");
            checkEquals(7, got.get(), "value");
            // woken, its case body may park in turn
            final Chan<Integer> feed = Chan.make();
            final AtomicBoolean bodyDone = checkBlocks(() -> Select.select(Select.recv(ch, v -> got.set(v + feed.recv()))),
                "a select whose body then waits");
            ch.send(7);
            feed.send(1);
            awaitFlag(bodyDone, "the select's body");
            checkEquals(8, got.get(), "value");
        });
        c.item(42, "a select with no cases blocks forever", () -> checkBlocks(Select::select, "select()"));
        c.item(43, "a case on a nil channel is never chosen", () ->
        {
            final AtomicBoolean dflt = new AtomicBoolean();
            Select.select(Select.recv(null, v -> check(false, "fired")), Select.otherwise(() -> dflt.set(true)));
            check(dflt.get(), "default taken");
            checkBlocks(() -> Select.select(Select.recv(null, null), Select.send(null, 1, null)), "only null cases");
            final Chan<Integer> live = Chan.make(1);
            live.send(3);
            final AtomicInteger got = new AtomicInteger();
            Select.select(Select.recv(null, v -> got.set(-1)), Select.recv(live, got::set));
            checkEquals(3, got.get(), "the live case");
        });
        c.item(44, "a receive case on a closed channel is ready with (null, false)", () ->
        {
            final Chan<Integer> ch = Chan.make();
            ch.close();
            final AtomicBoolean closed = new AtomicBoolean();
            Select.select(Select.recvOk(ch, (v, ok) -> closed.set(null == v && !ok)));
            check(closed.get(), "(null, false)");
        });
        c.item(45, "a send case on a closed channel is ready and fails if chosen; another ready case may win", () ->
        {
            final Chan<Integer> closed = Chan.make(1);
            closed.close();
            int failed = 0;
            int received = 0;
            for (int i = 0; i < 200; i++)
            {
                final Chan<Integer> ready = Chan.make(1);
                ready.send(1);
                try
                {
                    Select.select(Select.send(closed, 1, null), Select.recv(ready, null));
                    received++;
                }
                catch (final IllegalStateException ex)
                {
                    checkEquals("send on closed channel", ex.getMessage(), "message");
                    failed++;
                }
            }
            check(failed > 20 && received > 20, "both outcomes: failed " + failed + ", received " + received);
        });
        c.item(46, "select sees all channels at one instant: default never while a case is ready throughout", () ->
        {
            for (final boolean viaClose : new boolean[] {false, true})
            {
                final Chan<Boolean> done = Chan.make(1);
                for (int i = 0; i < 100_000; i++)
                {
                    final Chan<Integer> c1 = Chan.make(1);
                    final Chan<Integer> c2 = Chan.make(1);
                    c1.send(1);
                    Go.go(() -> Select.select(Select.recv(c1, v -> done.send(true)), Select.recv(c2, v -> done.send(true)),
                        Select.otherwise(() -> done.send(false))));
                    if (viaClose)
                    {
                        c2.close();
                    }
                    else
                    {
                        c2.send(1);
                    }
                    Select.select(Select.recv(c1, null), Select.otherwise(null));
                    check(done.recv(), "no channel was ready at iteration " + i + (viaClose ? " (close)" : ""));
                }
            }
        });
        c.item(47, "a non-blocking receive of a buffered value racing close receives", () ->
        {
            final Chan<Boolean> done = Chan.make(1);
            for (int i = 0; i < 10_000; i++)
            {
                final Chan<Integer> ch = Chan.make(1);
                ch.send(1);
                Go.go(() -> Select.select(Select.recv(ch, v -> done.send(true)), Select.otherwise(() -> done.send(false))));
                ch.close();
                check(done.recv(), "received at iteration " + i);
            }
        });
        c.item(48, "a select never matches its own send and receive", () ->
        {
            for (final int cap : new int[] {0, 10})
            {
                final Chan<Integer> ch = Chan.make(cap);
                final WaitGroup wg = new WaitGroup();
                final AtomicInteger self = new AtomicInteger();
                wg.add(2);
                for (int p = 0; p < 2; p++)
                {
                    final int me = p;
                    Go.go(() ->
                    {
                        for (int i = 0; i < 1000; i++)
                        {
                            if (0 == me && 999 == i)
                            {
                                ch.send(me);
                            }
                            else
                            {
                                Select.select(Select.send(ch, me, null), Select.recv(ch, v ->
                                {
                                    if (0 == ch.cap() && v == me)
                                    {
                                        self.incrementAndGet();
                                    }
                                }));
                            }
                        }
                        wg.done();
                    });
                }
                wg.await();
                checkEquals(0, self.get(), "own values received at cap " + cap);
            }
        });
        c.item(49, "a channel in several cases: woken through one, the select leaves every queue", () ->
        {
            final Chan<Integer> c1 = Chan.make();
            final Chan<Integer> c2 = Chan.make();
            final AtomicInteger got = new AtomicInteger();
            final AtomicBoolean done = checkBlocks(() -> Select.select(Select.recv(c1, v -> got.set(-1)),
                Select.recv(c1, v -> got.set(-2)), Select.recv(c2, got::set)), "select");
            c2.send(5);
            awaitFlag(done, "the select");
            checkEquals(5, got.get(), "value through c2");
            check(!c1.trySend(1), "no stale receiver left on c1");
            final AtomicBoolean plain = checkBlocks(() -> got.set(c1.recv()), "a plain receiver on c1");
            c1.send(9);
            awaitFlag(plain, "the plain receiver");
            checkEquals(9, got.get(), "c1 still works");
        });
        c.item(50, "exactly one case commits per select: no value delivered twice", () ->
        {
            final int n = 100_000;
            final List<Chan<Integer>> chans = List.of(Chan.make(), Chan.make(), Chan.make(), Chan.make());
            final Chan<Integer> mux = Chan.make();
            final WaitGroup muxers = new WaitGroup();
            Go.go(() ->
            {
                for (int i = 0; i < n; i++)
                {
                    Select.select(Select.send(chans.get(0), i, null), Select.send(chans.get(1), i, null),
                        Select.send(chans.get(2), i, null), Select.send(chans.get(3), i, null));
                }
                for (final Chan<Integer> ch : chans)
                {
                    ch.close();
                }
            });
            for (final Chan<Integer> ch : chans)
            {
                muxers.add(1);
                Go.go(() ->
                {
                    ch.range(mux::send);
                    muxers.done();
                });
            }
            Go.go(() ->
            {
                muxers.await();
                mux.close();
            });
            final ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
            final AtomicInteger duplicates = new AtomicInteger();
            mux.range(v ->
            {
                if (null != seen.put(v, true))
                {
                    duplicates.incrementAndGet();
                }
            });
            checkEquals(0, duplicates.get(), "duplicates");
            checkEquals(n, seen.size(), "values");
        });
        c.notApplicable(51, "break inside a case", "a case body is a lambda: return leaves the body and the select, never a loop around it");
        c.item(52, "a select blocked on many channels is dequeued in O(1): 2n goroutines take under 3x of n", () ->
        {
            // Go's test/chanlinear.go: retried, as Go does, because timing on shared machines is noisy.
            String last = "";
            for (int attempt = 0; attempt < 5; attempt++)
            {
                final long t1 = chanLinear(2000);
                final long t2 = chanLinear(4000);
                if (t2 < 3 * t1)
                {
                    return;
                }
                last = "n: " + t1 / 1000 + " us, 2n: " + t2 / 1000 + " us";
            }
            check(false, "not linear after 5 attempts; " + last);
        });
        c.item(53, "repeated selects do not keep memory", () ->
        {
            final Chan<Integer> a = Chan.make(1);
            final Chan<Integer> b = Chan.make();
            for (int i = 0; i < 100_000; i++) // warm up
            {
                a.send(i);
                Select.select(Select.recv(a, null), Select.recv(b, null));
            }
            final long before = liveHeap();
            for (int i = 0; i < 100_000; i++)
            {
                a.send(i);
                Select.select(Select.recv(a, null), Select.recv(b, null));
            }
            final long grown = liveHeap() - before;
            check(grown < 1_000_000, "live heap grew " + grown + " bytes over 100,000 selects");
        });
    }

    /** Go's chanlinear: n goroutines each blocked in a select on its own channel and a shared one. */
    @io.goroutines.annotation.Goroutine
    private static long chanLinear(final int n)
    {
        final long start = System.nanoTime();
        final Chan<Integer> shared = Chan.make();
        final WaitGroup wg = new WaitGroup();
        final List<Chan<Integer>> own = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final Chan<Integer> mine = Chan.make();
            own.add(mine);
            wg.add(1);
            Go.go(() ->
            {
                for (int k = 0; k < 10; k++)
                {
                    Select.select(Select.recv(mine, null), Select.recv(shared, null));
                }
                wg.done();
            });
        }
        for (int k = 0; k < 10; k++)
        {
            for (final Chan<Integer> mine : own)
            {
                mine.send(k);
            }
        }
        wg.await();
        return System.nanoTime() - start;
    }

    private static long liveHeap()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static <T> Chan<T> evaluate(final List<String> order, final String name, final Chan<T> ch)
    {
        order.add(name);
        return ch;
    }

    private static Integer value(final List<String> order, final String name)
    {
        order.add(name);
        return 2;
    }
}
