package io.goroutines.it.apps.semantics;

import static io.goroutines.it.apps.semantics.Checklist.awaitFlag;
import static io.goroutines.it.apps.semantics.Checklist.check;
import static io.goroutines.it.apps.semantics.Checklist.checkBlocks;
import static io.goroutines.it.apps.semantics.Checklist.checkEquals;
import static io.goroutines.it.apps.semantics.Checklist.checkThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.sync.Cond;
import io.goroutines.sync.Mutex;
import io.goroutines.sync.Once;
import io.goroutines.sync.RWMutex;
import io.goroutines.sync.WaitGroup;

/** Items 70–96: WaitGroup, Mutex, RWMutex, Once, Cond. */
final class SyncItems
{
    private SyncItems()
    {
    }

    /** Shared plain counters, guarded by the primitive under test. */
    private static int counter;

    static void register(final Checklist c)
    {
        waitGroup(c);
        mutex(c);
        rwMutex(c);
        onceAndCond(c);
    }

    private static void waitGroup(final Checklist c)
    {
        c.item(70, "WaitGroup.await blocks until zero, and returns at once at zero", () ->
        {
            final WaitGroup wg = new WaitGroup();
            wg.await();
            wg.add(2);
            final AtomicBoolean waited = checkBlocks(wg::await, "await with counter 2");
            wg.done();
            Go.sleep(Duration.ofMillis(10));
            check(!waited.get(), "await returned with counter 1");
            wg.done();
            awaitFlag(waited, "await at zero");
        });
        c.item(71, "a negative WaitGroup counter fails with sync: negative WaitGroup counter", () ->
            checkEquals("sync: negative WaitGroup counter",
                checkThrows(IllegalStateException.class, () -> new WaitGroup().done()).getMessage(), "message"));
        c.item(72, "a WaitGroup is reusable once await returned (a barrier of 16, 8 times)", () ->
        {
            final WaitGroup wg1 = new WaitGroup();
            final WaitGroup wg2 = new WaitGroup();
            final Chan<Integer> exited = Chan.make(16);
            for (int round = 0; round < 8; round++)
            {
                wg1.add(16);
                wg2.add(16);
                for (int i = 0; i < 16; i++)
                {
                    Go.go(() ->
                    {
                        wg1.done();
                        wg2.await();
                        exited.send(1);
                    });
                }
                wg1.await();
                for (int i = 0; i < 16; i++)
                {
                    check(null == exited.tryRecv(), "a goroutine left the barrier early in round " + round);
                    wg2.done();
                }
                for (int i = 0; i < 16; i++)
                {
                    exited.recv();
                }
            }
        });
        c.notApplicable(73, "Add concurrently with Wait is misuse",
            "Go detects some misuse by racing state checks; here add during await is well-defined (the waiter waits for the new count too) and is not reported");
        c.item(74, "await returns only after every done (no spurious wake-up)", () ->
        {
            for (int i = 0; i < 1000; i++)
            {
                final WaitGroup wg = new WaitGroup();
                final AtomicInteger n = new AtomicInteger();
                wg.add(2);
                Go.go(() ->
                {
                    n.incrementAndGet();
                    wg.done();
                });
                Go.go(() ->
                {
                    n.incrementAndGet();
                    wg.done();
                });
                wg.await();
                checkEquals(2, n.get(), "done calls before await returned, iteration " + i);
            }
        });
        c.item(75, "done is synchronized before the await it releases", () ->
        {
            for (int i = 1; i <= 1000; i++)
            {
                final WaitGroup wg = new WaitGroup();
                final int value = i;
                wg.add(1);
                Go.go(() ->
                {
                    counter = value;
                    wg.done();
                });
                wg.await();
                checkEquals(value, counter, "value written before done");
            }
        });
    }

