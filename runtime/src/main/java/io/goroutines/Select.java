package io.goroutines;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.Leaf;
import io.goroutines.internal.sched.LeafWaits;
import io.goroutines.internal.sched.Tokens;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Go's {@code select}: {@code Select.select(Select.recv(a, v -> ...), Select.send(b, x, () -> ...),
 * Select.otherwise(() -> ...))}.
 *
 * <h2>Design (Go's selectgo, runtime/select.go)</h2>
 * The cases are built (channels and sent values evaluated) by the caller, once and in source order,
 * before {@code select} runs. Then:
 * <ol>
 *   <li>a random poll order (Fisher-Yates over the cases whose channel is not null), so that among
 *       ready cases each is chosen with equal probability;</li>
 *   <li>pass 0, one lock at a time (not in Go): in poll order, each case whose channel may be
 *       ready, found without its lock ({@link Chan#recvSurelyBlocks()}, {@link Chan#sendSurelyBlocks()}),
 *       is tried under its channel's lock alone, as pass 1 would try it; the first that can proceed
 *       commits. Nothing commits: on to pass 1;</li>
 *   <li>a lock order: the distinct channels sorted by {@link Chan#lockOrder()}; all their locks are
 *       taken in that order (so two selects never wait on each other's locks) and released in
 *       reverse order in a {@code finally}, so that they are released whatever happens;</li>
 *   <li>pass 1, all locks held: the first ready case in poll order commits (a waiting peer is served
 *       directly, or the buffer used; a closed channel makes a receive ready with {@code (null,
 *       false)} and a send fail with "send on closed channel"). None ready: with a default, the
 *       default runs; else</li>
 *   <li>pass 2, still holding all locks: a {@link Sudog} per case is queued on its channel, all
 *       under one {@link Selector}; the locks are released and the selector parks. The first peer
 *       to claim the selector commits the select (see {@link Chan}); then</li>
 *   <li>pass 3: every other entry is removed from its channel.</li>
 * </ol>
 * The chosen case's body runs last, after every lock was released; bodies are {@code @Goroutine},
 * so they may block, and their exceptions propagate unchanged.
 *
 * <p>Because pass 1 sees all the channels at one instant, a select with a default never takes it
 * while some case was ready throughout; pass 0 never takes the default. A select never matches its
 * own send with its own receive: passes 0 and 1 run before any of its entries is queued.
 *
 * <p>Why pass 0: a select whose case is ready (the common case of a busy producer and consumer)
 * commits holding one lock, not all of them; Go's takes every lock first. Where selects share
 * channels, holding all their locks at once made every select wait on the others: in
 * {@code SelectBench.goroutinesProdCons} (four goroutines selecting over a shared data channel and a
 * shared close channel) perfasm found 45 % of the run spinning and yielding in {@code RtLock}. A case
 * that pass 0 commits was ready at that moment, which is all Go promises; the poll order stays
 * random, so among cases ready throughout each is still chosen with equal probability.
 */
public final class Select
{
    /** Most cases a select may have, as Go. */
    private static final int MAX_CASES = 1 << 16;
    /** The tokens rewritten code arms to call {@link #select}, and the one it forwards to {@link #selectLocked}. */
    private static final int SELECT_TOKEN = Tokens.of("select", "([Lio/goroutines/Select$Case;)V");
    private static final int SELECT_LOCKED_TOKEN =
        Tokens.of("selectLocked", "([Lio/goroutines/Select$Case;Lio/goroutines/Select$Case;)V");
    /** Wait reason of a blocked select. */
    private static final String SELECT_REASON = "select";
    /** Wait reason of a select with no case that can ever fire. */
    private static final String NO_CASES_REASON = "select (no cases)";
    /** Kind of case: receive, body gets the value. */
    private static final int RECV = 0;
    /** Kind of case: receive, body gets the value and ok. */
    private static final int RECV_OK = 1;
    /** Kind of case: send. */
    private static final int SEND = 2;
    /** Kind of case: default. */
    private static final int DEFAULT = 3;

    private Select()
    {
    }

    /**
     * One case of a select. Build cases with {@link #recv}, {@link #recvOk}, {@link #send} and
     * {@link #otherwise}; a case may be used in any number of selects.
     */
    public static final class Case
    {
        /** RECV, RECV_OK, SEND or DEFAULT. */
        final int kind;
        /** The channel; null for default and for a case that never fires (Go's nil channel). */
        final Chan<?> chan;
        /** The value to send, or null. */
        final Object value;
        /** The body: a RecvBody, RecvOkBody or Action; null to do nothing. */
        final Object body;

        private Case(final int kind, final Chan<?> chan, final Object value, final Object body)
        {
            this.kind = kind;
            this.chan = chan;
            this.value = value;
            this.body = body;
        }
    }

    /**
     * A receive case ({@code case v := <-ch:}); on a closed, drained channel the body gets null.
     *
     * @param ch   the channel; null makes a case that never fires
     * @param body run with the value received; null for none
     */
    public static <T> Case recv(final RecvChan<T> ch, final RecvBody<? super T> body)
    {
        return new Case(RECV, (Chan<?>)ch, null, body);
    }

    /**
     * A receive case that also tells whether the channel was open ({@code case v, ok := <-ch:}).
     *
     * @param ch   the channel; null makes a case that never fires
     * @param body run with the value (null when closed and drained) and ok; null for none
     */
    public static <T> Case recvOk(final RecvChan<T> ch, final RecvOkBody<? super T> body)
    {
        return new Case(RECV_OK, (Chan<?>)ch, null, body);
    }

    /**
     * A send case ({@code case ch <- v:}); if chosen on a closed channel, the select throws
     * {@code IllegalStateException("send on closed channel")}.
     *
     * @param ch   the channel; null makes a case that never fires
     * @param v    the value, evaluated now
     * @param body run after the value was sent; null for none
     * @throws NullPointerException when {@code v} is null (channels refuse null elements)
     */
    public static <T> Case send(final SendChan<T> ch, final T v, final Action body)
    {
        Objects.requireNonNull(v, "chan: null element");
        return new Case(SEND, (Chan<?>)ch, v, body);
    }

    /**
     * The default case: run when no other case is ready.
     *
     * @param body what to do; null for nothing
     */
    public static Case otherwise(final Action body)
    {
        return new Case(DEFAULT, null, null, body);
    }

    /**
     * Waits until one case can proceed, performs it, then runs its body. Among ready cases one is
     * chosen uniformly at random; with a default case and none ready, the default runs; with no case
     * that can ever fire and no default, it blocks forever (Go's {@code select {}}).
     *
     * @param cases the cases; at most one default
     * @throws IllegalStateException "send on closed channel" when a send case on a closed channel is chosen
     * @throws java.util.concurrent.CancellationException when a plain thread is interrupted while
     *                                                    waiting (no case happened)
     */
    @Leaf
    @Goroutine
    public static void select(final Case... cases)
    {
        // A hand-written leaf (Leaf, LeafWaits) that forwards its call to selectLocked, so a select
        // that parks saves one runtime frame, not two. Small on purpose: the JIT inlines it, so a
        // polling loop runs the lock-free default path without a call (the full select is far larger).
        final G g = G.current();
        if (LeafWaits.resuming(g))
        {
            selectLocked(cases, null); // the rewind: only selectLocked (or a body it ran) parks
            return;
        }
        final Case dflt = surelyDefault(cases);
        if (null != dflt && null == dflt.body)
        {
            LeafWaits.take(g, SELECT_TOKEN);
            return;
        }
        LeafWaits.forward(g, SELECT_TOKEN, SELECT_LOCKED_TOKEN);
        selectLocked(cases, dflt);
    }

    /**
     * {@link #select}'s work: the default's body when the default is surely chosen ({@code dflt}),
     * else passes 0-3.
     */
    @Goroutine
    @SuppressWarnings("unchecked")
    private static void selectLocked(final Case[] cases, final Case dflt)
    {
        if (null != dflt)
        {
            ((Action)dflt.body).run();
            return;
        }
        final Poll poll = new Poll(cases);
        if (!poll.tryEach())
        {
            poll.lockAndPoll();
        }
        poll.served.wakeAll();
        int chosen = poll.chosen;
        Object value = poll.value;
        boolean ok = poll.ok;
        if (Poll.BLOCKED == chosen)
        {
            final Selector selector = poll.selector;
            if (poll.timers)
            {
                poll.awaitTimers(selector);
            }
            else
            {
                selector.await(null, poll.lockOrder);
            }
            final SelectEntry winner = selector.winner();
            selector.dequeueAllBut(winner);
            chosen = winner.caseIndex;
            value = winner.item;
            ok = winner.success;
        }
        final Case c = Poll.DEFAULT_CHOSEN == chosen ? poll.dflt : cases[chosen];
        if (SEND == c.kind && !ok)
        {
            throw Chan.closedSend();
        }
        if (null == c.body)
        {
            return;
        }
        switch (c.kind)
        {
            case RECV:
                ((RecvBody<Object>)c.body).accept(value);
                return;
            case RECV_OK:
                ((RecvOkBody<Object>)c.body).accept(value, ok);
                return;
            default:
                ((Action)c.body).run();
        }
    }

    /**
     * Go's compiled form of a select with one case and a default ({@code selectnbrecv},
     * {@code selectnbsend}): when the case's channel surely blocks, found without its lock
     * ({@link Chan#recvSurelyBlocks()}), the default is chosen at once. Only for exactly two cases:
     * with more, lock-free checks made one after the other would not prove that all cases blocked at
     * one moment, so the full select takes every lock.
     *
     * @return the default case when it is surely chosen, else null
     */
    private static Case surelyDefault(final Case[] cases)
    {
        if (null == cases || 2 != cases.length || null == cases[0] || null == cases[1])
        {
            return null;
        }
        final Case dflt;
        final Case c;
        if (DEFAULT == cases[1].kind)
        {
            dflt = cases[1];
            c = cases[0];
        }
        else if (DEFAULT == cases[0].kind)
        {
            dflt = cases[0];
            c = cases[1];
        }
        else
        {
            return null;
        }
        if (DEFAULT == c.kind || null == c.chan)
        {
            return null; // multiple defaults, or a null channel: the full select says so or chooses the default
        }
        // Chan.never() needs no test of its own: its readiness word is always clear, so it surely blocks
        final boolean blocks = SEND == c.kind ? c.chan.sendSurelyBlocks() : c.chan.recvSurelyBlocks();
        return blocks ? dflt : null;
    }

    /** One run of passes 1 and 2; its fields are the outcome. */
    private static final class Poll
    {
        /** {@link #chosen} when the default case was taken. */
        static final int DEFAULT_CHOSEN = -1;
        /** {@link #chosen} when the select queued and must wait. */
        static final int BLOCKED = -2;

        /** The cases. */
        final Case[] cases;
        /** The default case, or null. */
        final Case dflt;
        /** Indices of the cases that can fire (a channel, not {@link Chan#never()}), in random order. */
        final int[] pollOrder;
        /** Their distinct channels, in lock order: made by {@link #lockAndPoll}, which pass 0 may spare. */
        Chan<?>[] lockOrder;
        /** Waiters served in pass 1, to wake after unlocking. */
        final Sudog.Served served = new Sudog.Served();
        /** Index of the chosen case, {@link #DEFAULT_CHOSEN} or {@link #BLOCKED}. */
        int chosen = BLOCKED;
        /** The value received by the chosen case. */
        Object value;
        /** The chosen receive found the channel open; the chosen send found it open. */
        boolean ok = true;
        /** What a blocked select parks on. */
        Selector selector;
        /** Whether a channel is a timer's, whose timer must be held while the select waits. */
        boolean timers;

        Poll(final Case[] cases)
        {
            Objects.requireNonNull(cases, "select: null cases");
            if (cases.length > MAX_CASES)
            {
                throw new IllegalArgumentException("select: too many cases (" + cases.length + " > " + MAX_CASES + ")");
            }
            this.cases = cases;
            Case dflt = null;
            int active = 0;
            for (final Case c : cases)
            {
                Objects.requireNonNull(c, "select: null case");
                if (DEFAULT == c.kind)
                {
                    if (null != dflt)
                    {
                        throw new IllegalArgumentException("select: multiple defaults");
                    }
                    dflt = c;
                }
                else if (live(c))
                {
                    active++;
                }
            }
            this.dflt = dflt;
            this.pollOrder = pollOrder(cases, active);
        }

        /**
         * Pass 0: in poll order, tries each case whose channel may be ready under that channel's lock
         * alone.
         *
         * @return whether a case committed ({@link #chosen})
         */
        boolean tryEach()
        {
            for (final int k : pollOrder)
            {
                final Case c = cases[k];
                final Chan<?> ch = c.chan;
                if (SEND == c.kind ? ch.sendSurelyBlocks() : ch.recvSurelyBlocks())
                {
                    continue;
                }
                ch.lock.lock();
                try
                {
                    if (pollCaseLocked(k))
                    {
                        return true;
                    }
                }
                finally
                {
                    ch.lock.unlock();
                }
            }
            return false;
        }

        /**
         * Waits on {@code selector} holding the timers of its timer channels
         * ({@link io.goroutines.internal.TimerChannels}).
         */
        @Goroutine
        void awaitTimers(final Selector selector)
        {
            for (final Chan<?> ch : lockOrder)
            {
                if (null != ch.timer)
                {
                    ch.timer.blocked();
                }
            }
            try
            {
                selector.await(null, lockOrder);
            }
            finally
            {
                for (final Chan<?> ch : lockOrder)
                {
                    if (null != ch.timer)
                    {
                        ch.timer.unblocked();
                    }
                }
            }
        }

        /**
         * Takes the locks of all the channels in lock order, polls, and releases them in reverse
         * order; also when polling throws, or taking a lock does (then it was not taken).
         */
        void lockAndPoll()
        {
            final Chan<?>[] chans = lockOrder(cases, pollOrder);
            boolean timers = false;
            for (final Chan<?> ch : chans)
            {
                timers |= null != ch.timer;
            }
            this.lockOrder = chans;
            this.timers = timers;
            int held = 0;
            try
            {
                while (held < chans.length)
                {
                    chans[held].lock.lock();
                    held++;
                }
                pollLocked();
            }
            finally
            {
                while (held > 0)
                {
                    chans[--held].lock.unlock();
                }
            }
        }

        /** Passes 1 and 2; every channel's lock held. */
        private void pollLocked()
        {
            // Pass 1: the first ready case in poll order commits.
            for (final int k : pollOrder)
            {
                if (pollCaseLocked(k))
                {
                    return;
                }
            }
            if (null != dflt)
            {
                chosen = DEFAULT_CHOSEN;
                return;
            }
            // Pass 2: queue on every channel; the first peer to claim the selector commits.
            final Selector selector = new Selector(0 == pollOrder.length ? NO_CASES_REASON : SELECT_REASON,
                cases.length);
            for (final int k : pollOrder)
            {
                final Case c = cases[k];
                final SelectEntry s = new SelectEntry(selector, c.chan, k, SEND == c.kind, c.value);
                selector.entries[k] = s;
                c.chan.enqueueLocked(s);
            }
            this.selector = selector;
        }

        /**
         * Commits case {@code k} if it can proceed without waiting (a send on a closed channel can: it
         * fails); its channel's lock held.
         *
         * @return whether it committed ({@link #chosen}, {@link #value}, {@link #ok} are set)
         */
        private boolean pollCaseLocked(final int k)
        {
            final Case c = cases[k];
            if (SEND == c.kind)
            {
                if (c.chan.closedLocked())
                {
                    chosen = k;
                    ok = false;
                    return true;
                }
                if (c.chan.pollSendLocked(c.value, served))
                {
                    chosen = k;
                    return true;
                }
                return false;
            }
            final Object v = c.chan.pollRecvLocked(served);
            if (null == v)
            {
                return false;
            }
            chosen = k;
            ok = Chan.CLOSED_MARK != v;
            value = ok ? v : null;
            return true;
        }

        /** Whether a case can ever fire: it has a channel, and not {@link Chan#never()}. */
        static boolean live(final Case c)
        {
            return null != c.chan && !c.chan.never;
        }

        /** The indices of the cases with a channel, shuffled (Fisher-Yates). */
        private static int[] pollOrder(final Case[] cases, final int active)
        {
            final int[] order = new int[active];
            int n = 0;
            for (int k = 0; k < cases.length; k++)
            {
                if (live(cases[k]))
                {
                    order[n++] = k;
                }
            }
            final ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = n - 1; i > 0; i--)
            {
                final int j = random.nextInt(i + 1);
                final int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            return order;
        }

        /** The distinct channels of the cases, sorted by lock order (insertion sort: selects are small). */
        private static Chan<?>[] lockOrder(final Case[] cases, final int[] pollOrder)
        {
            final Chan<?>[] chans = new Chan<?>[pollOrder.length];
            final long[] ranks = new long[pollOrder.length];
            int n = 0;
            for (final int k : pollOrder)
            {
                final Chan<?> ch = cases[k].chan;
                final long rank = ch.lockOrder();
                int i = n;
                while (i > 0 && ranks[i - 1] > rank)
                {
                    i--;
                }
                if (i > 0 && ranks[i - 1] == rank)
                {
                    continue; // the same channel in two cases: locked once
                }
                System.arraycopy(chans, i, chans, i + 1, n - i);
                System.arraycopy(ranks, i, ranks, i + 1, n - i);
                chans[i] = ch;
                ranks[i] = rank;
                n++;
            }
            return n == chans.length ? chans : java.util.Arrays.copyOf(chans, n);
        }
    }

    /**
     * A body run with each value received.
     *
     * @param <T> element type
     */
    @FunctionalInterface
    public interface RecvBody<T>
    {
        /**
         * Handles a value.
         *
         * @param v the value received
         */
        @Goroutine
        void accept(T v);
    }

    /**
     * A body run with each value received and whether the channel was still open.
     *
     * @param <T> element type
     */
    @FunctionalInterface
    public interface RecvOkBody<T>
    {
        /**
         * Handles a receive.
         *
         * @param v  the value received, null when {@code ok} is false
         * @param ok false when the channel is closed and drained
         */
        @Goroutine
        void accept(T v, boolean ok);
    }
}
