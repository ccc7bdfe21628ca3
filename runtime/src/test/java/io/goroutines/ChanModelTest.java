package io.goroutines;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Lincheck-style sequential check: random non-blocking operations on a channel and on a model (a
 * bounded FIFO with a closed flag) must give the same results, step after step.
 */
class ChanModelTest
{
    @Test
    void shouldBehaveAsBoundedFifoModel()
    {
        final SplittableRandom random = new SplittableRandom(42);
        for (int run = 0; run < 2_000; run++)
        {
            final int cap = random.nextInt(6);
            final Chan<Integer> ch = Chan.make(cap);
            final ArrayDeque<Integer> model = new ArrayDeque<>();
            boolean closed = false;
            for (int step = 0; step < 60; step++)
            {
                final int op = random.nextInt(100);
                final String where = "run " + run + " step " + step + " cap " + cap;
                if (op < 45)
                {
                    final int v = random.nextInt(1000);
                    if (closed)
                    {
                        assertThrows(IllegalStateException.class, () -> ch.trySend(v), where);
                    }
                    else
                    {
                        final boolean room = model.size() < cap;
                        assertEquals(room, ch.trySend(v), where);
                        if (room)
                        {
                            model.addLast(v);
                        }
                    }
                }
                else if (op < 90)
                {
                    final Received<Integer> r = ch.tryRecv();
                    if (!model.isEmpty())
                    {
                        assertEquals(new Received<>(model.removeFirst(), true), r, where);
                    }
                    else
                    {
                        assertEquals(closed ? new Received<Integer>(null, false) : null, r, where);
                    }
                }
                else if (op < 93)
                {
                    if (closed)
                    {
                        assertThrows(IllegalStateException.class, ch::close, where);
                    }
                    else
                    {
                        ch.close();
                        closed = true;
                    }
                }
                else if (0 < model.size() || closed)
                {
                    // a blocking receive that cannot block here
                    assertEquals(model.isEmpty() ? null : model.removeFirst(), ch.recv(), where);
                }
                assertEquals(model.size(), ch.len(), where);
            }
        }
    }
}