    private static void mutex(final Checklist c)
    {
        c.item(76, "a Mutex starts unlocked, lock blocks while held, and it is not reentrant", () ->
        {
            final Mutex mu = new Mutex();
            mu.lock();
            final AtomicBoolean relocked = checkBlocks(mu::lock, "a second lock");
            check(!mu.tryLock(), "tryLock by the holder");
            mu.unlock();
            awaitFlag(relocked, "the waiter to take the mutex");
            mu.unlock();
        });
        c.item(77, "a Mutex may be unlocked by another goroutine", () ->
        {
            final Mutex mu = new Mutex();
            mu.lock();
            final Chan<Boolean> done = Chan.make();
            Go.go(() ->
            {
                mu.unlock();
                done.send(true);
            });
            done.recv();
            check(mu.tryLock(), "unlocked by the other goroutine");
            mu.unlock();
        });
        c.item(78, "unlock of an unlocked Mutex fails with sync: unlock of unlocked mutex", () ->
            checkEquals("sync: unlock of unlocked mutex",
                checkThrows(IllegalStateException.class, () -> new Mutex().unlock()).getMessage(), "message"));
        c.item(79, "tryLock is false when locked and true when unlocked", () ->
        {
            final Mutex mu = new Mutex();
            check(mu.tryLock(), "tryLock on an unlocked mutex");
            check(!mu.tryLock(), "tryLock on a locked mutex");
            mu.unlock();
        });
        c.item(80, "starvation mode: a holder looping with short critical sections cannot starve a waiter", () ->
        {
            // Go's TestMutexFairness.
            final Mutex mu = new Mutex();
            final AtomicBoolean stop = new AtomicBoolean();
            Go.go(() ->
            {
                while (!stop.get())
                {
                    mu.lock();
                    Go.sleep(Duration.ofNanos(100_000));
                    mu.unlock();
                }
            });
            final Chan<Boolean> done = Chan.make(1);
            Go.go(() ->
            {
                for (int i = 0; i < 10; i++)
                {
                    Go.sleep(Duration.ofNanos(100_000));
                    mu.lock();
                    mu.unlock();
                }
                done.send(true);
            });
            final long start = System.nanoTime();
            done.recv();
            stop.set(true);
            check(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "10 acquisitions within 10 s");
        });
        c.item(81, "the n-th unlock is synchronized before the m-th lock returns, n < m", () ->
        {
            final Mutex mu = new Mutex();
            final WaitGroup wg = new WaitGroup();
            counter = 0;
            for (int g = 0; g < 8; g++)
            {
                wg.add(1);
                Go.go(() ->
                {
                    for (int i = 0; i < 5000; i++)
                    {
                        mu.lock();
                        counter++;
                        mu.unlock();
                    }
                    wg.done();
                });
            }
            wg.await();
            checkEquals(40_000, counter, "increments under the mutex");
        });
    }

