package io.goroutines;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A linearizability checker for small concurrent histories, after Wing and Gong ("Testing and
 * verifying concurrent objects", 1993) with Lowe's memoization ("Testing for linearizability", 2017):
 * a depth-first search for a total order of the completed operations that respects real time (an
 * operation can be linearized next only if no operation still to be linearized responded before it
 * was invoked) and in which a sequential {@link Model} gives every operation the result it observed.
 * Configurations (set of linearized operations, model state) are memoized, so each is explored once.
 *
 * <p>A blocking operation is modelled as one the model allows only in states where it would not block
 * (a receive on an empty open channel has no step). A rendezvous, a send and a receive on an
 * unbuffered channel, is one joint step of two operations whose intervals overlap
 * ({@link Model#jointStep}).
 *
 * <p>Timestamps come from one global counter ({@link History}), incremented right before the call and
 * right after it returns, so an operation that returned before another was invoked has a smaller
 * response stamp than the other's invocation stamp.
 */
public final class LinearizabilityChecker
{
    /** The result of an operation that returns nothing and did not throw. */
    public static final String OK = "ok";
    /** Configurations explored before the search gives up (a guard against a blow-up, never reached). */
    private static final int MAX_CONFIGURATIONS = 2_000_000;

    private LinearizabilityChecker()
    {
    }

    /**
     * An exception an operation threw, as its result.
     *
     * @param type    the exception's simple class name
     * @param message its message
     */
    public record Thrown(String type, String message)
    {
        /** Type and message. */
        @Override
        public String toString()
        {
            return type + "(" + message + ")";
        }
    }

    /**
     * One completed operation.
     *
     * @param id     number, for messages
     * @param party  the goroutine or thread that ran it, for messages
     * @param name   the operation
     * @param arg    its argument, or null
     * @param result what it returned (null included), {@link #OK}, or a {@link Thrown}
     * @param inv    invocation stamp
     * @param resp   response stamp, greater than {@code inv}
     */
    public record Op(int id, String party, String name, Object arg, Object result, long inv, long resp)
    {
        /** The call, such as {@code send(12)}. */
        public String call()
        {
            return name + "(" + (null == arg ? "" : arg) + ")";
        }

        /** The operation on one line: number, party, call, result and interval. */
        @Override
        public String toString()
        {
            return String.format("#%-3d %-5s %-14s -> %-26s [%d,%d]", id, party, call(), result, inv, resp);
        }
    }

    /**
     * A sequential specification. States must be immutable values (equals and hashCode), since they
     * are shared between branches of the search and memoized.
     *
     * @param <S> the state type
     */
    public interface Model<S>
    {
        /** The state before any operation. */
        S initial();

        /**
         * One operation alone.
         *
         * @param state   the state before it, not changed
         * @param op      the operation, with its observed result
         * @param pending the operations not linearized yet (op excluded) that were invoked before op
         *                responded: those that may be in progress at op's linearization point
         * @return the state after op when the model allows op here and gives it the observed result;
         * null otherwise (a different result, or a blocking operation that would block)
         */
        S step(S state, Op op, List<Op> pending);

        /**
         * Two operations that take effect together (a rendezvous); the checker only offers pairs whose
         * intervals overlap. By default there are none.
         *
         * @return the state after both, or null when they cannot pair up here
         */
        default S jointStep(final S state, final Op first, final Op second)
        {
            return null;
        }
    }

    /**
     * The outcome of a check.
     *
     * @param linearizable whether a linearization exists
     * @param order        the linearization found; else the longest linearizable prefix met
     * @param report       a readable account: the history, and the order or prefix
     */
    public record Result(boolean linearizable, List<Op> order, String report)
    {
    }

    /** Records a concurrent history: every call is stamped from one counter and its result kept. */
    public static final class History
    {
        /** The global clock. */
        private final AtomicLong clock = new AtomicLong();
        /** Completed operations, in completion order, ids not yet assigned. */
        private final ConcurrentLinkedQueue<Op> done = new ConcurrentLinkedQueue<>();

        /**
         * Runs {@code body} as one operation and records it; an exception (or error) it throws is its
         * result, as a {@link Thrown}, and is not rethrown.
         *
         * @return the result recorded
         */
        public Object call(final String party, final String name, final Object arg, final Callable<?> body)
        {
            final long inv = clock.incrementAndGet();
            final Object result = invoke(body);
            final long resp = clock.incrementAndGet();
            done.add(new Op(0, party, name, arg, result, inv, resp));
            return result;
        }

        private static Object invoke(final Callable<?> body)
        {
            try
            {
                return body.call();
            }
            catch (final Throwable ex)
            {
                return new Thrown(ex.getClass().getSimpleName(), ex.getMessage());
            }
        }

        /** The operations completed so far, by invocation, numbered from 1 in that order. */
        public List<Op> ops()
        {
            final List<Op> sorted = new ArrayList<>(done);
            sorted.sort(Comparator.comparingLong(Op::inv));
            final List<Op> out = new ArrayList<>(sorted.size());
            for (final Op op : sorted)
            {
                out.add(new Op(out.size() + 1, op.party(), op.name(), op.arg(), op.result(), op.inv(), op.resp()));
            }
            return out;
        }
    }

    /**
     * Fails with the history printed when it has no linearization under {@code model}.
     *
     * @param what what was run (seed, parameters), for the message
     */
    public static <S> void assertLinearizable(final String what, final List<Op> history, final Model<S> model)
    {
        final Result result = check(history, model);
        if (!result.linearizable())
        {
            fail(what + ": " + result.report());
        }
    }

    /**
     * Between two polls of a test thread waiting for a history to complete: spins a little, yields a
     * little, then parks briefly.
     *
     * @param polls the polls made so far, from 1
     */
    public static void backOff(final int polls)
    {
        if (polls < 64)
        {
            Thread.onSpinWait();
        }
        else if (polls < 256)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(20_000);
        }
    }

    /** Searches a linearization of {@code history} under {@code model}. */
    public static <S> Result check(final List<Op> history, final Model<S> model)
    {
        final Op[] ops = history.toArray(new Op[0]);
        for (final Op op : ops)
        {
            if (op.resp() <= op.inv())
            {
                throw new IllegalArgumentException("response before invocation: " + op);
            }
        }
        final Search<S> search = new Search<>(ops, model);
        final boolean found;
        try
        {
            found = search.dfs(model.initial());
        }
        catch (final GaveUp ex)
        {
            return new Result(false, search.best, "search gave up after " + MAX_CONFIGURATIONS +
                " configurations\n" + format(history));
        }
        final String verdict = found ? "linearizable" : "NO linearization exists";
        final List<Op> order = found ? new ArrayList<>(search.path) : search.best;
        final StringBuilder report = new StringBuilder(verdict).append(" (").append(search.configurations)
            .append(" configurations explored)\n").append(format(history))
            .append(found ? "linearization:" : "longest linearizable prefix (then nothing fits):");
        for (final Op op : order)
        {
            report.append(" #").append(op.id());
        }
        return new Result(found, order, report.append('\n').toString());
    }

    /** The history, one operation a line (party, call, result, [invocation,response]), by invocation. */
    public static String format(final List<Op> history)
    {
        final List<Op> sorted = new ArrayList<>(history);
        sorted.sort(Comparator.comparingLong(Op::inv));
        final StringBuilder out = new StringBuilder("history (").append(sorted.size()).append(" operations):\n");
        for (final Op op : sorted)
        {
            out.append("  ").append(op).append('\n');
        }
        return out.toString();
    }

    /** Thrown when the search explored too many configurations. */
    private static final class GaveUp extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        GaveUp()
        {
            super(null, null, false, false);
        }
    }

    /**
     * A memoized configuration.
     *
     * @param linearized the operations linearized so far
     * @param state      the model state after them
     */
    private record Config(BitSet linearized, Object state)
    {
    }

    /** One search: the linearized set and the path are changed in place and undone on backtracking. */
    private static final class Search<S>
    {
        private final Op[] ops;
        private final Model<S> model;
        private final BitSet linearized = new BitSet();
        private final Deque<Op> path = new ArrayDeque<>();
        private final Set<Config> seen = new HashSet<>();
        private List<Op> best = List.of();
        private int configurations;

        Search(final Op[] ops, final Model<S> model)
        {
            this.ops = ops;
            this.model = model;
        }

        boolean dfs(final S state)
        {
            if (path.size() == ops.length)
            {
                return true;
            }
            if (!seen.add(new Config((BitSet)linearized.clone(), state)))
            {
                return false;
            }
            if (++configurations > MAX_CONFIGURATIONS)
            {
                throw new GaveUp();
            }
            for (int i = 0; i < ops.length; i++)
            {
                if (linearized.get(i) || !mayGoNext(i, -1))
                {
                    continue;
                }
                final S next = model.step(state, ops[i], pending(i));
                if (null != next && descend(next, i, -1))
                {
                    return true;
                }
                for (int j = 0; j < ops.length; j++)
                {
                    if (j == i || linearized.get(j) || !overlap(ops[i], ops[j]) || !mayGoNext(i, j) ||
                        !mayGoNext(j, i))
                    {
                        continue;
                    }
                    final S joint = model.jointStep(state, ops[i], ops[j]);
                    if (null != joint && descend(joint, i, j))
                    {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Linearizes op i (and op j, unless it is -1) and searches on; undoes it when that fails. */
        private boolean descend(final S next, final int i, final int j)
        {
            linearized.set(i);
            path.addLast(ops[i]);
            if (j >= 0)
            {
                linearized.set(j);
                path.addLast(ops[j]);
            }
            if (path.size() > best.size())
            {
                best = new ArrayList<>(path);
            }
            if (dfs(next))
            {
                return true;
            }
            linearized.clear(i);
            path.removeLast();
            if (j >= 0)
            {
                linearized.clear(j);
                path.removeLast();
            }
            return false;
        }

        /**
         * Whether op i may be linearized now: no operation still to be linearized (but op i and its
         * partner, when j is not -1) responded before op i was invoked.
         */
        private boolean mayGoNext(final int i, final int j)
        {
            for (int k = linearized.nextClearBit(0); k < ops.length; k = linearized.nextClearBit(k + 1))
            {
                if (k != i && k != j && ops[k].resp() < ops[i].inv())
                {
                    return false;
                }
            }
            return true;
        }

        /** The operations not linearized yet, op i excluded, that were invoked before op i responded. */
        private List<Op> pending(final int i)
        {
            final List<Op> out = new ArrayList<>();
            for (int k = linearized.nextClearBit(0); k < ops.length; k = linearized.nextClearBit(k + 1))
            {
                if (k != i && ops[k].inv() < ops[i].resp())
                {
                    out.add(ops[k]);
                }
            }
            return out;
        }

        private static boolean overlap(final Op a, final Op b)
        {
            return a.inv() < b.resp() && b.inv() < a.resp();
        }
    }
}
