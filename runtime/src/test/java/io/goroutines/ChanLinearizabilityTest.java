package io.goroutines;

import io.goroutines.LinearizabilityChecker.History;
import io.goroutines.LinearizabilityChecker.Model;
import io.goroutines.LinearizabilityChecker.Op;
import io.goroutines.LinearizabilityChecker.Thrown;
import io.goroutines.internal.sched.NoPanics;
import io.goroutines.internal.sched.TestSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.goroutines.LinearizabilityChecker.OK;
import static io.goroutines.LinearizabilityChecker.assertLinearizable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Channels checked against a sequential model under concurrent histories, many seeds: three or four
 * parties (goroutines and plain threads mixed) run a few random operations each on one channel, every
 * call stamped and its result recorded, and {@link LinearizabilityChecker} must find a linearization
 * under {@link FifoModel}: a bounded FIFO with a closed flag, on which a blocking send or receive only
 * takes effect in a state where it would not block, and on which (unbuffered) a send and its receive
 * are one joint step.
 *
 * <p>Every history completes: when all the parties still running wait in the channel's queues (a
 * deadlock of the random programs), the test thread closes the channel, and that close is part of the
 * history. After the parties, the test thread drains the channel with {@code tryRecv}, also recorded,
 * so the elements left over are checked too. Elements are unique within a history.
 */
