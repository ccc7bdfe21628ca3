package io.goroutines.it.apps;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

/**
 * A goroutine program with a {@code @Goroutine main}: goroutines that exchange values over channels
 * (ping-pong, a pipeline, a fan-in closed after a WaitGroup), sleep, yield, and a recursion 2,000
 * frames deep that parks at the bottom. Everything it prints is deterministic; so are the counts of
 * side effects next to the parks, which would grow if a resumed frame ran code a second time.
 */
public final class ChannelsApp
{
    /** Printed last, by main, just before it returns. */
    public static final String DONE = "done";
    /** Round trips of the ping-pong. */
    static final int ROUNDS = 1_000;
    /** Values through the pipeline. */
    static final int PIPELINE = 1_000;
    /** Producers of the fan-in. */
    static final int PRODUCERS = 8;
    /** Values each producer sends. */
    static final int PER_PRODUCER = 250;
    /** Depth of the parking recursion. */
    static final int DEPTH = 2_000;
    /** Goroutines blocked at once while numGoroutine is checked. */
    static final int BLOCKED = 100;

    /** Entries into {@link #deep(int, Chan)}: one per frame, never again on resume. */
    private static final AtomicInteger ENTRIES = new AtomicInteger();
    /** Values the ping-pong responder received. */
    private static final AtomicInteger PINGS = new AtomicInteger();
    /** Values the pipeline's first stage sent. */
    private static final AtomicInteger PRODUCED = new AtomicInteger();
    /** Values the pipeline's second stage squared. */
    private static final AtomicInteger SQUARED = new AtomicInteger();
    /** Values the fan-in producers sent. */
    private static final AtomicInteger FANNED = new AtomicInteger();

    private ChannelsApp()
    {
    }

    /**
     * Runs every part and prints one line each.
     *
     * @param args ignored
     */
    @Goroutine
    public static void main(final String[] args)
    {
        final Thread self = Thread.currentThread();
        System.out.println("main: " + Go.stack(false).lines().findFirst().orElse("?") + " on a carrier thread: " +
            (self.getName().startsWith("goroutines-carrier-") && !"main".equals(self.getName())));
        System.out.println("numGoroutine at start: " + Go.numGoroutine());
        System.out.println("ping-pong: " + pingPong(ROUNDS));
        System.out.println("pipeline: sum of squares 1.." + PIPELINE + " = " + pipeline(PIPELINE));
        System.out.println("fan-in: " + fanIn());
        System.out.println("sleep: " + sleep());
        System.out.println("gosched: " + gosched());
        System.out.println("deep: " + deepInGoroutine() + " in a goroutine, " + deepInMain() + " in main");
        awaitOnlyMain();
        System.out.println("numGoroutine with " + BLOCKED + " blocked: " + blockedCount());
        awaitOnlyMain();
        System.out.println("numGoroutine after they returned: " + Go.numGoroutine());
        System.out.println("side effects: entries=" + ENTRIES.get() + " pings=" + PINGS.get() + " produced=" +
            PRODUCED.get() + " squared=" + SQUARED.get() + " fanned=" + FANNED.get());
        System.out.println(DONE);
    }

    /** Two goroutines pass a counter back and forth over two unbuffered channels. */
    @Goroutine
    static int pingPong(final int rounds)
    {
        final Chan<Integer> ping = Chan.make();
        final Chan<Integer> pong = Chan.make();
        Go.go(() ->
        {
            for (Integer v = ping.recv(); null != v; v = ping.recv())
            {
                PINGS.incrementAndGet();
                pong.send(v + 1);
            }
            pong.close();
        });
        int v = 0;
        for (int i = 0; i < rounds; i++)
        {
            ping.send(v);
            v = pong.recv();
        }
        ping.close();
        return null == pong.recv() ? v : -1;
    }

