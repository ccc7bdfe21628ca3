package io.goroutines.internal.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's two id ranges: whose method it is can be told from the id alone. */
class MethodRegistryTest
{
    @Test
    void shouldTellTheRuntimesMethodsByTheirIdAlone()
    {
        final int user = MethodRegistry.register("com/example/Main", "run", "()V", "Main.java", new int[] {7});
        final int chan = MethodRegistry.register("io/goroutines/Chan", "recv", "()Ljava/lang/Object;", "Chan.java",
            new int[] {3});
        final int sync = MethodRegistry.register("io/goroutines/sync/Mutex", "lock", "()V", "Mutex.java", new int[0]);
        // the project's own programs live under io.goroutines but are not the runtime
        final int app = MethodRegistry.register("io/goroutines/it/apps/App", "main", "()V", "App.java", new int[0]);

        assertFalse(MethodRegistry.isRuntime(user));
        assertFalse(MethodRegistry.isRuntime(app));
        assertTrue(MethodRegistry.isRuntime(chan));
        assertTrue(MethodRegistry.isRuntime(sync));
        assertEquals(0, user & MethodRegistry.RUNTIME_ID_BIT);
        assertEquals(MethodRegistry.RUNTIME_ID_BIT, chan & MethodRegistry.RUNTIME_ID_BIT);
        assertFalse(MethodRegistry.isRuntime(0), "0 is no method");
    }

    @Test
    void shouldFindEachEntryByItsIdInEitherRange()
    {
        final List<Integer> ids = new ArrayList<>();
        // more than either table's first size, so both grow while being filled
        for (int i = 0; i < 1500; i++)
        {
            ids.add(MethodRegistry.register("com/example/C" + i, "m", "()V", "C.java", new int[] {i}));
            ids.add(MethodRegistry.register("io/goroutines/internal/R" + i, "m", "()V", "R.java", new int[] {i}));
        }
        for (int i = 0; i < 1500; i++)
        {
            final int user = ids.get(2 * i);
            final int runtime = ids.get(2 * i + 1);
            assertNotEquals(0, user);
            assertEquals("com.example.C" + i + ".m(C.java:" + i + ")", MethodRegistry.entry(user).frame(0));
            assertEquals("io.goroutines.internal.R" + i + ".m(R.java:" + i + ")", MethodRegistry.entry(runtime).frame(0));
            assertTrue(MethodRegistry.entry(runtime).runtime());
            assertFalse(MethodRegistry.entry(user).runtime());
            assertSame(MethodRegistry.entry(user), MethodRegistry.lookup("com/example/C" + i, "m", "()V"));
            assertSame(MethodRegistry.entry(runtime), MethodRegistry.lookup("io/goroutines/internal/R" + i, "m", "()V"));
        }
        assertEquals(ids.size(), ids.stream().distinct().count(), "ids are never handed out twice");
    }

    @Test
    void shouldKnowNothingOfIdsItNeverHandedOut()
    {
        assertNull(MethodRegistry.entry(0));
        assertNull(MethodRegistry.entry(-1));
        assertNull(MethodRegistry.entry(MethodRegistry.RUNTIME_ID_BIT - 1));
        assertNull(MethodRegistry.entry(Frames.MAX_METHOD_ID));
        assertNull(MethodRegistry.entry(MethodRegistry.RUNTIME_ID_BIT));
        assertEquals("#" + Frames.MAX_METHOD_ID, MethodRegistry.describe(Frames.MAX_METHOD_ID));
    }
}
