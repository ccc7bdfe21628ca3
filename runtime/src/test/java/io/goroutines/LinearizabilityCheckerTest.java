package io.goroutines;

import io.goroutines.ChanLinearizabilityTest.FifoModel;
import io.goroutines.LinearizabilityChecker.History;
import io.goroutines.LinearizabilityChecker.Op;
import io.goroutines.LinearizabilityChecker.Result;
import io.goroutines.LinearizabilityChecker.Thrown;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.goroutines.LinearizabilityChecker.OK;
import static io.goroutines.LinearizabilityChecker.assertLinearizable;
import static io.goroutines.LinearizabilityChecker.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Self-test of {@link LinearizabilityChecker} on hand-written channel histories: linearizable ones
 * are accepted (with a valid order), non-linearizable ones rejected with the history printed, so the
 * linearizability tests can fail.
 */
class LinearizabilityCheckerTest
{
    @Test
    void shouldAcceptHistoryWhoseOnlyLinearizationReordersOverlappingCalls()
    {
        // cap 1: send(1) must wait until 2 was received, although it was invoked first.
        final List<Op> history = List.of(
            op(1, "t0", "send", 1, OK, 1, 8),
            op(2, "t1", "send", 2, OK, 2, 3),
            op(3, "t2", "recv", null, 2, 4, 5),
            op(4, "t2", "recv", null, 1, 6, 7));
        final Result result = check(history, new FifoModel(1));
        assertTrue(result.linearizable(), result.report());
        assertEquals(List.of(2, 3, 1, 4), result.order().stream().map(Op::id).toList(), result.report());
    }

    @Test
    void shouldRejectFifoViolation()
    {
        final List<Op> history = List.of(
            op(1, "t0", "send", 1, OK, 1, 2),
            op(2, "t0", "send", 2, OK, 3, 4),
            op(3, "t1", "recv", null, 2, 5, 6));
        final Result result = check(history, new FifoModel(2));
        assertFalse(result.linearizable(), result.report());
        assertTrue(result.report().contains("NO linearization"), result.report());
        final AssertionError failure = assertThrows(AssertionError.class,
            () -> assertLinearizable("fifo", history, new FifoModel(2)));
        for (final Op op : history)
        {
            assertTrue(failure.getMessage().contains(op.toString()), failure.getMessage());
        }
        assertTrue(failure.getMessage().startsWith("fifo: NO linearization"), failure.getMessage());
        assertTrue(failure.getMessage().contains("longest linearizable prefix (then nothing fits): #1 #2"),
            failure.getMessage());
    }

    @Test
    void shouldRespectRealTimeOrder()
    {
        // A receive that returned before the send was invoked cannot have received its element...
        final List<Op> before = List.of(
            op(1, "t0", "recv", null, 1, 1, 2),
            op(2, "t1", "send", 1, OK, 3, 4));
        assertFalse(check(before, new FifoModel(1)).linearizable());
        // ...but one that overlaps it can.
        final List<Op> overlapping = List.of(
            op(1, "t0", "recv", null, 1, 1, 4),
            op(2, "t1", "send", 1, OK, 2, 3));
        assertTrue(check(overlapping, new FifoModel(1)).linearizable());
    }

    @Test
    void shouldOnlyAllowBlockingCallsWhenTheyWouldNotBlock()
    {
        // A send on a full channel that nobody drains, a receive of nothing, a failed trySend on an
        // empty buffered channel, a send that did not fail after a close that returned before it.
        assertFalse(check(List.of(
            op(1, "t0", "send", 1, OK, 1, 2),
            op(2, "t0", "send", 2, OK, 3, 4)), new FifoModel(1)).linearizable());
        assertFalse(check(List.of(op(1, "t0", "recvOk", null, new Received<>(null, false), 1, 2)), new FifoModel(1))
            .linearizable());
        assertFalse(check(List.of(op(1, "t0", "trySend", 1, false, 1, 2)), new FifoModel(1)).linearizable());
        assertFalse(check(List.of(
            op(1, "t0", "close", null, OK, 1, 2),
            op(2, "t1", "send", 1, OK, 3, 4)), new FifoModel(1)).linearizable());
        assertTrue(check(List.of(
            op(1, "t0", "close", null, OK, 1, 2),
            op(2, "t1", "send", 1, FifoModel.SEND_ON_CLOSED, 3, 4),
            op(3, "t1", "recv", null, null, 5, 6),
            op(4, "t1", "close", null, FifoModel.CLOSE_OF_CLOSED, 7, 8)), new FifoModel(1)).linearizable());
    }

    @Test
    void shouldPairRendezvousOnlyWhenIntervalsOverlap()
    {
        final List<Op> overlapping = List.of(
            op(1, "t0", "send", 7, OK, 1, 4),
            op(2, "t1", "recv", null, 7, 2, 3));
        assertTrue(check(overlapping, new FifoModel(0)).linearizable());
        final List<Op> disjoint = List.of(
            op(1, "t0", "send", 7, OK, 1, 2),
            op(2, "t1", "recv", null, 7, 3, 4));
        assertFalse(check(disjoint, new FifoModel(0)).linearizable());
        final List<Op> twice = List.of(
            op(1, "t0", "send", 7, OK, 1, 6),
            op(2, "t1", "recv", null, 7, 2, 3),
            op(3, "t2", "tryRecv", null, new Received<>(7, true), 4, 5));
        assertFalse(check(twice, new FifoModel(0)).linearizable(), "one send, received twice");
        final List<Op> alone = List.of(op(1, "t0", "trySend", 7, true, 1, 2));
        assertFalse(check(alone, new FifoModel(0)).linearizable(), "a trySend that nobody received");
    }

    @Test
    void shouldRecordStampsAndThrownExceptions()
    {
        final History history = new History();
        assertEquals(OK, history.call("t0", "first", null, () -> OK));
        final Object thrown = history.call("t0", "second", 3, () ->
        {
            throw new IllegalStateException("boom");
        });
        assertEquals(new Thrown("IllegalStateException", "boom"), thrown);
        final List<Op> ops = history.ops();
        assertEquals(List.of(op(1, "t0", "first", null, OK, 1, 2), op(2, "t0", "second", 3, thrown, 3, 4)), ops);
    }

    private static Op op(final int id, final String party, final String name, final Object arg, final Object result,
        final long inv, final long resp)
    {
        return new Op(id, party, name, arg, result, inv, resp);
    }
}
