package io.goroutines.it.apps.semantics;

import static io.goroutines.it.apps.semantics.Checklist.awaitFlag;
import static io.goroutines.it.apps.semantics.Checklist.check;
import static io.goroutines.it.apps.semantics.Checklist.checkBlocks;
import static io.goroutines.it.apps.semantics.Checklist.checkEquals;
import static io.goroutines.it.apps.semantics.Checklist.checkThrows;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.Received;
import io.goroutines.RecvChan;
import io.goroutines.Select;
import io.goroutines.SendChan;
import io.goroutines.sync.WaitGroup;

/** Items 1–36: making channels, send and receive, close, range, direction-restricted views. */
final class ChanItems
{
    private ChanItems()
    {
    }

    /** A value written before a send or close, read after the matching receive (items 11 and 31). */
    private static int published;

    static void register(final Checklist c)
    {
        c.item(1, "unbuffered channel has len 0 and cap 0", () ->
        {
            checkEquals(0, Chan.make().cap(), "cap of make()");
            checkEquals(0, Chan.make(0).cap(), "cap of make(0)");
            checkEquals(0, Chan.make().len(), "len");
        });
        c.item(2, "buffered len counts sends up to cap", () ->
        {
            for (int n = 1; n < 200; n += 37)
            {
                final Chan<Integer> ch = Chan.make(n);
                checkEquals(n, ch.cap(), "cap");
                for (int k = 0; k < n; k++)
                {
                    checkEquals(k, ch.len(), "len before send " + k);
                    ch.send(k);
                }
                checkEquals(n, ch.len(), "len when full");
            }
        });
        c.item(3, "negative size fails with makechan: size out of range", () ->
            checkEquals("makechan: size out of range",
                checkThrows(IllegalArgumentException.class, () -> Chan.make(-1)).getMessage(), "message"));
        c.notApplicable(4, "nil channel len and cap",
            "Java has no nil channel value: a null reference; in a select, a null channel never fires (item 43)");
        c.item(5, "channels of a value-less element type work, buffered or not", () ->
        {
            final Object unit = new Object();
            for (final int cap : new int[] {0, 1, 10})
            {
                final Chan<Object> ch = Chan.make(cap);
                Go.go(() ->
                {
                    for (int i = 0; i < 20; i++)
                    {
                        ch.send(unit);
                    }
                    ch.close();
                });
                int n = 0;
                for (Object v = ch.recv(); null != v; v = ch.recv())
                {
                    check(unit == v, "the same value");
                    n++;
                }
                checkEquals(20, n, "values at cap " + cap);
            }
        });
        c.item(6, "len, cap, send and recv from many goroutines at once", () ->
        {
            final Chan<Integer> ch = Chan.make(8);
            final WaitGroup wg = new WaitGroup();
            final AtomicInteger bad = new AtomicInteger();
            for (int g = 0; g < 8; g++)
            {
                wg.add(2);
                Go.go(() ->
                {
                    for (int i = 0; i < 2000; i++)
                    {
                        ch.send(i);
                        final int len = ch.len();
                        if (len < 0 || len > 8 || 8 != ch.cap())
                        {
                            bad.incrementAndGet();
                        }
                    }
                    wg.done();
                });
                Go.go(() ->
                {
                    for (int i = 0; i < 2000; i++)
                    {
                        ch.recv();
                    }
                    wg.done();
                });
            }
            wg.await();
            checkEquals(0, bad.get(), "len out of [0, cap] or cap changed");
            checkEquals(0, ch.len(), "len at the end");
        });
        c.item(7, "close keeps cap and len counts unread values", () ->
        {
            final Chan<Integer> ch = Chan.make(3);
            ch.send(1);
            ch.send(2);
            ch.close();
            checkEquals(3, ch.cap(), "cap");
            checkEquals(2, ch.len(), "len");
            ch.recv();
            checkEquals(1, ch.len(), "len after one receive");
        });
        c.item(8, "send on a nil channel blocks forever", () ->
            checkBlocks(() -> Select.select(Select.send(null, 1, null)), "a send case on a null channel"));
        c.item(9, "receive from a nil channel blocks forever", () ->
        {
            checkBlocks(() -> Select.select(Select.recv(null, null)), "a receive case on a null channel");
            // Chan.recv hands its token on to the rewritten wait: under pinning=fail a pin would end it
            checkBlocks(() -> Chan.<Integer>never().recv(), "a receive from Chan.never()");
        });
        c.item(10, "unbuffered send completes only when a receiver takes the value", () ->
        {
            final Chan<Integer> ch = Chan.make();
            final AtomicBoolean sent = checkBlocks(() -> ch.send(1), "unbuffered send with no receiver");
            checkEquals(1, ch.recv(), "value");
            awaitFlag(sent, "the sender to finish");
            final Chan<Integer> empty = Chan.make();
            final AtomicBoolean received = checkBlocks(empty::recv, "receive with no sender");
            empty.send(2);
            awaitFlag(received, "the receiver to finish");
        });
        c.item(11, "a send is synchronized before the matching receive completes", () ->
        {
            final Chan<Integer> ch = Chan.make();
            final Chan<Integer> back = Chan.make();
            Go.go(() ->
            {
                for (int i = 1; i <= 10_000; i++)
                {
                    published = i;
                    ch.send(i);
                    back.recv();
                }
            });
            for (int i = 1; i <= 10_000; i++)
            {
                final int v = ch.recv();
                checkEquals(v, published, "value written before the send");
                back.send(v);
            }
        });
        c.item(12, "buffered send blocks only when full; trySend on full is false", () ->
        {
            final Chan<Integer> ch = Chan.make(2);
            ch.send(1);
            ch.send(2);
            check(!ch.trySend(3), "trySend on a full channel");
            final AtomicBoolean sent = checkBlocks(() -> ch.send(3), "send on a full channel");
            ch.recv();
            awaitFlag(sent, "the send to complete once there is room");
        });
        c.item(13, "buffered receive blocks only when empty", () ->
        {
            final Chan<Integer> ch = Chan.make(2);
            ch.send(1);
            checkEquals(1, ch.recv(), "buffered value");
            final AtomicBoolean got = checkBlocks(ch::recv, "receive on an empty channel");
            ch.send(2);
            awaitFlag(got, "the receive to complete");
        });
        c.item(14, "the value is evaluated before the send blocks", () ->
        {
            final AtomicInteger evaluated = new AtomicInteger();
            final Chan<Integer> ch = Chan.make();
            checkBlocks(() -> ch.send(evaluated.incrementAndGet()), "send with no receiver");
            checkEquals(1, evaluated.get(), "evaluations");
        });
        c.item(15, "one sender's values arrive in FIFO order at every capacity", () ->
        {
            for (int cap = 0; cap < 200; cap++)
            {
                final Chan<Integer> ch = Chan.make(cap);
                Go.go(() ->
                {
                    for (int i = 0; i < 100; i++)
                    {
                        ch.send(i);
                    }
                });
                for (int i = 0; i < 100; i++)
                {
                    checkEquals(i, ch.recv(), "value at cap " + ch.cap());
                }
            }
        });
        c.item(16, "several senders and receivers: each value received exactly once", () ->
        {
            for (final int cap : new int[] {0, 1, 10})
            {
                final Chan<Integer> ch = Chan.make(cap);
                final ConcurrentHashMap<Integer, Integer> seen = new ConcurrentHashMap<>();
                final WaitGroup wg = new WaitGroup();
                for (int s = 0; s < 4; s++)
                {
                    final int base = s * 1000;
                    Go.go(() ->
                    {
                        for (int i = 0; i < 1000; i++)
                        {
                            ch.send(base + i);
                        }
                    });
                }
                for (int r = 0; r < 4; r++)
                {
                    wg.add(1);
                    Go.go(() ->
                    {
                        for (int i = 0; i < 1000; i++)
                        {
                            seen.merge(ch.recv(), 1, Integer::sum);
                        }
                        wg.done();
                    });
                }
                wg.await();
                checkEquals(4000, seen.size(), "distinct values at cap " + cap);
                check(seen.values().stream().allMatch(n -> 1 == n), "every value once at cap " + cap);
            }
        });
        c.item(17, "a channel of capacity C admits at most C holders (counting semaphore)", () ->
        {
            final int limit = 3;
            final Chan<Boolean> sem = Chan.make(limit);
            final AtomicInteger active = new AtomicInteger();
            final AtomicInteger most = new AtomicInteger();
            final WaitGroup wg = new WaitGroup();
            for (int g = 0; g < 30; g++)
            {
                wg.add(1);
                Go.go(() ->
                {
                    for (int i = 0; i < 50; i++)
                    {
                        sem.send(true);
                        most.accumulateAndGet(active.incrementAndGet(), Math::max);
                        Go.gosched();
                        active.decrementAndGet();
                        sem.recv();
                    }
                    wg.done();
                });
            }
            wg.await();
            check(most.get() <= limit, "at most " + limit + " at once, saw " + most.get());
        });
        c.item(18, "receive order: buffered values, then blocked senders in arrival order", () ->
        {
            final Chan<Integer> ch = Chan.make(2);
            ch.send(1);
            ch.send(2);
            for (int v = 3; v <= 5; v++)
            {
                final int value = v;
                checkBlocks(() -> ch.send(value), "sender " + v); // waits in arrival order
            }
            final List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                got.add(ch.recv());
            }
            checkEquals(List.of(1, 2, 3, 4, 5), got, "receive order");
        });
        c.item(19, "blocked receivers are served in arrival order", () ->
        {
            final Chan<Integer> ch = Chan.make();
            final Chan<Integer> order = Chan.make(10);
            for (int r = 0; r < 10; r++)
            {
                final int me = r;
                checkBlocks(() ->
                {
                    ch.recv();
                    order.send(me);
                }, "receiver " + r);
            }
            for (int i = 0; i < 10; i++)
            {
                ch.send(i);
                checkEquals(i, order.recv(), "receiver woken");
            }
        });
        c.item(20, "a send to a waiting receiver skips the buffer", () ->
        {
            final Chan<Integer> ch = Chan.make(5);
            final AtomicBoolean got = checkBlocks(ch::recv, "receive on an empty channel");
            ch.send(1);
            checkEquals(0, ch.len(), "len after a hand-off");
            awaitFlag(got, "the receiver");
        });
        c.notApplicable(21, "close of a nil channel", "Java has no nil channel value: calling close on null is a NullPointerException");
        c.item(22, "closing a closed channel fails with close of closed channel", () ->
        {
            final Chan<Integer> ch = Chan.make();
            ch.close();
            checkEquals("close of closed channel", checkThrows(IllegalStateException.class, ch::close).getMessage(), "message");
        });
        c.item(23, "send on a closed channel fails: send, trySend and a chosen send case", () ->
        {
            final Chan<Integer> ch = Chan.make(1);
            ch.close();
            checkEquals("send on closed channel", checkThrows(IllegalStateException.class, () -> ch.send(1)).getMessage(), "send");
            checkEquals("send on closed channel", checkThrows(IllegalStateException.class, () -> ch.trySend(1)).getMessage(), "trySend");
            checkEquals("send on closed channel", checkThrows(IllegalStateException.class,
                () -> Select.select(Select.send(ch, 1, null), Select.otherwise(null))).getMessage(), "select");
        });
        c.item(24, "close wakes every blocked receiver with (null, false)", () ->
        {
            final Chan<Integer> ch = Chan.make();
            final Chan<Received<Integer>> results = Chan.make(10);
            for (int r = 0; r < 10; r++)
            {
                checkBlocks(() -> results.send(ch.recvOk()), "receiver " + r);
            }
            ch.close();
            for (int r = 0; r < 10; r++)
            {
                checkEquals(new Received<Integer>(null, false), results.recv(), "result");
            }
        });
        c.item(25, "close wakes every blocked sender, and each fails", () ->
        {
            final Chan<Integer> ch = Chan.make();
            final Chan<String> results = Chan.make(10);
            for (int s = 0; s < 10; s++)
            {
                final int v = s;
                checkBlocks(() ->
                {
                    try
                    {
                        ch.send(v);
                        results.send("sent");
                    }
                    catch (final IllegalStateException ex)
                    {
                        results.send(ex.getMessage());
                    }
                }, "sender " + s);
            }
            ch.close();
            for (int s = 0; s < 10; s++)
            {
                checkEquals("send on closed channel", results.recv(), "sender's outcome");
            }
        });
        c.item(26, "after close buffered values come first, then (null, false) for ever", () ->
        {
            final Chan<Integer> ch = Chan.make(3);
            ch.send(7);
            ch.send(8);
            ch.close();
            checkEquals(new Received<>(7, true), ch.recvOk(), "first");
            checkEquals(new Received<>(8, true), ch.recvOk(), "second");
            checkEquals(new Received<Integer>(null, false), ch.recvOk(), "third");
        });
        c.item(27, "receiving from a closed, drained channel never blocks", () ->
        {
            final Chan<Integer> ch = Chan.make();
            ch.close();
            for (int i = 0; i < 10; i++)
            {
                check(null == ch.recv(), "null from a closed channel");
            }
        });
        c.item(28, "a non-blocking receive on a closed channel takes the receive case", () ->
        {
            final Chan<Integer> ch = Chan.make();
            ch.close();
            checkEquals(new Received<Integer>(null, false), ch.tryRecv(), "tryRecv");
            final AtomicBoolean received = new AtomicBoolean();
            Select.select(Select.recvOk(ch, (v, ok) -> received.set(!ok)), Select.otherwise(null));
            check(received.get(), "the receive case was chosen");
        });
        c.item(29, "a send that failed on a closed channel leaves nothing behind", () ->
        {
            final Chan<Integer> ch = Chan.make(1);
            ch.close();
            checkThrows(IllegalStateException.class, () -> ch.send(5));
            check(null == ch.recv(), "nothing received");
        });
        c.item(30, "a receive-only view cannot be closed", () ->
            check(!hasMethod(RecvChan.class, "close"), "RecvChan has no close method"));
        c.item(31, "a close is synchronized before a receive that returns because of it", () ->
        {
            for (int i = 1; i <= 1000; i++)
            {
                final Chan<Integer> ch = Chan.make();
                final int value = i;
                Go.go(() ->
                {
                    published = value;
                    ch.close();
                });
                check(null == ch.recv(), "closed");
                checkEquals(value, published, "value written before close");
            }
        });
        c.item(32, "range receives until the channel is closed and drained", () ->
        {
            final Chan<Integer> ch = Chan.make(4);
            Go.go(() ->
            {
                for (int i = 1; i <= 100; i++)
                {
                    ch.send(i);
                }
                ch.close();
            });
            final AtomicInteger sum = new AtomicInteger();
            final AtomicInteger n = new AtomicInteger();
            ch.range(v ->
            {
                Go.gosched(); // a body may suspend
                sum.addAndGet(v);
                n.incrementAndGet();
            });
            checkEquals(100, n.get(), "values");
            checkEquals(5050, sum.get(), "sum");
        });
        c.notApplicable(33, "range over a nil channel", "Java has no nil channel value: null.range is a NullPointerException");
        c.item(34, "a send-only view cannot be ranged over", () ->
            check(!hasMethod(SendChan.class, "range"), "SendChan has no range method"));
        c.item(35, "a channel is assignable to both views, the views not to each other", () ->
        {
            check(RecvChan.class.isAssignableFrom(Chan.class) && SendChan.class.isAssignableFrom(Chan.class), "Chan is both");
            check(!SendChan.class.isAssignableFrom(RecvChan.class) && !RecvChan.class.isAssignableFrom(SendChan.class),
                "the views are unrelated");
            check(RecvChan.class.isSealed() && SendChan.class.isSealed(), "no other implementation can be written");
        });
        c.item(36, "no receive on a send-only view, no send on a receive-only view, in select too", () ->
        {
            check(!hasMethod(SendChan.class, "recv") && !hasMethod(SendChan.class, "recvOk") &&
                !hasMethod(SendChan.class, "tryRecv"), "SendChan cannot receive");
            check(!hasMethod(RecvChan.class, "send") && !hasMethod(RecvChan.class, "trySend"), "RecvChan cannot send");
            check(RecvChan.class == parameterOf("recv"), "Select.recv takes a RecvChan");
            check(SendChan.class == parameterOf("send"), "Select.send takes a SendChan");
        });
    }

    private static boolean hasMethod(final Class<?> type, final String name)
    {
        return Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals(name));
    }

    private static Class<?> parameterOf(final String selectMethod)
    {
        for (final Method m : Select.class.getMethods())
        {
            if (m.getName().equals(selectMethod))
            {
                return m.getParameterTypes()[0];
            }
        }
        return null;
    }
}
