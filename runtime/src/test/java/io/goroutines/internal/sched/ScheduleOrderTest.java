package io.goroutines.internal.sched;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The start of a schedule on a P ({@link Sched#beginSchedule}): who runs next. */
class ScheduleOrderTest
{
    private final P p = new P(0, P.RUNNING);
    private final GlobalQueue globq = new GlobalQueue();

    /** A due timer that readies {@code g} onto the P as a wake-up by a timer does (into runnext). */
    private void dueTimerReadying(final G g)
    {
        p.timers.add(new Timers.Timer(System.nanoTime() - 1, null, () -> p.runq.put(g, true, globq)));
    }

    @Test
    void shouldRunWhatATimerReadiesBeforeWhatAnEndedSliceLeftInRunnext()
    {
        final G chain = new G(1, null);
        final G sleeper = new G(2, null);
        p.runq.put(chain, true, globq); // readied by the goroutine whose slice is over
        p.sliceOver = true;
        dueTimerReadying(sleeper);

        Sched.beginSchedule(p, globq);

        assertSame(sleeper, p.runq.get(), "the goroutine its timer woke runs next");
        assertSame(chain, p.runq.get(), "the chain's goroutine went behind it");
        assertNull(p.runq.get());
        assertFalse(p.sliceOver);
    }

    @Test
    void shouldMoveAnEndedSlicesRunnextBehindTheQueue()
    {
        final G queued = new G(1, null);
        final G next = new G(2, null);
        p.runq.put(queued, false, globq);
        p.runq.put(next, true, globq);
        p.sliceOver = true;

        Sched.beginSchedule(p, globq);

        assertSame(queued, p.runq.get());
        assertSame(next, p.runq.get());
    }

    @Test
    void shouldKeepRunnextFirstWhileTheSliceLasts()
    {
        final G queued = new G(1, null);
        final G next = new G(2, null);
        p.runq.put(queued, false, globq);
        p.runq.put(next, true, globq);
        p.timerYield = true; // a request its goroutine answered by parking: dropped

        Sched.beginSchedule(p, globq);

        assertSame(next, p.runq.get());
        assertTrue(p.runq.lastWasNext);
        assertFalse(p.timerYield);
    }
}
