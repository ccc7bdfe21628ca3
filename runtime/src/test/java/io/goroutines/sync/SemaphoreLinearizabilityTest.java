package io.goroutines.sync;

import io.goroutines.Go;
import io.goroutines.LinearizabilityChecker;
import io.goroutines.LinearizabilityChecker.History;
import io.goroutines.LinearizabilityChecker.Model;
import io.goroutines.LinearizabilityChecker.Op;
import io.goroutines.LinearizabilityChecker.Thrown;
import io.goroutines.context.Context;
import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.goroutines.LinearizabilityChecker.OK;
import static io.goroutines.LinearizabilityChecker.assertLinearizable;
import static io.goroutines.LinearizabilityChecker.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The semaphore checked against a sequential model under concurrent histories, many seeds: three or
 * four parties (goroutines and plain threads mixed) run random {@code acquire}, {@code tryAcquire},
 * {@code release} (of what they hold) and {@code held} calls on a semaphore of 3 or 4 tokens, and
 * {@link LinearizabilityChecker} must find a linearization under {@link TokenModel}, a counter of free
 * tokens. A party waits in {@code acquire} only while it holds nothing, and releases what it holds at
 * the end, so every acquire can complete: each history must finish, leaving nothing held or waiting.
 */
@ExtendWith(NoPanics.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SemaphoreLinearizabilityTest
{
    /** Histories checked. */
    private static final int HISTORIES = 1_000;
    /** How long a history may take before the test fails. */
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);
    private static final Context BG = Context.background();

    @Test
    void shouldBeLinearizableAsTokenCounter()
    {
        for (int seed = 0; seed < HISTORIES; seed++)
        {
            runHistory(seed);
        }
    }

    @Test
    void shouldRejectFailedTryAcquireWithFreeTokensUnlessAnAcquireWaits()
    {
        // Size 3, 2 held: a tryAcquire(1) may fail only while a larger acquire waits (no barging).
        final List<Op> alone = List.of(
            op(1, "t0", "acquire", 2L, OK, 1, 2),
            op(2, "t1", "tryAcquire", 1L, false, 3, 4));
        assertFalse(check(alone, new TokenModel(3)).linearizable(), "a failed tryAcquire with a token free");
        final List<Op> waiting = List.of(
            op(1, "t0", "acquire", 2L, OK, 1, 2),
            op(2, "t2", "acquire", 2L, OK, 3, 10),
            op(3, "t1", "tryAcquire", 1L, false, 4, 5),
            op(4, "t0", "release", 2L, OK, 6, 7),
            op(5, "t1", "held", null, 2L, 11, 12));
        assertTrue(check(waiting, new TokenModel(3)).linearizable(), "t2 waits while t1 tries");
        final List<Op> tooMany = List.of(
            op(1, "t0", "acquire", 2L, OK, 1, 2),
            op(2, "t1", "tryAcquire", 2L, true, 3, 4));
        assertFalse(check(tooMany, new TokenModel(3)).linearizable(), "4 tokens of 3 taken");
        final List<Op> overReleased = List.of(
            op(1, "t0", "acquire", 1L, OK, 1, 2),
            op(2, "t0", "release", 2L, OK, 3, 4));
        assertFalse(check(overReleased, new TokenModel(3)).linearizable(), "released more than held");
    }

    /** Runs one random history and checks it. */
    private static void runHistory(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long size = 3 + random.nextInt(2);
        final int parties = 3 + random.nextInt(2);
        final Semaphore sem = new Semaphore(size);
        final History history = new History();
        final AtomicBoolean start = new AtomicBoolean();
        final AtomicInteger finished = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        final int goroutineParity = random.nextInt(2);
        for (int p = 0; p < parties; p++)
        {
            final boolean goroutine = goroutineParity == (p & 1);
            final String party = (goroutine ? "g" : "t") + p;
            final SplittableRandom program = random.split();
            final Runnable body = () ->
            {
                while (!start.get())
                {
                    Thread.onSpinWait();
                }
                runParty(sem, size, history, party, program);
                finished.incrementAndGet();
            };
            if (goroutine)
            {
                Go.go(body::run);
            }
            else
            {
                final Thread t = new Thread(body, party);
                threads.add(t);
                t.start();
            }
        }
        start.set(true);
        final String what = "size " + size + ", seed " + seed;
        final long deadline = System.nanoTime() + DEADLINE_NS;
        for (int polls = 1; finished.get() < parties; polls++)
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail(what + ": an acquire never completed, held " + sem.held() + ", waiting " + sem.waiting() +
                    "\n" + LinearizabilityChecker.format(history.ops()));
            }
            LinearizabilityChecker.backOff(polls);
        }
        threads.forEach(TestSupport::join);
        assertLinearizable(what, history.ops(), new TokenModel(size));
        assertEquals(0, sem.held(), what + ": every party released what it held");
        assertEquals(0, sem.waiting(), what + ": nobody waits");
    }

    /**
     * One party: three to five random calls, then a release of what it still holds. It waits in
     * acquire only while it holds nothing, so the holders never wait and every acquire completes.
     */
    private static void runParty(final Semaphore sem, final long size, final History history, final String party,
        final SplittableRandom random)
    {
        long held = 0;
        final int steps = 3 + random.nextInt(3);
        for (int i = 0; i < steps; i++)
        {
            final int roll = random.nextInt(100);
            final long n = 1 + random.nextLong(size);
            if (0 == held && roll < 40)
            {
                final Object r = history.call(party, "acquire", n, () ->
                {
                    sem.acquire(BG, n);
                    return OK;
                });
                held += OK.equals(r) ? n : 0;
            }
            else if (0 < held && roll < 45)
            {
                final long m = 1 + random.nextLong(held);
                held -= release(sem, history, party, m);
            }
            else if (roll < 80)
            {
                held += Boolean.TRUE.equals(history.call(party, "tryAcquire", n, () -> sem.tryAcquire(n))) ? n : 0;
            }
            else
            {
                history.call(party, "held", null, sem::held);
            }
        }
        if (0 < held)
        {
            release(sem, history, party, held);
        }
    }

    /** Releases {@code n} and records it; returns what was released. */
    private static long release(final Semaphore sem, final History history, final String party, final long n)
    {
        final Object r = history.call(party, "release", n, () ->
        {
            sem.release(n);
            return OK;
        });
        return OK.equals(r) ? n : 0;
    }

    private static Op op(final int id, final String party, final String name, final Object arg, final Object result,
        final long inv, final long resp)
    {
        return new Op(id, party, name, arg, result, inv, resp);
    }

    /**
     * The sequential semaphore: a count of free tokens. {@code acquire(n)} takes effect only when
     * {@code n} are free (relaxed: FIFO order among waiters is not checked); {@code tryAcquire(n)}
     * takes them when they are free, and fails when they are not, or when an acquire asking for more
     * than the free tokens may be waiting at that point (no barging: a waiter at the head of the queue
     * always asks for more than is free): one not linearized yet, invoked before the tryAcquire
     * returned. {@code release(n)} fails when more than the held tokens are released.
     */
    static final class TokenModel implements Model<Long>
    {
        /** What release gets when it gives back more than is held. */
        private static final Thrown RELEASED_MORE = new Thrown("IllegalStateException",
            "semaphore: released more than held");

        private final long size;

        TokenModel(final long size)
        {
            this.size = size;
        }

        /** {@inheritDoc} */
        @Override
        public Long initial()
        {
            return size;
        }

        /** {@inheritDoc} */
        @Override
        public Long step(final Long free, final Op op, final List<Op> pending)
        {
            final long n = null == op.arg() ? 0 : (Long)op.arg();
            return switch (op.name())
            {
                case "acquire" -> n <= free ? expect(op, OK, free - n) : null; // would wait
                case "tryAcquire" ->
                {
                    if (n <= free && Boolean.TRUE.equals(op.result()))
                    {
                        yield free - n;
                    }
                    final boolean mayFail = n > free || pending.stream()
                        .anyMatch(p -> "acquire".equals(p.name()) && (Long)p.arg() > free);
                    yield mayFail ? expect(op, false, free) : null;
                }
                case "release" -> n <= size - free ? expect(op, OK, free + n) : expect(op, RELEASED_MORE, free);
                case "held" -> expect(op, size - free, free);
                default -> throw new IllegalArgumentException(op.name());
            };
        }

        /** {@code next} when op observed {@code expected}, else null. */
        private static Long expect(final Op op, final Object expected, final long next)
        {
            return Objects.equals(expected, op.result()) ? next : null;
        }
    }
}