    /** numbers -> squares -> sum, each stage a goroutine, buffered channels between them. */
    @Goroutine
    static long pipeline(final int n)
    {
        final Chan<Integer> numbers = Chan.make(16);
        final Chan<Long> squares = Chan.make(16);
        Go.go(() ->
        {
            for (int i = 1; i <= n; i++)
            {
                PRODUCED.incrementAndGet();
                numbers.send(i);
            }
            numbers.close();
        });
        Go.go(() ->
        {
            numbers.range((v) ->
            {
                SQUARED.incrementAndGet();
                squares.send((long)v * v);
            });
            squares.close();
        });
        long sum = 0;
        for (Long s = squares.recv(); null != s; s = squares.recv())
        {
            sum += s;
        }
        return sum;
    }

    /** Producers send to one channel; a goroutine closes it once the WaitGroup says they are done. */
    @Goroutine
    static String fanIn()
    {
        final Chan<Integer> merged = Chan.make(4);
        final WaitGroup wg = new WaitGroup();
        for (int p = 0; p < PRODUCERS; p++)
        {
            final int base = p * 1_000;
            wg.add(1);
            Go.go(() ->
            {
                for (int i = 0; i < PER_PRODUCER; i++)
                {
                    FANNED.incrementAndGet();
                    merged.send(base + i);
                }
                wg.done();
            });
        }
        Go.go(() ->
        {
            wg.await();
            merged.close();
        });
        long sum = 0;
        int count = 0;
        for (Integer v = merged.recv(); null != v; v = merged.recv())
        {
            sum += v;
            count++;
        }
        return count + " values, sum " + sum;
    }

    /** Go.sleep in main and in ten goroutines at once. */
    @Goroutine
    static String sleep()
    {
        final long startNs = System.nanoTime();
        Go.sleep(Duration.ofMillis(20));
        final long sleptMs = (System.nanoTime() - startNs) / 1_000_000;
        final WaitGroup wg = new WaitGroup();
        final AtomicInteger woke = new AtomicInteger();
        for (int i = 0; i < 10; i++)
        {
            wg.add(1);
            Go.go(() ->
            {
                Go.sleep(Duration.ofMillis(5));
                woke.incrementAndGet();
                wg.done();
            });
        }
        wg.await();
        Go.sleep(Duration.ZERO);
        return (sleptMs >= 20 ? "at least 20 ms" : "only " + sleptMs + " ms") + ", " + woke.get() + " sleepers woke";
    }

    /** On one P, main yields until another goroutine has run: Gosched hands the P over. */
    @Goroutine
    static String gosched()
    {
        final int previous = Go.maxProcs(1);
        final AtomicInteger flag = new AtomicInteger();
        Go.go(() -> flag.set(1));
        while (0 == flag.get())
        {
            Go.gosched();
        }
        Go.maxProcs(previous);
        return "the other goroutine ran while main yielded on 1 P";
    }

    /** Recurses {@code n} frames deep (each a rewritten frame) and parks at the bottom. */
    @Goroutine
    static long deep(final int n, final Chan<Integer> in)
    {
        ENTRIES.incrementAndGet();
        if (0 == n)
        {
            return in.recv();
        }
        return 1 + deep(n - 1, in);
    }

    @Goroutine
    static long deepInGoroutine()
    {
        final Chan<Integer> in = Chan.make();
        final Chan<Long> result = Chan.make();
        Go.go(() -> result.send(deep(DEPTH, in)));
        in.send(7);
        return result.recv();
    }

    @Goroutine
    static long deepInMain()
    {
        final Chan<Integer> in = Chan.make();
        Go.go(() -> in.send(5));
        return deep(DEPTH, in);
    }

    /** Starts goroutines that block on a channel; counts them while they are all blocked, then releases them. */
    @Goroutine
    static int blockedCount()
    {
        final WaitGroup started = new WaitGroup();
        final Chan<Integer> release = Chan.make();
        for (int i = 0; i < BLOCKED; i++)
        {
            started.add(1);
            Go.go(() ->
            {
                started.done();
                release.recv();
            });
        }
        started.await();
        final int n = Go.numGoroutine();
        release.close();
        return n;
    }

    /** Yields until every other goroutine has returned (a finished goroutine leaves the count when it ends). */
    @Goroutine
    static void awaitOnlyMain()
    {
        while (Go.numGoroutine() > 1)
        {
            Go.gosched();
        }
    }
}
