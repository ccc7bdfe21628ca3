package io.goroutines;

import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;
import io.goroutines.sync.WaitGroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Select's semantics (GO-SEMANTICS.md items 37–53), from plain threads and goroutines. Without the
 * agent a goroutine that blocks here pins its carrier; the integration tests run the same under it.
 */
@ExtendWith(NoPanics.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelectTest
{
    @Test
    void shouldChooseAmongReadyCasesUniformly()
    {
        // Go's TestSelectFairness: 4 cases, 2 always ready; 6-nines bound on the share of one of them.
        final int trials = 10_000;
        final Chan<Integer> c1 = Chan.make(1);
        final Chan<Integer> c2 = Chan.make(1);
        final Chan<Integer> never1 = Chan.make();
        final Chan<Integer> never2 = Chan.make();
        final int[] counts = new int[4];
        for (int i = 0; i < trials; i++)
        {
            c1.trySend(1);
            c2.trySend(2);
            Select.select(
                Select.recv(c1, v -> counts[0]++),
                Select.recv(c2, v -> counts[1]++),
                Select.recv(never1, v -> counts[2]++),
                Select.recv(never2, v -> counts[3]++));
        }
        assertEquals(trials, counts[0] + counts[1]);
        assertEquals(0, counts[2] + counts[3]);
        final double share = counts[0] / (double)trials;
        assertTrue(Math.abs(share - 0.5) <= 4.891676 / (2 * Math.sqrt(trials)), "share of case 1: " + share);
    }

    @Test
    void shouldCommitAReadyCaseHoldingOnlyItsOwnChannelsLock()
    {
        // Pass 0: a ready case commits under its own channel's lock. The locks of the channels of the
        // cases that cannot proceed (an empty one to receive from, a full one to send to) are held
        // here, and RtLock is not reentrant: a select that took every lock first would never return.
        final Chan<Integer> ready = Chan.make(1);
        final Chan<Integer> empty = Chan.make(1);
        final Chan<Integer> full = Chan.make(1);
        full.send(-1);
        final Chan<Integer> room = Chan.make(1);
        final AtomicReference<String> taken = new AtomicReference<>();
        empty.lock.lock();
        full.lock.lock();
        try
        {
            for (int i = 0; i < 200; i++) // both poll orders, many times
            {
                ready.send(i);
                Select.select(Select.recv(empty, v -> taken.set("empty")), Select.recv(ready, v -> taken.set("ready " + v)));
                assertEquals("ready " + i, taken.get());
                Select.select(Select.send(full, 1, () -> taken.set("full")), Select.send(room, i, () -> taken.set("room")));
                assertEquals("room", taken.get());
                assertEquals(i, room.recv());
            }
        }
        finally
        {
            full.lock.unlock();
            empty.lock.unlock();
        }
        assertEquals(0, empty.len());
        assertEquals(-1, full.recv(), "the full channel kept its element");
    }

    @Test
    void shouldFallBackToTakingEveryLockWhenNoCaseIsReady()
    {
        // Nothing ready: the select queues on both channels (pass 2), and only then does the sender
        // send, so the peer that commits it finds its entries, whichever channel it uses.
        final Chan<Integer> a = Chan.make();
        final Chan<Integer> b = Chan.make(1);
        final AtomicReference<String> taken = new AtomicReference<>();
        for (int i = 0; i < 200; i++)
        {
            final int n = i;
            final Thread sender = new Thread(() ->
            {
                await(() -> 1 == a.recvWaiting() && 1 == b.recvWaiting(), "the select to queue on both channels");
                (0 == n % 2 ? a : b).send(n);
            });
            sender.start();
            Select.select(Select.recv(a, v -> taken.set("a " + v)), Select.recv(b, v -> taken.set("b " + v)));
            join(sender);
            assertEquals((0 == i % 2 ? "a " : "b ") + i, taken.get());
            assertEquals(0, a.recvWaiting() + b.recvWaiting(), "the select left both queues");
        }
    }

    @Test
    void shouldChooseSendCasesPseudoRandomly()
    {
        // Go's TestPseudoRandomSend, unbuffered and buffered.
        for (final int cap : new int[] {0, 100})
        {
            final Chan<Integer> c = Chan.make(cap);
            final int n = 100;
            final int[] counts = new int[2];
            final Thread receiver = new Thread(() ->
            {
                for (int i = 0; i < n; i++)
                {
                    counts[c.recv()]++;
                }
            });
            receiver.start();
            for (int i = 0; i < n; i++)
            {
                Select.select(Select.send(c, 1, null), Select.send(c, 0, null));
            }
            join(receiver);
            assertTrue(counts[0] > 10 && counts[1] > 10, "cap " + cap + ": zeros " + counts[0] + ", ones " + counts[1]);
        }
    }

    @Test
    void shouldTakeDefaultOnlyWhenNoCaseIsReady()
    {
        final Chan<Integer> empty = Chan.make();
        final Chan<Integer> full = Chan.make(1);
        full.send(7);
        final AtomicReference<String> taken = new AtomicReference<>();
        Select.select(Select.recv(empty, v -> taken.set("recv")), Select.send(full, 1, () -> taken.set("send")),
            Select.otherwise(() -> taken.set("default")));
        assertEquals("default", taken.get());
        Select.select(Select.recv(full, v -> taken.set("recv " + v)), Select.otherwise(() -> taken.set("default")));
        assertEquals("recv 7", taken.get());
    }

    @Test
    void shouldNeverFireNullChannelCases()
    {
        final AtomicReference<String> taken = new AtomicReference<>();
        Select.select(Select.recv(null, v -> taken.set("recv")), Select.send(null, 1, () -> taken.set("send")),
            Select.otherwise(() -> taken.set("default")));
        assertEquals("default", taken.get());
    }

    @Test
    void shouldTreatNeverChannelAsNilChannel()
    {
        final RecvChan<Integer> never = Chan.never();
        assertNull(never.tryRecv());
        assertEquals(0, never.len());
        assertEquals(0, never.cap());
        final AtomicReference<String> taken = new AtomicReference<>();
        Select.select(Select.recv(never, v -> taken.set("never")), Select.otherwise(() -> taken.set("default")));
        assertEquals("default", taken.get());
        assertEquals("close of nil channel", assertThrows(IllegalStateException.class, ((Chan<Integer>)never)::close).getMessage());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread t = TestSupport.startCatching(never::recv, failure);
        await(() -> Thread.State.WAITING == t.getState(), "the receive to block");
        t.interrupt();
        join(t);
        assertInstanceOf(CancellationException.class, failure.get());
        final Chan<Integer> other = Chan.make();
        final AtomicReference<Throwable> selectFailure = new AtomicReference<>();
        final Thread s = TestSupport.startCatching(() -> Select.select(Select.recv(never, v -> taken.set("never")),
            Select.recv(other, v -> taken.set("other"))), selectFailure);
        await(() -> Thread.State.WAITING == s.getState(), "the select to wait");
        other.send(1);
        join(s);
        assertNull(selectFailure.get());
        assertEquals("other", taken.get());
        final Chan<Integer> nil = (Chan<Integer>)never;
        assertTrue(nil.recvSurelyBlocks() && nil.sendSurelyBlocks(), "after all that, and no poll to clear it, " +
            "its readiness word is clear: a select with a default takes the default without a lock (Select.surelyDefault)");
    }

    @Test
    void shouldBlockForeverWithNoCaseThatCanFireAndGiveUpOnInterrupt()
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread t = new Thread(() ->
        {
            try
            {
                Select.select(Select.recv(null, v -> fail("a null channel fired")));
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        });
        t.start();
        await(() -> Thread.State.WAITING == t.getState(), "the select to block");
        t.interrupt();
        join(t);
        assertInstanceOf(CancellationException.class, failure.get());
    }

    @Test
    void shouldReceiveNullAndFalseFromClosedChannel()
    {
        final Chan<Integer> c = Chan.make(3);
        c.send(7);
        c.close();
        final AtomicReference<Received<Integer>> got = new AtomicReference<>();
        Select.select(Select.recvOk(c, (v, ok) -> got.set(new Received<>(v, ok))));
        assertEquals(new Received<>(7, true), got.get());
        for (int i = 0; i < 10; i++)
        {
            Select.select(Select.recvOk(c, (v, ok) -> got.set(new Received<>(v, ok))), Select.otherwise(() -> fail("default")));
            assertEquals(new Received<Integer>(null, false), got.get());
        }
        final AtomicInteger nulls = new AtomicInteger();
        Select.select(Select.recv(c, v -> nulls.addAndGet(null == v ? 1 : 100)));
        assertEquals(1, nulls.get());
    }

    @Test
    void shouldThrowWhenSendCaseOnClosedChannelIsChosen()
    {
        final Chan<Integer> c = Chan.make(1);
        c.close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> Select.select(Select.send(c, 1, () -> fail("body ran")), Select.otherwise(null)));
        assertEquals("send on closed channel", ex.getMessage());
    }

    @Test
    void shouldWakeBlockedSendCaseWithFailureOnClose()
    {
        final Chan<Integer> c = Chan.make();
        final Chan<Integer> other = Chan.make();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread t = new Thread(() ->
        {
            try
            {
                Select.select(Select.send(c, 1, null), Select.recv(other, null));
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        });
        t.start();
        await(() -> 1 == c.sendWaiting() && 1 == other.recvWaiting(), "the select to queue");
        c.close();
        join(t);
        assertEquals("send on closed channel", failure.get().getMessage());
        assertEquals(0, other.recvWaiting(), "the select left the other channel");
        assertFalse(other.trySend(1), "nobody receives on the other channel any more");
    }

    @Test
    void shouldRefuseNullValueWhenSendCaseIsBuilt()
    {
        assertThrows(NullPointerException.class, () -> Select.send(Chan.make(1), null, null));
        assertThrows(IllegalArgumentException.class, () -> Select.select(Select.otherwise(null), Select.otherwise(null)));
    }

    @Test
    void shouldNeverTakeDefaultWhileSomeCaseIsReadyThroughout()
    {
        // Go's TestNonblockSelectRace and TestNonblockSelectRace2 (close instead of a value).
        for (final boolean viaClose : new boolean[] {false, true})
        {
            final int n = 20_000;
            final Chan<Boolean> done = Chan.make(1);
            for (int i = 0; i < n; i++)
            {
                final Chan<Integer> c1 = Chan.make(1);
                final Chan<Integer> c2 = Chan.make(1);
                c1.send(1);
                Go.go(() -> Select.select(
                    Select.recv(c1, v -> done.send(true)),
                    Select.recv(c2, v -> done.send(true)),
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
                assertTrue(done.recv(), "iteration " + i + ": default taken while a case was ready");
            }
        }
    }

    @Test
    void shouldReceiveBufferedValueRacingClose()
    {
        // Go's TestNonblockRecvRace.
        final int n = 10_000;
        final Chan<Boolean> done = Chan.make(1);
        for (int i = 0; i < n; i++)
        {
            final Chan<Integer> c = Chan.make(1);
            c.send(1);
            Go.go(() -> Select.select(Select.recv(c, v -> done.send(true)), Select.otherwise(() -> done.send(false))));
            c.close();
            assertTrue(done.recv(), "iteration " + i);
        }
    }

    @Test
    void shouldNeverMatchItsOwnSendAndReceive()
    {
        // Go's TestSelfSelect: two goroutines each select send and receive on one channel.
        for (final int cap : new int[] {0, 10})
        {
            final Chan<Integer> c = Chan.make(cap);
            final WaitGroup wg = new WaitGroup();
            final AtomicInteger selfMatches = new AtomicInteger();
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
                            Select.select(Select.send(c, me, null)); // the last one only sends
                        }
                        else
                        {
                            Select.select(Select.send(c, me, null), Select.recv(c, v ->
                            {
                                if (0 == cap && v == me)
                                {
                                    selfMatches.incrementAndGet();
                                }
                            }));
                        }
                    }
                    wg.done();
                });
            }
            wg.await();
            assertEquals(0, selfMatches.get(), "cap " + cap);
        }
    }

    @Test
    void shouldLeaveEveryOtherQueueWhenWokenThroughOneCase()
    {
        // Go's TestSelectDuplicateChannel: the same channel in two cases, woken through a third.
        final Chan<Integer> c = Chan.make();
        final Chan<Integer> d = Chan.make();
        final Chan<Integer> e = Chan.make();
        final AtomicInteger woken = new AtomicInteger();
        final Thread t = new Thread(() -> Select.select(
            Select.recv(c, v -> fail("c fired")), Select.recv(c, v -> fail("c fired")),
            Select.recv(d, v -> woken.set(v))));
        t.start();
        await(() -> 2 == c.recvWaiting() && 1 == d.recvWaiting(), "the select to queue");
        d.send(5);
        join(t);
        assertEquals(5, woken.get());
        assertEquals(0, c.recvWaiting(), "both entries on c removed");
        // c still works for others.
        final Thread r = new Thread(() -> woken.set(c.recv()));
        r.start();
        await(() -> 1 == c.recvWaiting(), "a plain receiver on c");
        c.send(9);
        join(r);
        assertEquals(9, woken.get());
        assertFalse(e.trySend(1));
    }

    @Test
    void shouldCommitExactlyOneCasePerSelect()
    {
        // Go's doubleselect: 4 senders each select over 4 channels; every value arrives exactly once.
        final int n = 100_000;
        final Chan<Integer>[] chans = newChans(4, 0);
        final ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
        final AtomicInteger duplicates = new AtomicInteger();
        final WaitGroup senders = new WaitGroup();
        senders.add(1);
        Go.go(() ->
        {
            for (int i = 0; i < n; i++)
            {
                Select.select(Select.send(chans[0], i, null), Select.send(chans[1], i, null),
                    Select.send(chans[2], i, null), Select.send(chans[3], i, null));
            }
            senders.done();
        });
        final Chan<Integer> mux = Chan.make();
        final WaitGroup muxers = new WaitGroup();
        for (final Chan<Integer> c : chans)
        {
            muxers.add(1);
            Go.go(() ->
            {
                for (Integer v = c.recv(); null != v; v = c.recv())
                {
                    mux.send(v);
                }
                muxers.done();
            });
        }
        Go.go(() ->
        {
            senders.await();
            for (final Chan<Integer> c : chans)
            {
                c.close();
            }
            muxers.await();
            mux.close();
        });
        for (Integer v = mux.recv(); null != v; v = mux.recv())
        {
            if (null != seen.put(v, Boolean.TRUE))
            {
                duplicates.incrementAndGet();
            }
        }
        assertEquals(0, duplicates.get());
        assertEquals(n, seen.size());
    }

    @Test
    void shouldMixSelectingAndPlainSendersAndReceiversWithExactCountAndSum()
    {
        final int perSender = 20_000;
        final int senders = 4;
        final Chan<Integer> a = Chan.make();
        final Chan<Integer> b = Chan.make(5);
        final Chan<Integer> quit = Chan.make();
        final AtomicLong sum = new AtomicLong();
        final AtomicLong count = new AtomicLong();
        final WaitGroup sent = new WaitGroup();
        final WaitGroup received = new WaitGroup();
        for (int s = 0; s < senders; s++)
        {
            final boolean selecting = 0 == (s & 1);
            sent.add(1);
            Go.go(() ->
            {
                for (int i = 1; i <= perSender; i++)
                {
                    if (selecting)
                    {
                        Select.select(Select.send(a, i, null), Select.send(b, i, null));
                    }
                    else
                    {
                        (0 == (i & 1) ? a : b).send(i);
                    }
                }
                sent.done();
            });
        }
        for (int r = 0; r < 4; r++)
        {
            final boolean selecting = 0 == (r & 1);
            received.add(1);
            Go.go(() ->
            {
                final boolean[] stop = new boolean[1];
                while (!stop[0])
                {
                    if (selecting)
                    {
                        Select.select(Select.recv(a, v -> add(sum, count, v)), Select.recv(b, v -> add(sum, count, v)),
                            Select.recv(quit, v -> stop[0] = true));
                    }
                    else
                    {
                        Select.select(Select.recv(b, v -> add(sum, count, v)), Select.recvOk(quit, (v, ok) -> stop[0] = true));
                    }
                }
                received.done();
            });
        }
        sent.await();
        await(() -> count.get() == (long)senders * perSender, "every value to be received");
        quit.close();
        received.await();
        assertEquals((long)senders * perSender, count.get());
        assertEquals((long)senders * perSender * (perSender + 1) / 2, sum.get());
        assertNull(a.tryRecv());
        assertNull(b.tryRecv());
    }

    @Test
    void shouldGiveUpItsPlaceWhenInterruptedWithoutConsumingAnything()
    {
        for (int i = 0; i < 200; i++)
        {
            final Chan<Integer> c = Chan.make();
            final Chan<Integer> d = Chan.make();
            final AtomicReference<Object> outcome = new AtomicReference<>();
            final Thread t = new Thread(() ->
            {
                try
                {
                    Select.select(Select.recv(c, v -> outcome.set(v)), Select.recv(d, v -> outcome.set(v)));
                }
                catch (final CancellationException ex)
                {
                    outcome.set(ex);
                }
            });
            t.start();
            await(() -> 1 == c.recvWaiting(), "the select to queue");
            final Thread sender = new Thread(() -> c.trySend(42));
            sender.start();
            t.interrupt();
            join(sender);
            join(t);
            // Either the select got 42 (and nothing is left) or it gave up (and 42 was never taken).
            final Object o = outcome.get();
            if (o instanceof CancellationException)
            {
                assertEquals(0, c.recvWaiting() + d.recvWaiting());
            }
            else
            {
                assertEquals(42, o);
            }
        }
    }

    private static void add(final AtomicLong sum, final AtomicLong count, final int v)
    {
        sum.addAndGet(v);
        count.incrementAndGet();
    }

    @SuppressWarnings("unchecked")
    private static Chan<Integer>[] newChans(final int n, final int cap)
    {
        final Chan<Integer>[] chans = new Chan[n];
        for (int i = 0; i < n; i++)
        {
            chans[i] = Chan.make(cap);
        }
        return chans;
    }
}