    private static void rwMutex(final Checklist c)
    {
        c.item(82, "many readers hold an RWMutex at once", () ->
        {
            for (final int readers : new int[] {1, 3, 4})
            {
                final RWMutex rw = new RWMutex();
                final WaitGroup in = new WaitGroup();
                final WaitGroup out = new WaitGroup();
                in.add(readers);
                out.add(readers);
                for (int i = 0; i < readers; i++)
                {
                    Go.go(() ->
                    {
                        rw.rLock();
                        in.done();
                        in.await(); // every reader holds the lock here at once
                        rw.rUnlock();
                        out.done();
                    });
                }
                out.await();
            }
        });
        c.item(83, "a writer excludes readers and writers (HammerRWMutex)", () ->
        {
            final RWMutex rw = new RWMutex();
            final AtomicInteger activity = new AtomicInteger();
            final AtomicInteger bad = new AtomicInteger();
            final WaitGroup wg = new WaitGroup();
            for (int g = 0; g < 12; g++)
            {
                final boolean writer = 0 == g % 4;
                wg.add(1);
                Go.go(() ->
                {
                    for (int i = 0; i < 1000; i++)
                    {
                        if (writer)
                        {
                            rw.lock();
                            if (10_000 != activity.addAndGet(10_000))
                            {
                                bad.incrementAndGet();
                            }
                            Go.gosched();
                            activity.addAndGet(-10_000);
                            rw.unlock();
                        }
                        else
                        {
                            rw.rLock();
                            if (activity.incrementAndGet() >= 10_000)
                            {
                                bad.incrementAndGet();
                            }
                            Go.gosched();
                            activity.decrementAndGet();
                            rw.rUnlock();
                        }
                    }
                    wg.done();
                });
            }
            wg.await();
            checkEquals(0, bad.get(), "exclusion violations");
        });
        c.item(84, "writer preference: once a writer waits, new readers wait for it", () ->
        {
            final RWMutex rw = new RWMutex();
            rw.rLock();
            final AtomicBoolean wrote = checkBlocks(() ->
            {
                rw.lock();
                rw.unlock();
            }, "a writer while a reader holds");
            final AtomicBoolean read = checkBlocks(() ->
            {
                rw.rLock();
                rw.rUnlock();
            }, "a new reader while a writer waits");
            check(!rw.tryRLock(), "tryRLock while a writer waits");
            rw.rUnlock();
            awaitFlag(wrote, "the writer");
            awaitFlag(read, "the reader after the writer");
        });
        c.item(85, "RWMutex misuse fails with Go's messages", () ->
        {
            checkEquals("sync: RUnlock of unlocked RWMutex",
                checkThrows(IllegalStateException.class, () -> new RWMutex().rUnlock()).getMessage(), "rUnlock");
            checkEquals("sync: Unlock of unlocked RWMutex",
                checkThrows(IllegalStateException.class, () -> new RWMutex().unlock()).getMessage(), "unlock");
            final RWMutex read = new RWMutex();
            read.rLock();
            checkEquals("sync: Unlock of unlocked RWMutex",
                checkThrows(IllegalStateException.class, read::unlock).getMessage(), "unlock after rLock");
            final RWMutex write = new RWMutex();
            write.lock();
            checkEquals("sync: RUnlock of unlocked RWMutex",
                checkThrows(IllegalStateException.class, write::rUnlock).getMessage(), "rUnlock after lock");
        });
        c.item(86, "tryLock and tryRLock", () ->
        {
            final RWMutex rw = new RWMutex();
            check(rw.tryLock(), "tryLock when free");
            check(!rw.tryLock() && !rw.tryRLock(), "both false when write-locked");
            rw.unlock();
            check(rw.tryRLock(), "tryRLock when free");
            check(rw.tryRLock(), "tryRLock when read-locked");
            check(!rw.tryLock(), "tryLock when read-locked");
            rw.rUnlock();
            rw.rUnlock();
        });
        c.notApplicable(87, "RLocker", "not part of the Java API (SPEC.md): rLock and rUnlock are called directly");
    }

