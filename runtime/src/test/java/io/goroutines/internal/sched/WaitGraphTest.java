package io.goroutines.internal.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The cycle search of deadlock reports, on graphs given by hand. */
class WaitGraphTest
{
    @Test
    void shouldFindNoCycleInAChainOrATree()
    {
        assertEquals(0, WaitGraph.cycles(new int[][] {{1}, {2}, {}}).size());
        assertEquals(0, WaitGraph.cycles(new int[][] {{1, 2}, {3}, {3}, {}}).size());
        assertEquals(0, WaitGraph.cycles(new int[0][]).size());
    }

    @Test
    void shouldFindTwoGoroutinesWaitingOnEachOther()
    {
        final List<int[]> cycles = WaitGraph.cycles(new int[][] {{1}, {2}, {1}});
        assertEquals(1, cycles.size());
        assertArrayEquals(new int[] {1, 2}, cycles.get(0));
    }

    @Test
    void shouldFindTheShortestCycleThroughTheFirstNodeOfEachComponent()
    {
        // 0 -> 1 -> 2 -> 3 -> 0 and the chord 1 -> 0: the shortest through 0 is 0 -> 1 -> 0
        final List<int[]> cycles = WaitGraph.cycles(new int[][] {{1}, {2, 0}, {3}, {0}});
        assertEquals(1, cycles.size(), "one component, one cycle");
        assertArrayEquals(new int[] {0, 1}, cycles.get(0));
    }

    @Test
    void shouldReportEachComponentOnce()
    {
        // {0, 1, 2} in a ring, {3, 4} a pair, 5 waits for the ring without being part of it
        final List<int[]> cycles = WaitGraph.cycles(new int[][] {{1}, {2}, {0}, {4}, {3}, {0}});
        assertEquals(2, cycles.size());
        assertArrayEquals(new int[] {0, 1, 2}, cycles.get(0));
        assertArrayEquals(new int[] {3, 4}, cycles.get(1));
    }

    @Test
    void shouldReportAtMostEightCyclesOfALargeGraph()
    {
        final int pairs = 1_000;
        final int[][] adjacency = new int[2 * pairs][];
        for (int i = 0; i < pairs; i++)
        {
            adjacency[2 * i] = new int[] {2 * i + 1};
            adjacency[2 * i + 1] = new int[] {2 * i};
        }
        assertEquals(8, WaitGraph.cycles(adjacency).size());
    }

    @Test
    void shouldHandleALongChainWithoutRecursion()
    {
        final int n = 200_000;
        final int[][] adjacency = new int[n][];
        for (int i = 0; i < n; i++)
        {
            adjacency[i] = new int[] {(i + 1) % n};
        }
        final List<int[]> cycles = WaitGraph.cycles(adjacency);
        assertEquals(1, cycles.size());
        assertEquals(n, cycles.get(0).length);
    }
}
