package io.goroutines.context;

import io.goroutines.internal.sched.NoPanics;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.internal.sched.TestSupport;
import io.goroutines.internal.sched.Timers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.goroutines.internal.sched.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deadlines and timeouts: GO-SEMANTICS item 102 (after Go's TestDeadline, TestTimeout, TestCanceledTimeout). */
@ExtendWith(NoPanics.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ContextDeadlineTest
{
    /** Go's shortDuration. */
    private static final Duration SHORT = Duration.ofMillis(50);
    /** Far enough never to fire during a test. */
    private static final Duration LONG = Duration.ofHours(1);
    /** How early a deadline may seem to fire: Instant (microseconds) against nanoTime. */
    private static final long SLACK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldExceedDeadline()
    {
        final long startNs = System.nanoTime();
        final Instant deadline = Instant.now().plus(SHORT);
        final Context.Cancelable c = Context.withDeadline(Context.background(), deadline);
        assertEquals(Optional.of(deadline), c.deadline());
        assertTrue(c.toString().startsWith("context.Background.WithDeadline(" + deadline + " ["), c.toString());
        checkExpires(c, startNs, SHORT, "WithDeadline");

        final long wrappedNs = System.nanoTime();
        final Context.Cancelable w = Context.withDeadline(new DelegatingContext(Context.background()),
            Instant.now().plus(SHORT));
        checkExpires(w, wrappedNs, SHORT, "WithDeadline+otherContext");
    }

    @Test
    void shouldTakeParentDeadlineWhenEarlier()
    {
        final long startNs = System.nanoTime();
        final Instant parentDeadline = Instant.now().plus(SHORT);
        final Context.Cancelable parent = Context.withDeadline(Context.background(), parentDeadline);
        final Context.Cancelable child = Context.withDeadline(new DelegatingContext(parent), Instant.now().plus(LONG));
        assertEquals(Optional.of(parentDeadline), child.deadline(), "the child reports the earlier deadline");
        assertTrue(child.toString().endsWith(".WithCancel"), "Go makes it a WithCancel: " + child);
        assertNull(((CancelContext)child).timer(), "no timer of its own: the parent's cancels it");
        checkExpires(child, startNs, SHORT, "WithDeadline+otherContext+WithDeadline");

        final Context.Cancelable timeoutChild = Context.withTimeout(parent, LONG);
        assertEquals(Optional.of(parentDeadline), timeoutChild.deadline());
        assertSame(Context.DEADLINE_EXCEEDED, timeoutChild.err(), "derived from an expired parent");
    }

    @Test
    void shouldKeepOwnDeadlineWhenEarlierThanParent()
    {
        final Context.Cancelable parent = Context.withTimeout(Context.background(), LONG);
        final long startNs = System.nanoTime();
        final Context.Cancelable child = Context.withTimeout(parent, SHORT);
        final Instant childDeadline = child.deadline().orElseThrow();
        assertTrue(childDeadline.isBefore(parent.deadline().orElseThrow()));
        assertEquals(1, ((CancelContext)parent).children());
        checkExpires(child, startNs, SHORT, "earlier child");
        assertFalse(isDone(parent), "an expired child does not cancel its parent");
        assertEquals(0, ((CancelContext)parent).children(), "an expired child leaves its parent's set");
        parent.cancel();
    }

    @Test
    void shouldExceedTimeout()
    {
        final long startNs = System.nanoTime();
        final Instant before = Instant.now();
        final Context.Cancelable c = Context.withTimeout(Context.background(), SHORT);
        final Instant after = Instant.now();
        final Instant deadline = c.deadline().orElseThrow();
        assertFalse(deadline.isBefore(before.plus(SHORT)), "deadline " + deadline + " before " + before);
        assertFalse(deadline.isAfter(after.plus(SHORT)), "deadline " + deadline + " after " + after);
        checkExpires(c, startNs, SHORT, "WithTimeout");

        final long wrappedNs = System.nanoTime();
        checkExpires(Context.withTimeout(new DelegatingContext(Context.background()), SHORT), wrappedNs, SHORT,
            "WithTimeout+otherContext");
    }

    @Test
    void shouldReportCanceledAndReleaseTimerWhenCanceledBeforeDeadline()
    {
        // Go's TestCanceledTimeout.
        final Context.Cancelable parent = Context.withTimeout(Context.background(), Duration.ofSeconds(10));
        final Context.Cancelable c = Context.withTimeout(new DelegatingContext(parent), Duration.ofSeconds(20));
        final Timers.Timer timer = ((CancelContext)c).timer();
        assertNull(timer, "the parent's deadline is earlier: no timer");
        final Context.Cancelable own = Context.withTimeout(parent, Duration.ofSeconds(5));
        final Timers.Timer ownTimer = ((CancelContext)own).timer();
        assertNotNull(ownTimer, "an earlier deadline arms a timer");

        own.cancel();
        assertTrue(isDone(own));
        assertSame(Context.CANCELED, own.err(), "a cancel before the deadline gives CANCELED");
        assertNull(((CancelContext)own).timer());
        assertFalse(Timers.cancel(ownTimer), "cancel released the pending timer");

        c.cancel();
        assertSame(Context.CANCELED, c.err());
        assertFalse(isDone(parent));
        assertEquals(0, ((CancelContext)parent).children());
        final Timers.Timer parentTimer = ((CancelContext)parent).timer();
        parent.cancel();
        assertFalse(Timers.cancel(parentTimer), "cancel released the parent's timer");
    }

    @Test
    void shouldReleaseTimerWhenParentCanceled()
    {
        final Context.Cancelable parent = Context.withCancel(Context.background());
        final Context.Cancelable child = Context.withTimeout(Context.withValue(parent, "k", "v"), LONG);
        final Timers.Timer timer = ((CancelContext)child).timer();
        assertNotNull(timer);
        parent.cancel();
        assertSame(Context.CANCELED, child.err());
        assertNull(((CancelContext)child).timer());
        assertFalse(Timers.cancel(timer), "the parent's cancel released the child's timer");
    }

    @Test
    void shouldBeDoneAtOnceWhenDeadlineHasPassed()
    {
        final List<Context.Cancelable> expired = List.of(
            Context.withDeadline(Context.background(), Instant.now().minus(SHORT)),
            Context.withDeadline(Context.background(), Instant.now()),
            Context.withDeadline(Context.background(), Instant.MIN),
            Context.withTimeout(Context.background(), Duration.ZERO),
            Context.withTimeout(Context.background(), Duration.ofSeconds(-1)),
            Context.withTimeout(Context.background(), Duration.ofSeconds(Long.MIN_VALUE)));
        for (final Context.Cancelable c : expired)
        {
            assertTrue(isDone(c), c + " not done at once");
            assertSame(Context.DEADLINE_EXCEEDED, c.err());
            assertNull(((CancelContext)c).timer());
            c.cancel();
            assertSame(Context.DEADLINE_EXCEEDED, c.err(), "err never changes once set");
        }
    }

    @Test
    void shouldNotOverflowOnHugeTimeoutOrDeadline()
    {
        final Context.Cancelable huge = Context.withTimeout(Context.background(), Duration.ofSeconds(Long.MAX_VALUE));
        final Context.Cancelable max = Context.withDeadline(Context.background(), Instant.MAX);
        assertTrue(huge.deadline().orElseThrow().isAfter(Instant.now().plus(Duration.ofDays(365 * 50))));
        assertEquals(Optional.of(Instant.MAX), max.deadline());
        Go.sleep(SHORT); // "blocks" = still not done after a while: an overflowed deadline would be in the past
        assertFalse(isDone(huge));
        assertFalse(isDone(max));
        assertNull(huge.err());
        huge.cancel();
        max.cancel();
        assertSame(Context.CANCELED, max.err());
    }

    @Test
    void shouldKeepDeadlineExceededWhenCanceledAfterExpiry()
    {
        final Context.Cancelable parent = Context.withCancel(Context.background());
        final Context.Cancelable c = Context.withTimeout(parent, Duration.ofMillis(5));
        assertNull(c.done().recv());
        assertSame(Context.DEADLINE_EXCEEDED, c.err());
        c.cancel();
        parent.cancel();
        assertSame(Context.DEADLINE_EXCEEDED, c.err());
        assertEquals(0, ((CancelContext)parent).children());
    }

    @Test
    void shouldWakeGoroutineWaitingForTimeout()
    {
        final AtomicLong waitedNs = new AtomicLong(-1);
        final AtomicReference<RuntimeException> err = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        Go.go(() ->
        {
            final long startNs = System.nanoTime();
            try (Context.Cancelable c = Context.withTimeout(Context.background(), SHORT))
            {
                c.done().recv();
                waitedNs.set(System.nanoTime() - startNs);
                err.set(c.err());
            }
            done.countDown();
        });
        await(() -> 0 == done.getCount(), "the goroutine to see its timeout");
        assertSame(Context.DEADLINE_EXCEEDED, err.get());
        assertTrue(waitedNs.get() >= SHORT.toNanos() - SLACK_NS, "waited " + waitedNs.get() + " ns");
    }

    /** Go's testDeadline: done within a generous bound, not before the duration, with DEADLINE_EXCEEDED. */
    private static void checkExpires(final Context c, final long startNs, final Duration d, final String name)
    {
        final RecvChan<Void> done = c.done();
        assertNull(done.recv(), name);
        final long elapsedNs = System.nanoTime() - startNs;
        assertTrue(elapsedNs >= d.toNanos() - SLACK_NS, name + " done after " + elapsedNs + " ns");
        assertTrue(elapsedNs < TimeUnit.SECONDS.toNanos(10), name + " done after " + elapsedNs + " ns");
        assertSame(Context.DEADLINE_EXCEEDED, c.err(), name);
    }

    private static boolean isDone(final Context c)
    {
        return null != c.done().tryRecv();
    }

    /** Go's otherContext: a wrapper of the user's that delegates everything. */
    private static final class DelegatingContext implements Context
    {
        private final Context inner;

        DelegatingContext(final Context inner)
        {
            this.inner = inner;
        }

        @Override
        public RecvChan<Void> done()
        {
            return inner.done();
        }

        @Override
        public RuntimeException err()
        {
            return inner.err();
        }

        @Override
        public Optional<Instant> deadline()
        {
            return inner.deadline();
        }

        @Override
        public Object value(final Object key)
        {
            return inner.value(key);
        }
    }
}