    private static void onceAndCond(final Checklist c)
    {
        c.item(88, "Once runs its action exactly once, and no caller returns before it did", () ->
        {
            final Once once = new Once();
            final AtomicInteger runs = new AtomicInteger();
            final AtomicInteger early = new AtomicInteger();
            final WaitGroup wg = new WaitGroup();
            for (int i = 0; i < 10; i++)
            {
                wg.add(1);
                Go.go(() ->
                {
                    once.run(() ->
                    {
                        Go.sleep(Duration.ofMillis(5));
                        runs.incrementAndGet();
                    });
                    if (1 != runs.get())
                    {
                        early.incrementAndGet();
                    }
                    wg.done();
                });
            }
            wg.await();
            checkEquals(1, runs.get(), "runs");
            checkEquals(0, early.get(), "callers that returned before the action had");
        });
        c.item(89, "an action that fails reaches its caller and counts as done", () ->
        {
            final Once once = new Once();
            checkThrows(IllegalStateException.class, () -> once.run(() ->
            {
                throw new IllegalStateException("boom");
            }));
            final AtomicBoolean ran = new AtomicBoolean();
            once.run(() -> ran.set(true));
            check(!ran.get(), "the second action did not run");
        });
        c.item(90, "Once.run from inside its own action blocks", () ->
        {
            final Once once = new Once();
            checkBlocks(() -> once.run(() -> once.run(() -> { })), "a nested run of the same Once");
        });
        c.item(91, "Cond.await releases the mutex while waiting and holds it again on return", () ->
        {
            final Mutex mu = new Mutex();
            final Cond cond = new Cond(mu);
            final AtomicBoolean ready = new AtomicBoolean();
            final AtomicBoolean held = new AtomicBoolean();
            final Chan<Boolean> done = Chan.make();
            Go.go(() ->
            {
                mu.lock();
                while (!ready.get())
                {
                    cond.await();
                }
                held.set(!mu.tryLock());
                mu.unlock();
                done.send(true);
            });
            Go.sleep(Checklist.BLOCK_WATCH);
            mu.lock(); // possible only because await released it
            ready.set(true);
            cond.signal();
            mu.unlock();
            done.recv();
            check(held.get(), "the mutex was held when await returned");
        });
        c.item(92, "signal wakes exactly one waiter; with no waiter it does nothing", () ->
        {
            final Mutex mu = new Mutex();
            final Cond cond = new Cond(mu);
            cond.signal();
            final AtomicInteger woken = new AtomicInteger();
            for (int i = 0; i < 2; i++)
            {
                checkBlocks(() ->
                {
                    mu.lock();
                    cond.await();
                    woken.incrementAndGet();
                    mu.unlock();
                }, "waiter " + i);
            }
            cond.signal();
            Go.sleep(Checklist.BLOCK_WATCH);
            checkEquals(1, woken.get(), "woken by one signal");
            cond.signal();
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (woken.get() < 2 && System.nanoTime() < deadline)
            {
                Go.sleep(Duration.ofMillis(1));
            }
            checkEquals(2, woken.get(), "woken by two signals");
        });
        c.item(93, "signal wakes waiters in the order they began waiting", () ->
        {
            final Mutex mu = new Mutex();
            final Cond cond = new Cond(mu);
            final Chan<Integer> order = Chan.make(100);
            for (int i = 0; i < 100; i++)
            {
                final int me = i;
                final Chan<Boolean> waiting = Chan.make();
                Go.go(() ->
                {
                    mu.lock();
                    waiting.send(true); // the mutex is held until await releases it
                    cond.await();
                    order.send(me);
                    mu.unlock();
                });
                waiting.recv();
                mu.lock(); // waits until the goroutine is in await
                mu.unlock();
            }
            for (int i = 0; i < 100; i++)
            {
                mu.lock();
                cond.signal();
                mu.unlock();
                checkEquals(i, order.recv(), "woken");
            }
        });
        c.item(94, "broadcast wakes every waiter exactly once (200 waiters, 200 rounds)", () ->
        {
            final Mutex mu = new Mutex();
            final Cond cond = new Cond(mu);
            final int n = 200;
            final int[] generation = {0};
            final AtomicInteger waiting = new AtomicInteger();
            final WaitGroup exit = new WaitGroup();
            final AtomicInteger wakes = new AtomicInteger();
            for (int i = 0; i < n; i++)
            {
                exit.add(1);
                Go.go(() ->
                {
                    for (int round = 0; round < n; round++)
                    {
                        mu.lock();
                        waiting.incrementAndGet();
                        while (generation[0] == round)
                        {
                            cond.await();
                        }
                        wakes.incrementAndGet();
                        mu.unlock();
                    }
                    exit.done();
                });
            }
            for (int round = 0; round < n; round++)
            {
                final int target = (round + 1) * n;
                while (waiting.get() < target)
                {
                    Go.gosched();
                }
                mu.lock();
                generation[0]++;
                cond.broadcast();
                mu.unlock();
            }
            exit.await();
            checkEquals(n * n, wakes.get(), "wake-ups");
        });
        c.item(95, "waiters present at a broadcast are all woken, later ones need not be", () ->
        {
            for (int i = 0; i < 1000; i++)
            {
                final Mutex mu = new Mutex();
                final Cond cond = new Cond(mu);
                final Chan<Boolean> woken = Chan.make(1);
                final Chan<Boolean> waiting = Chan.make();
                Go.go(() ->
                {
                    mu.lock();
                    waiting.send(true);
                    cond.await();
                    mu.unlock();
                    woken.send(true);
                });
                waiting.recv();
                mu.lock();
                cond.broadcast();
                mu.unlock();
                woken.recv();
            }
        });
        c.notApplicable(96, "copying a Cond after use", "Java objects are references: a Cond cannot be copied");
    }
}