@ExtendWith(NoPanics.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChanLinearizabilityTest
{
    /** Plain-thread parties run here: a thread per history would cost more than the history. */
    private static final ExecutorService POOL = Executors.newFixedThreadPool(4, r ->
    {
        final Thread t = new Thread(r, "lin-party");
        t.setDaemon(true);
        return t;
    });
    /** Histories per capacity. */
    private static final int HISTORIES = 600;
    /** Operations of the parties on buffered channels (repeats weigh the draw). */
    private static final String[] BUFFERED_OPS = {"send", "send", "recv", "recvOk", "trySend", "tryRecv", "len"};
    /** Operations of the parties on unbuffered channels. */
    private static final String[] UNBUFFERED_OPS = {"send", "send", "recv", "recv", "trySend", "tryRecv"};
    /** How long a history may take before the test fails. */
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void shouldBeLinearizableAsBoundedFifo(final int capacity)
    {
        for (int run = 0; run < HISTORIES; run++)
        {
            runHistory(capacity, capacity * 1_000_000L + run, BUFFERED_OPS);
        }
    }

    @Test
    void shouldBeLinearizableAsRendezvousWhenUnbuffered()
    {
        for (int run = 0; run < HISTORIES; run++)
        {
            runHistory(0, run, UNBUFFERED_OPS);
        }
    }

    @Test
    void shouldReleaseDeadlockedPartiesWithRecordedClose()
    {
        // The deadlock rule the histories rely on: two receivers waiting on an empty channel are
        // recognized, and the close the test thread then records releases both with (null, false).
        final Chan<Integer> ch = Chan.make(1);
        final History history = new History();
        final AtomicInteger finished = new AtomicInteger();
        final Thread t = new Thread(() ->
        {
            history.call("t0", "recvOk", null, ch::recvOk);
            finished.incrementAndGet();
        });
        t.start();
        Go.go(() ->
        {
            history.call("g1", "recvOk", null, ch::recvOk);
            finished.incrementAndGet();
        });
        assertTrue(settle(ch, history, 2, finished), "the test thread closed the channel");
        TestSupport.join(t);
        final List<Op> ops = history.ops();
        assertEquals(3, ops.size(), LinearizabilityChecker.format(ops));
        assertEquals(2, ops.stream().filter(op -> new Received<Integer>(null, false).equals(op.result())).count(),
            LinearizabilityChecker.format(ops));
        assertLinearizable("two receivers, then close", ops, new FifoModel(1));
    }

    /**
     * Runs one random history on a channel of {@code capacity} and checks it.
     *
     * @param seed the seed of the programs (the interleaving is the machine's)
     * @param menu the operations to draw from
     */
    private static void runHistory(final int capacity, final long seed, final String[] menu)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int parties = 3 + random.nextInt(2);
        final List<List<String>> programs = new ArrayList<>();
        for (int p = 0; p < parties; p++)
        {
            final List<String> program = new ArrayList<>();
            final int length = 3 + random.nextInt(3);
            for (int i = 0; i < length; i++)
            {
                program.add(menu[random.nextInt(menu.length)]);
            }
            programs.add(program);
        }
        if (0 == random.nextInt(3))
        {
            final List<String> program = programs.get(random.nextInt(parties));
            program.add(random.nextInt(program.size() + 1), "close");
        }
        final Chan<Integer> ch = Chan.make(capacity);
        final History history = new History();
        final AtomicBoolean start = new AtomicBoolean();
        final AtomicInteger finished = new AtomicInteger();
        final int goroutineParity = random.nextInt(2);
        for (int p = 0; p < parties; p++)
        {
            final boolean goroutine = goroutineParity == (p & 1);
            final String party = (goroutine ? "g" : "t") + p;
            final List<String> program = programs.get(p);
            final int base = 10 * (p + 1);
            final Runnable body = () ->
            {
                while (!start.get())
                {
                    Thread.yield();
                }
                for (int i = 0; i < program.size(); i++)
                {
                    perform(ch, history, party, program.get(i), base + i);
                }
                finished.incrementAndGet();
            };
            if (goroutine)
            {
                Go.go(body::run);
            }
            else
            {
                POOL.execute(body);
            }
        }
        start.set(true);
        final String what = "cap " + capacity + ", seed " + seed + ", programs " + programs;
        settle(ch, history, parties, finished, what);
        for (int i = 0; i <= capacity; i++)
        {
            if (!(history.call("main", "tryRecv", null, ch::tryRecv) instanceof Received<?> r) || !r.ok())
            {
                break;
            }
        }
        assertLinearizable(what, history.ops(), new FifoModel(capacity));
    }

    /** {@link #settle(Chan, History, int, AtomicInteger, String)} for the self-check. */
    private static boolean settle(final Chan<Integer> ch, final History history, final int parties,
        final AtomicInteger finished)
    {
        return settle(ch, history, parties, finished, "self-check");
    }

    /**
     * Waits until every party finished; when all the parties still running wait in the channel's
     * queues, closes the channel (recorded as an operation of "main").
     *
     * @return whether the test thread had to close the channel
     */
    private static boolean settle(final Chan<Integer> ch, final History history, final int parties,
        final AtomicInteger finished, final String what)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        boolean closed = false;
        int polls = 0;
        while (finished.get() < parties)
        {
            if (!closed && allWaiting(ch, parties, finished))
            {
                history.call("main", "close", null, () ->
                {
                    ch.close();
                    return OK;
                });
                closed = true;
            }
            if (System.nanoTime() - deadline > 0)
            {
                fail(what + ": the history did not complete, " + ch + "\n" +
                    LinearizabilityChecker.format(history.ops()));
            }
            LinearizabilityChecker.backOff(++polls);
        }
        return closed;
    }

    /**
     * Whether every party that has not finished waits in a queue of {@code ch}: then none can ever go
     * on. Sound because the count of unfinished parties is read first (it only falls), and both queues
     * are then read at one instant, under the channel's lock: each party is in at most one queue, and
     * one that was served has left it.
     */
    private static boolean allWaiting(final Chan<Integer> ch, final int parties, final AtomicInteger finished)
    {
        final int running = parties - finished.get();
        final int waiting = ch.waiting();
        return running > 0 && running == waiting;
    }

    /** Runs one operation on {@code ch} and records it. */
    private static void perform(final Chan<Integer> ch, final History history, final String party, final String op,
        final int element)
    {
        switch (op)
        {
            case "send" -> history.call(party, op, element, () ->
            {
                ch.send(element);
                return OK;
            });
            case "trySend" -> history.call(party, op, element, () -> ch.trySend(element));
            case "recv" -> history.call(party, op, null, ch::recv);
            case "recvOk" -> history.call(party, op, null, ch::recvOk);
            case "tryRecv" -> history.call(party, op, null, ch::tryRecv);
            case "len" -> history.call(party, op, null, ch::len);
            case "close" -> history.call(party, op, null, () ->
            {
                ch.close();
                return OK;
            });
            default -> throw new IllegalArgumentException(op);
        }
    }

    /**
     * The sequential channel: a FIFO of at most {@code capacity} elements and a closed flag. A send
     * takes effect only while there is room (or fails once closed); a receive only while an element
     * is buffered (or gets nothing once closed). Unbuffered, a send (or successful trySend) and the
     * receive (recv, recvOk or successful tryRecv) of its element take effect together, in one joint
     * step of two overlapping operations on an open channel.
     */
    static final class FifoModel implements Model<FifoModel.State>
    {
        /** What a send or trySend gets on a closed channel. */
        static final Thrown SEND_ON_CLOSED = new Thrown("IllegalStateException", "send on closed channel");
        /** What a second close gets. */
        static final Thrown CLOSE_OF_CLOSED = new Thrown("IllegalStateException", "close of closed channel");
        /** What recvOk and tryRecv get on a closed, drained channel. */
        private static final Received<Object> CLOSED = new Received<>(null, false);

        /**
         * A channel state.
         *
         * @param buffer the buffered elements, oldest first (immutable)
         * @param closed whether close was called
         */
        record State(List<Object> buffer, boolean closed)
        {
            State append(final Object v)
            {
                final List<Object> out = new ArrayList<>(buffer);
                out.add(v);
                return new State(List.copyOf(out), closed);
            }

            State dropHead()
            {
                return new State(buffer.subList(1, buffer.size()).stream().toList(), closed);
            }
        }

        private final int capacity;

        FifoModel(final int capacity)
        {
            this.capacity = capacity;
        }

        /** {@inheritDoc} */
        @Override
        public State initial()
        {
            return new State(List.of(), false);
        }

        /** {@inheritDoc} */
        @Override
        public State step(final State s, final Op op, final List<Op> pending)
        {
            final boolean room = s.buffer().size() < capacity;
            final Object head = s.buffer().isEmpty() ? null : s.buffer().get(0);
            return switch (op.name())
            {
                case "send" -> s.closed() ? expect(op, SEND_ON_CLOSED, s)
                    : room ? expect(op, OK, s.append(op.arg()))
                    : null; // would wait
                case "trySend" -> s.closed() ? expect(op, SEND_ON_CLOSED, s)
                    : room ? expect(op, true, s.append(op.arg()))
                    : expect(op, false, s);
                case "recv" -> null != head ? expect(op, head, s.dropHead())
                    : s.closed() ? expect(op, null, s)
                    : null; // would wait
                case "recvOk" -> null != head ? expect(op, new Received<>(head, true), s.dropHead())
                    : s.closed() ? expect(op, CLOSED, s)
                    : null; // would wait
                case "tryRecv" -> null != head ? expect(op, new Received<>(head, true), s.dropHead())
                    : expect(op, s.closed() ? CLOSED : null, s);
                case "len" -> expect(op, s.buffer().size(), s);
                case "close" -> s.closed() ? expect(op, CLOSE_OF_CLOSED, s)
                    : expect(op, OK, new State(s.buffer(), true));
                default -> throw new IllegalArgumentException(op.name());
            };
        }

        /** {@inheritDoc} */
        @Override
        public State jointStep(final State s, final Op send, final Op recv)
        {
            if (0 != capacity || s.closed())
            {
                return null;
            }
            final boolean sent = "send".equals(send.name()) && OK.equals(send.result()) ||
                "trySend".equals(send.name()) && Boolean.TRUE.equals(send.result());
            final Object v = send.arg();
            final boolean received = "recv".equals(recv.name()) && Objects.equals(v, recv.result()) ||
                ("recvOk".equals(recv.name()) || "tryRecv".equals(recv.name())) &&
                    new Received<>(v, true).equals(recv.result());
            return sent && received ? s : null;
        }

        /** {@code next} when op observed {@code expected}, else null. */
        private static State expect(final Op op, final Object expected, final State next)
        {
            return Objects.equals(expected, op.result()) ? next : null;
        }
    }
}
