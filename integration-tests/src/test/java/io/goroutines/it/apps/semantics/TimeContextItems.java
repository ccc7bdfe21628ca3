package io.goroutines.it.apps.semantics;

import static io.goroutines.it.apps.semantics.Checklist.check;
import static io.goroutines.it.apps.semantics.Checklist.checkBlocks;
import static io.goroutines.it.apps.semantics.Checklist.checkEquals;
import static io.goroutines.it.apps.semantics.Checklist.checkThrows;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.annotation.Goroutine;
import io.goroutines.Select;
import io.goroutines.context.Context;
import io.goroutines.sync.ErrGroup;
import io.goroutines.sync.Semaphore;
import io.goroutines.time.Ticker;
import io.goroutines.time.Time;
import io.goroutines.time.Timer;

/** Items 54–69 (time) and 97–112 (context, errgroup, semaphore). */
final class TimeContextItems
{
    private TimeContextItems()
    {
    }

    private static Duration ms(final long n)
    {
        return Duration.ofMillis(n);
    }

    static void register(final Checklist c)
    {
        time(c);
        context(c);
        groups(c);
    }

    private static void time(final Checklist c)
    {
        c.item(54, "a timeout is a select case on Time.after", () ->
        {
            final AtomicBoolean timedOut = new AtomicBoolean();
            Select.select(Select.recv(Chan.<Integer>make(), null), Select.recv(Time.after(ms(20)), v -> timedOut.set(true)));
            check(timedOut.get(), "the timeout case fired");
        });
        c.item(55, "sleep lasts at least d; zero or negative returns at once; a huge one does not wrap", () ->
        {
            final long start = System.nanoTime();
            Go.sleep(ms(50));
            check(System.nanoTime() - start >= ms(50).toNanos(), "slept at least 50 ms");
            Go.sleep(Duration.ZERO);
            Go.sleep(ms(-5));
            checkBlocks(() -> Go.sleep(Duration.ofSeconds(Long.MAX_VALUE)), "Sleep(max)");
        });
        c.item(56, "after delivers the fire time, at least start + d", () ->
        {
            final Instant start = Instant.now();
            final Instant fired = Time.after(ms(50)).recv();
            check(!fired.isBefore(start.plus(ms(50))), "fire time " + fired + " >= start + 50 ms " + start);
        });
        c.item(57, "timers fire in deadline order", () ->
        {
            // as Go's TestAfterQueuing: on a loaded machine a woken goroutine may be late by more than
            // the gap between two timers, so it tries five times with wider gaps before it fails
            String failure = "not run";
            for (int attempt = 0; attempt < 5 && null != failure; attempt++)
            {
                failure = afterQueuing(20L + 50L * attempt);
            }
            check(null == failure, failure);
        });
        c.item(58, "Timer.stop is true only for an active timer and does not close c", () ->
        {
            final Timer t = new Timer(Duration.ofSeconds(10));
            check(t.stop(), "stop of an active timer");
            check(!t.stop(), "a second stop");
            check(null == t.c().tryRecv(), "c not closed, nothing in it");
            final Timer fired = new Timer(ms(1));
            fired.c().recv();
            check(!fired.stop(), "stop after the value was received");
        });
        c.item(59, "Timer.reset reports whether it was active and fires about d after the reset", () ->
        {
            final Timer t = new Timer(Duration.ofSeconds(10));
            final long start = System.nanoTime();
            check(t.reset(ms(30)), "reset of an active timer");
            t.c().recv();
            final long tookMs = (System.nanoTime() - start) / 1_000_000;
            check(tookMs >= 30 && tookMs < 5000, "fired " + tookMs + " ms after the reset");
            check(!t.reset(ms(10)), "reset after the value was received");
            t.c().recv();
        });
        c.item(60, "Go 1.23: no stale value after stop or reset returns; len == cap == 0; unreferenced timers collected", () ->
        {
            final Timer t = new Timer(ms(1));
            Go.sleep(ms(20)); // fired, not received
            check(t.stop(), "stop of a fired, unreceived timer reports active (Go 1.23)");
            check(null == t.c().tryRecv(), "the stale value was dropped");
            final Timer r = new Timer(ms(1));
            Go.sleep(ms(20));
            r.reset(Duration.ofSeconds(10));
            check(null == r.c().tryRecv(), "no stale value after reset");
            r.stop();
            final Timer z = new Timer(Duration.ZERO);
            check(0 == z.c().len() && 0 == z.c().cap(), "a timer channel reports len == cap == 0");
            check(null != z.c().tryRecv(), "and still delivers");
            // Unreferenced timers and tickers are collected without stop...
            final List<WeakReference<Object>> refs = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                refs.add(new WeakReference<>(new Timer(Duration.ofHours(1))));
                refs.add(new WeakReference<>(new Ticker(Duration.ofHours(1))));
            }
            for (int i = 0; i < 100 && refs.stream().anyMatch(w -> null != w.get()); i++)
            {
                System.gc();
                Go.sleep(ms(1));
            }
            check(refs.stream().allMatch(w -> null == w.get()), "unreferenced timers and tickers were collected");
            // ...but parked goroutines waiting on unreferenced timers are still woken.
            final Chan<Integer> woken = Chan.make(20);
            for (int i = 0; i < 20; i++)
            {
                final int k = i;
                Go.go(() ->
                {
                    if (0 == k % 2)
                    {
                        Time.after(ms(10 + k)).recv();
                    }
                    else
                    {
                        Select.select(Select.recv(new Timer(ms(10 + k)).c(), null), Select.recv(Chan.make(), null));
                    }
                    woken.send(k);
                });
            }
            int sum = 0;
            for (int i = 0; i < 20; i++)
            {
                System.gc();
                sum += woken.recv();
            }
            check(190 == sum, "every goroutine waiting on an unreferenced timer woke");
        });
        c.item(61, "afterFunc runs in its own goroutine; stop is false once it started", () ->
        {
            final Chan<Long> ran = Chan.make(1);
            final Timer t = Timer.afterFunc(Duration.ZERO, () -> ran.send(Thread.currentThread().getId()));
            ran.recv();
            check(!t.stop(), "stop after the function started");
            final AtomicBoolean never = new AtomicBoolean();
            final Timer later = Timer.afterFunc(Duration.ofSeconds(10), () -> never.set(true));
            check(later.stop(), "stop before it fires");
        });
        c.notApplicable(62, "zero-value Timer panics on stop and reset", "a Java Timer is always built by its constructor");
        c.item(63, "new Timer(0) fires promptly, 100,000 times", () ->
        {
            for (int i = 0; i < 100_000; i++)
            {
                new Timer(Duration.ZERO).c().recv();
            }
        });
        c.item(64, "non-positive Ticker periods fail; tick of a non-positive period is null", () ->
        {
            checkEquals("non-positive interval for NewTicker",
                checkThrows(IllegalArgumentException.class, () -> new Ticker(Duration.ZERO)).getMessage(), "new");
            final Ticker t = new Ticker(ms(100));
            checkEquals("non-positive interval for Ticker.Reset",
                checkThrows(IllegalArgumentException.class, () -> t.reset(ms(-1))).getMessage(), "reset");
            t.stop();
            check(null == Time.tick(Duration.ZERO), "tick(0) is null");
        });
        c.item(65, "a ticker drops ticks for a slow receiver: at most one waits", () ->
        {
            final Ticker t = new Ticker(ms(10));
            Go.sleep(ms(105));
            check(null != t.c().tryRecv(), "one tick waiting");
            check(null == t.c().tryRecv(), "only one");
            t.stop();
        });
        c.item(66, "after Ticker.stop no tick comes", () ->
        {
            final Ticker t = new Ticker(ms(10));
            t.c().recv();
            t.stop();
            checkBlocks(() -> t.c().recv(), "a receive after stop");
        });
        c.item(67, "Ticker.reset changes the period", () ->
        {
            final Ticker t = new Ticker(ms(20));
            final long start = System.nanoTime();
            for (int i = 0; i < 5; i++)
            {
                t.c().recv();
            }
            t.reset(ms(40));
            for (int i = 0; i < 5; i++)
            {
                t.c().recv();
            }
            t.stop();
            final long tookMs = (System.nanoTime() - start) / 1_000_000;
            check(tookMs >= 290 && tookMs < 3000, "5 ticks of 20 ms then 5 of 40 ms took " + tookMs + " ms");
        });
        c.item(68, "10 sequential afters of 100 ms take between 0.9 and 3 s", () ->
        {
            final long start = System.nanoTime();
            for (int i = 0; i < 10; i++)
            {
                Time.after(ms(100)).recv();
            }
            final long tookMs = (System.nanoTime() - start) / 1_000_000;
            check(tookMs >= 900 && tookMs <= 3000, "took " + tookMs + " ms");
        });
        c.item(69, "timers under stress: a 1 ns ticker, and stopped afterFuncs never fire", () ->
        {
            final Ticker t = new Ticker(Duration.ofNanos(1));
            for (int i = 0; i < 100; i++)
            {
                t.c().recv();
            }
            t.stop();
            final AtomicInteger fired = new AtomicInteger();
            final List<Timer> timers = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                timers.add(Timer.afterFunc(ms(200), fired::incrementAndGet));
            }
            Go.sleep(ms(100));
            for (final Timer timer : timers)
            {
                check(timer.stop(), "stop before firing");
            }
            Go.sleep(ms(200));
            checkEquals(0, fired.get(), "stopped functions that ran");
        });
    }

    private static void context(final Checklist c)
    {
        c.item(97, "background is never cancelled: done never fires, err null, no deadline", () ->
        {
            final Context bg = Context.background();
            final AtomicBoolean dflt = new AtomicBoolean();
            Select.select(Select.recv(bg.done(), null), Select.otherwise(() -> dflt.set(true)));
            check(dflt.get() && null == bg.err() && bg.deadline().isEmpty(), "never cancelled");
            checkEquals("context.Background", bg.toString(), "name");
        });
        c.item(98, "cancel closes done of the context and every descendant before it returns", () ->
        {
            final Context.Cancelable root = Context.withCancel(Context.background());
            final List<Context> all = new ArrayList<>();
            Context parent = root;
            for (int i = 0; i < 10; i++)
            {
                parent = 0 == i % 2 ? Context.withCancel(parent) : Context.withValue(parent, "k" + i, i);
                all.add(parent);
            }
            check(null == root.err(), "err null before cancel");
            root.cancel();
            for (final Context ctx : all)
            {
                check(null != ctx.done().tryRecv(), "done closed on return of cancel");
                check(Context.CANCELED == ctx.err(), "err is CANCELED");
            }
            checkEquals("context canceled", Context.CANCELED.getMessage(), "message");
        });
        c.item(99, "cancelling a child does not cancel its parent", () ->
        {
            final Context.Cancelable parent = Context.withCancel(Context.background());
            final Context.Cancelable child = Context.withCancel(parent);
            child.cancel();
            check(null == parent.err(), "parent not cancelled");
            parent.cancel();
        });
        c.item(100, "cancel is idempotent and safe from many goroutines", () ->
        {
            final Context.Cancelable ctx = Context.withCancel(Context.background());
            final io.goroutines.sync.WaitGroup wg = new io.goroutines.sync.WaitGroup();
            for (int i = 0; i < 100; i++)
            {
                wg.add(1);
                Go.go(() ->
                {
                    ctx.cancel();
                    wg.done();
                });
            }
            wg.await();
            check(Context.CANCELED == ctx.err(), "cancelled");
        });
        c.item(101, "a context derived from a cancelled parent is done at once", () ->
        {
            final Context.Cancelable parent = Context.withCancel(Context.background());
            parent.cancel();
            check(Context.CANCELED == Context.withCancel(parent).err(), "withCancel");
            check(Context.CANCELED == Context.withValue(parent, "k", "v").err(), "withValue");
        });
        c.item(102, "deadlines: expiry gives DEADLINE_EXCEEDED; past deadlines are done at once; a child keeps the earlier", () ->
        {
            final Context.Cancelable t = Context.withTimeout(Context.background(), ms(20));
            t.done().recv();
            check(Context.DEADLINE_EXCEEDED == t.err(), "deadline exceeded");
            checkEquals("context deadline exceeded", t.err().getMessage(), "message");
            check(Context.DEADLINE_EXCEEDED == Context.withDeadline(Context.background(), Instant.now().minusSeconds(1)).err(),
                "a past deadline");
            final Context.Cancelable parent = Context.withTimeout(Context.background(), Duration.ofSeconds(1));
            final Context.Cancelable child = Context.withTimeout(parent, Duration.ofHours(1));
            check(child.deadline().orElseThrow().equals(parent.deadline().orElseThrow()), "the child keeps the parent's deadline");
            final Context.Cancelable early = Context.withTimeout(Context.background(), Duration.ofHours(1));
            early.cancel();
            check(Context.CANCELED == early.err(), "cancel before the deadline gives CANCELED");
            parent.cancel();
        });
        c.item(103, "err is null until done closes, then the same value for good", () ->
        {
            final Context.Cancelable ctx = Context.withTimeout(Context.background(), ms(10));
            final RuntimeException first = ctx.done().recv() == null ? ctx.err() : null;
            ctx.cancel();
            check(first == ctx.err() && Context.DEADLINE_EXCEEDED == first, "the same error after a later cancel");
        });
        c.item(104, "values: nil key fails, lookup walks up, innermost wins, null shadows", () ->
        {
            checkThrows(NullPointerException.class, () -> Context.withValue(Context.background(), null, 1));
            final Context a = Context.withValue(Context.background(), "k", "outer");
            final Context b = Context.withValue(Context.withCancel(a), "k", "inner");
            final Context d = Context.withValue(b, "k", null);
            checkEquals("outer", a.value("k"), "outer");
            checkEquals("inner", b.value("k"), "innermost wins");
            check(null == d.value("k"), "a null value shadows");
            check(null == a.value("other"), "unknown key");
        });
        c.item(105, "a null parent fails", () ->
            checkThrows(NullPointerException.class, () -> Context.withCancel(null)));
        c.item(106, "30 layers of value, cancel and timeout contexts keep values and propagate cancel", () ->
        {
            final Context.Cancelable root = Context.withCancel(Context.background());
            Context ctx = root;
            for (int i = 0; i < 30; i++)
            {
                ctx = switch (i % 3)
                {
                    case 0 -> Context.withValue(ctx, "k" + i, i);
                    case 1 -> Context.withCancel(ctx);
                    default -> Context.withTimeout(ctx, Duration.ofHours(1));
                };
            }
            for (int i = 0; i < 30; i += 3)
            {
                checkEquals(i, ctx.value("k" + i), "value " + i);
            }
            root.cancel();
            check(Context.CANCELED == ctx.err(), "cancel reached the bottom");
        });
        c.notApplicable(107, "WithCancelCause, AfterFunc, WithoutCancel", "Go 1.20+ additions, not part of SPEC.md");
    }

    private static void groups(final Checklist c)
    {
        c.item(108, "a zero ErrGroup waits for all and reports the first failure", () ->
        {
            final ErrGroup g = new ErrGroup();
            final IllegalStateException failure = new IllegalStateException("first");
            g.go(() -> { });
            g.go(() ->
            {
                throw failure;
            });
            check(failure == checkThrows(IllegalStateException.class, g::await), "the failure");
        });
        c.item(109, "withContext: cancelled at the first failure and when await returns", () ->
        {
            final ErrGroup g = ErrGroup.withContext(Context.background());
            g.go(() ->
            {
                throw new java.io.IOException("io");
            });
            g.context().done().recv();
            check(checkThrows(CompletionException.class, g::await).getCause() instanceof java.io.IOException, "wrapped checked");
            final ErrGroup ok = ErrGroup.withContext(Context.background());
            ok.go(() -> { });
            ok.await();
            check(Context.CANCELED == ok.context().err(), "cancelled by await");
        });
        c.item(110, "setLimit bounds active tasks; tryGo fails at the limit", () ->
        {
            final ErrGroup g = new ErrGroup();
            g.setLimit(1);
            final Chan<Boolean> gate = Chan.make();
            check(g.tryGo(gate::recv), "first tryGo");
            check(!g.tryGo(() -> { }), "second tryGo at limit 1");
            checkThrows(IllegalStateException.class, () -> g.setLimit(2));
            gate.send(true);
            g.await();
        });
        c.notApplicable(111, "a panic in a task is not recovered",
            "checked in the runtime's ErrGroupTest: an Error escapes as a panic, which ends this program (panic=exit)");
        c.item(112, "Semaphore: FIFO with no barging; cancelled acquire takes nothing; release beyond held fails", () ->
        {
            final Semaphore sem = new Semaphore(2);
            sem.acquire(Context.background(), 1);
            final Chan<String> order = Chan.make(2);
            Go.go(() ->
            {
                sem.acquire(Context.background(), 2);
                order.send("large");
            });
            while (0 == sem.waiting())
            {
                Go.sleep(ms(1));
            }
            check(!sem.tryAcquire(1), "no barging past a waiter");
            final Context.Cancelable ctx = Context.withTimeout(Context.background(), ms(20));
            check(Context.DEADLINE_EXCEEDED == checkThrows(RuntimeException.class, () -> sem.acquire(ctx, 1)), "timed out");
            sem.release(1);
            checkEquals("large", order.recv(), "the large waiter went first");
            sem.release(2);
            checkEquals("semaphore: released more than held",
                checkThrows(IllegalStateException.class, () -> sem.release(1)).getMessage(), "message");
        });
    }

    /**
     * One attempt of item 57: timers {@code deltaMs} apart, started in a scrambled order, each waited
     * for by a goroutine that reports its slot when its timer fires.
     *
     * @return null when the slots came in deadline order, else what came out of order
     */
    @Goroutine
    private static String afterQueuing(final long deltaMs)
    {
        final int[] slots = {5, 3, 6, 6, 6, 1, 1, 2, 7, 9, 4, 8, 0};
        final Chan<Integer> out = Chan.make(slots.length);
        for (final int slot : slots)
        {
            // the timer starts here, in slot order of creation, as in Go's TestAfterQueuing: made
            // inside the goroutine, a goroutine that started late on a loaded machine would start
            // its timer late too, and the order would test the start-up, not the timers
            final RecvChan<Instant> fire = Time.after(ms(deltaMs * slot));
            Go.go(() ->
            {
                fire.recv();
                out.send(slot);
            });
        }
        int last = -1;
        String failure = null;
        for (int i = 0; i < slots.length; i++)
        {
            final int slot = out.recv();
            if (slot < last && null == failure)
            {
                failure = "slot " + slot + " after " + last + " (timers " + deltaMs + " ms apart)";
            }
            last = slot;
        }
        return failure;
    }
}
