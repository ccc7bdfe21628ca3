package io.goroutines.internal.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest
{
    private static final int M1 = MethodRegistry.register("a/B", "m1", "()V", "B.java", new int[] {10, 11});
    private static final int M2 = MethodRegistry.register("a/B", "m2", "(I)I", "B.java", new int[] {20});

    @Test
    void shouldAllocateNothingUntilTheFirstPush()
    {
        assertEquals(0, new Frames().capacityBytes());
    }

    @Test
    void shouldRestoreFramesInLifoOrderWithEveryValueType()
    {
        final Frames f = new Frames();
        f.push(M2, 0, 4, 1); // innermost frame is saved first
        f.putInt(0, -7);
        f.putLong(1, Long.MIN_VALUE);
        f.putFloat(2, -0.5f);
        f.putDouble(3, Double.longBitsToDouble(0x7ff8000000000123L));
        final Object o = new Object();
        f.putRef(0, o);
        f.push(M1, 1, 0, 1);
        f.putRef(0, "outer");
        assertEquals(2, f.depth());

        assertEquals(1, f.resume(M1));
        assertEquals("outer", f.getRef(0));
        f.pop();
        assertEquals(0, f.resume(M2));
        assertEquals(-7, f.getInt(0));
        assertEquals(Long.MIN_VALUE, f.getLong(1));
        assertEquals(-0.5f, f.getFloat(2));
        assertEquals(0x7ff8000000000123L, Double.doubleToRawLongBits(f.getDouble(3)));
        assertTrue(o == f.getRef(0));
        f.pop();
        assertEquals(0, f.depth());
    }

    @Test
    void shouldFindTheInnermostFrameOutsideTheRuntimeAsTheWaitSite()
    {
        final int runtime = MethodRegistry.register("io/goroutines/sync/Fake", "await", "()V", "Fake.java", new int[] {5});
        assertTrue(MethodRegistry.isRuntime(runtime));
        final Frames f = new Frames();
        assertEquals(-1, Frames.waitSite(f.savedPrims(), f.savedTop()), "nothing saved");
        f.push(runtime, 0, 1, 0); // innermost: the primitive's own frame
        f.push(M2, 0, 2, 1);      // the user's frame that waits
        f.push(M1, 1, 0, 0);      // its caller
        assertEquals((long)M2 << 32, Frames.waitSite(f.savedPrims(), f.savedTop()));
        final Frames onlyRuntime = new Frames();
        onlyRuntime.push(runtime, 0, 0, 2);
        assertEquals((long)runtime << 32, Frames.waitSite(onlyRuntime.savedPrims(), onlyRuntime.savedTop()),
            "the outermost when all are the runtime's");
    }

    @Test
    void shouldNeverFailToReadAWaitSiteFromSlotsThatChanged()
    {
        final java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 10_000; i++)
        {
            final long[] garbage = new long[1 + random.nextInt(16)];
            for (int k = 0; k < garbage.length; k++)
            {
                garbage[k] = random.nextLong();
            }
            final long found = Frames.waitSite(garbage, random.nextInt(garbage.length + 3) - 1);
            assertTrue(found >= -1, "a method id and a site, or -1");
        }
    }

    @Test
    void shouldRefuseToResumeAFrameOfAnotherMethod()
    {
        final Frames f = new Frames();
        f.push(M1, 0, 0, 0);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.resume(M2));
        assertTrue(e.getMessage().contains("a.B.m1()V"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new Frames().resume(M1));
    }

    @Test
    void shouldNullReferencesOnPopSoNothingLeaks() throws Exception
    {
        final Frames f = new Frames();
        f.push(M1, 0, 0, 3);
        f.putRef(0, "a");
        f.putRef(1, "b");
        f.putRef(2, "c");
        f.resume(M1);
        f.pop();
        final Object[] refs = (Object[]) field(f, "refs");
        for (final Object r : refs)
        {
            assertNull(r);
        }
    }

    @Test
    void shouldGrowPastTheInitialSizeAndShrinkBack() throws Exception
    {
        final Frames f = new Frames();
        for (int i = 0; i < 5000; i++) // a deep recursion parked at the bottom
        {
            f.push(M2, 0, 2, 2);
            f.putInt(0, i);
            f.putRef(1, i);
        }
        final long deep = f.capacityBytes();
        assertTrue(deep > 5000 * 16, "grew: " + deep);
        for (int i = 4999; i >= 0; i--)
        {
            f.resume(M2);
            assertEquals(i, f.getInt(0));
            assertEquals(i, f.getRef(1));
            f.pop();
        }
        f.push(M1, 0, 1, 1); // parked shallow again
        for (int i = 0; i < 20; i++)
        {
            f.shrink();
        }
        assertTrue(f.capacityBytes() < 512, "shrunk: " + f.capacityBytes());
        f.pop();
        f.shrink();
        assertEquals(0, f.capacityBytes());
    }

    @Test
    void shouldWalkTheSavedFramesInwardsAndVisitTheirReferencesInnermostFirst()
    {
        final Frames f = new Frames();
        assertEquals(-1, f.outermost());
        f.push(M2, 0, 3, 1); // the innermost frame is saved first: primitives under its record
        f.putInt(0, 1);
        f.putLong(1, 2);
        f.putInt(2, 3);
        f.putRef(0, "m2");
        f.push(M1, 1, 0, 2); // its caller, the outermost: references only
        f.putRef(0, "m1-a");
        f.putRef(1, null);
        final int outer = f.outermost();
        assertEquals(M1, f.methodAt(outer));
        assertEquals(1, f.siteAt(outer));
        final int inner = f.callee(outer);
        assertEquals(M2, f.methodAt(inner));
        assertEquals(0, f.siteAt(inner));
        assertEquals(-1, f.callee(inner));
        final List<String> seen = new ArrayList<>();
        f.forEachRef((method, site, ref) -> seen.add(method + "/" + site + "/" + ref));
        assertEquals(List.of(M2 + "/0/m2", M1 + "/1/m1-a"), seen, "innermost first, nulls left out");
    }

    @Test
    void shouldRefuseARecordWiderThanItHoldsAndSaveNothing()
    {
        final Frames f = new Frames();
        f.push(M1, Frames.MAX_SITE, Frames.MAX_SLOTS, Frames.MAX_SLOTS); // the widest that fits
        f.putInt(Frames.MAX_SLOTS - 1, 42);
        f.putRef(Frames.MAX_SLOTS - 1, "last");
        assertThrows(IllegalArgumentException.class, () -> f.push(M1, Frames.MAX_SITE + 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> f.push(M1, 0, Frames.MAX_SLOTS + 1, 0));
        assertThrows(IllegalArgumentException.class, () -> f.push(M1, 0, 0, Frames.MAX_SLOTS + 1));
        assertThrows(IllegalArgumentException.class, () -> f.push(Frames.MAX_METHOD_ID + 1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> f.push(-1, 0, 0, 0));
        assertEquals(1, f.depth(), "nothing was saved by the refused pushes");
        assertEquals(Frames.MAX_SITE, f.resume(M1));
        assertEquals(42, f.getInt(Frames.MAX_SLOTS - 1));
        assertEquals("last", f.getRef(Frames.MAX_SLOTS - 1));
        f.pop();
        assertEquals(0, f.depth());
        assertEquals(-1, f.outermost());
    }

    @Test
    void shouldKeepATypicalParkSmall()
    {
        // a lambda over Chan.recv: two frames, a few references, a primitive or none
        final Frames f = new Frames();
        f.push(M2, 0, 1, 2);
        f.push(M1, 0, 0, 2);
        assertEquals(4 * 8 + 8 * 4, f.capacityBytes(), "one array of four longs, one of eight references");
    }

    @Test
    void shouldMapCallSitesToSourceLines()
    {
        assertEquals("a.B.m1(B.java:11)", MethodRegistry.entry(M1).frame(1));
        assertEquals(M2, MethodRegistry.lookup("a/B", "m2", "(I)I") == null ? -1 : M2);
    }

    private static Object field(final Object o, final String name) throws Exception
    {
        final Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }
}
