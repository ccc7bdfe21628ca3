package io.goroutines.internal.sched;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.goroutines.internal.sched.TestSupport.await;
import static io.goroutines.internal.sched.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SuspendTest
{
    @Test
    void shouldBlockPlainThreadUntilUnparked()
    {
        final AtomicBoolean returned = new AtomicBoolean();
        final AtomicBoolean go = new AtomicBoolean();
        final Thread t = new Thread(() ->
        {
            while (!go.get())
            {
                Suspend.park();
            }
            returned.set(true);
        });
        t.start();
        await(() -> Thread.State.WAITING == t.getState(), "the thread to park");
        go.set(true);
        java.util.concurrent.locks.LockSupport.unpark(t);
        join(t);
        assertTrue(returned.get());
    }

    @Test
    void shouldReturnFromYieldsOnPlainThread()
    {
        assertNull(G.current());
        Suspend.yield();
        Suspend.testYield();
        Suspend.preempt();
        final long start = System.nanoTime();
        Suspend.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        Suspend.parkNanos(0);
        Suspend.parkNanos(-1);
        assertTrue(System.nanoTime() - start >= 0);
    }

    @Test
    void shouldRefuseParkWhileUnwinding()
    {
        final G g = new G();
        final Carrier c = new Carrier(null, () ->
        {
            final Carrier self = (Carrier)Thread.currentThread();
            self.current = g;
            self.sig = G.SIG_UNWIND;
            try
            {
                Suspend.park();
            }
            catch (final IllegalStateException ex)
            {
                g.waitReason = ex.getMessage();
            }
        }, "test-carrier", 0);
        c.start();
        join(c);
        assertTrue(g.waitReason.startsWith("sched: park called while goroutine 0"), g.waitReason);
    }

    @Test
    void shouldTakeTokenAndUnwindWhenArmed()
    {
        final G g = new G();
        final int[] sigs = new int[4];
        final Carrier c = new Carrier(null, () ->
        {
            final Carrier self = (Carrier)Thread.currentThread();
            self.current = g;
            self.sig = Tokens.of("yield", "()V");
            Suspend.yield();
            sigs[0] = self.sig; // unwinding
            self.sig = G.SIG_RESUME;
            Suspend.yield();
            sigs[1] = self.sig; // rewind over
            self.sig = Tokens.of("testYield", "()V");
            Suspend.testYield();
            sigs[2] = self.sig;
            self.sig = G.SIG_NONE;
            Suspend.testYield(); // pinned: nothing
            sigs[3] = self.sig;
        }, "test-carrier", 0);
        c.start();
        join(c);
        assertEquals(G.SIG_UNWIND, sigs[0]);
        assertEquals(G.SIG_NONE, sigs[1]);
        assertEquals(G.SIG_UNWIND, sigs[2]);
        assertEquals(G.SIG_NONE, sigs[3]);
    }

    @Test
    void shouldRejectTransitionFromWrongState()
    {
        final G g = new G();
        assertEquals(G.RUNNING, g.state());
        assertTrue(g.casState(G.RUNNING, G.WAITING));
        assertTrue(!g.casState(G.RUNNING, G.RUNNABLE));
        assertEquals(G.WAITING, g.state());
        assertThrows(NullPointerException.class, () -> Sched.unpark(null));
    }
}
