package io.goroutines.internal.sched;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitQueueTest
{
    @Test
    void shouldPollInFifoOrderAndRemoveFromMiddle()
    {
        final WaitQueue q = new WaitQueue();
        final Waiter a = new Waiter("a");
        final Waiter b = new Waiter("b");
        final Waiter c = new Waiter("c");
        q.add(a);
        q.add(b);
        q.add(c);
        assertEquals(3, q.size());
        assertTrue(q.remove(b));
        assertFalse(q.remove(b), "not queued any more");
        assertSame(a, q.poll());
        assertSame(c, q.poll());
        assertNull(q.poll());
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
    }

    @Test
    void shouldDetachEveryWaiterAsChain()
    {
        final WaitQueue q = new WaitQueue();
        final Waiter a = new Waiter("a");
        final Waiter b = new Waiter("b");
        q.add(a);
        q.add(b);
        final Waiter head = q.pollAll();
        assertSame(a, head);
        assertSame(b, head.chained());
        assertNull(b.chained());
        assertTrue(q.isEmpty());
        assertFalse(q.remove(a), "detached waiters are in no queue");
        a.complete();
        assertTrue(a.isDone());
        assertEquals("a", a.reason());
        assertSame(Thread.currentThread(), a.thread);
        assertNull(a.g);
    }
}
