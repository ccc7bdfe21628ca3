package io.goroutines.agent.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.goroutines.agent.config.ClassGlobs;

class GoroutineClassFileTransformerTest
{
    private static final ClassLoader APP = GoroutineClassFileTransformerTest.class.getClassLoader();
    private static final byte[] ORIGINAL = {1, 2, 3};
    private static final byte[] REWRITTEN = {4, 5, 6};

    private final List<String> log = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private final ClassFilter all = new ClassFilter(ClassGlobs.none(), ClassGlobs.none());

    @Test
    void shouldNotCallTheTransformForIgnoredClasses()
    {
        final GoroutineClassFileTransformer transformer = transformer(recording(REWRITTEN), false);

        assertNull(transformer.transform(APP, "java/util/List", null, null, ORIGINAL));
        assertNull(transformer.transform(null, "com/example/Main", null, null, ORIGINAL));
        assertNull(transformer.transform(APP, "io/goroutines/agent/install/Installer", null, null, ORIGINAL));
        assertEquals(List.of(), calls);
    }

    @Test
    void shouldAllowNewMembersOnFirstLoad()
    {
        final GoroutineClassFileTransformer transformer = transformer(recording(REWRITTEN), false);

        assertArrayEquals(REWRITTEN, transformer.transform(APP, "com/example/Main", null, null, ORIGINAL));
        assertEquals(List.of("com/example/Main canAddMembers=true"), calls);
    }

    @Test
    void shouldForbidNewMembersWhenRetransformingClassLoadedBeforeTheAgent()
    {
        final GoroutineClassFileTransformer transformer = transformer(recording(REWRITTEN), false);

        transformer.transform(APP, "com/example/Main", String.class, null, ORIGINAL);

        assertEquals(List.of("com/example/Main canAddMembers=false"), calls);
    }

    @Test
    void shouldRewriteTheSameWayWhenRetransformingClassRewrittenAtFirstLoad()
    {
        final GoroutineClassFileTransformer transformer = transformer(recording(REWRITTEN), false);

        transformer.transform(APP, "com/example/Main", null, null, ORIGINAL);
        transformer.transform(APP, "com/example/Main", String.class, null, ORIGINAL);

        assertEquals(List.of("com/example/Main canAddMembers=true", "com/example/Main canAddMembers=true"), calls);
    }

    @Test
    void shouldForbidNewMembersWhenRetransformingClassLeftUnchangedAtFirstLoad()
    {
        final GoroutineClassFileTransformer transformer = transformer(recording(null), false);

        transformer.transform(APP, "com/example/Main", null, null, ORIGINAL);
        transformer.transform(APP, "com/example/Main", String.class, null, ORIGINAL);

        assertEquals(List.of("com/example/Main canAddMembers=true", "com/example/Main canAddMembers=false"), calls);
    }

    @Test
    void shouldLoadClassUnchangedWhenTheTransformThrows()
    {
        final GoroutineClassFileTransformer transformer = transformer((loader, name, bytes, canAdd) ->
        {
            throw new IllegalStateException("boom");
        }, false);

        assertNull(transformer.transform(APP, "com/example/Main", null, null, ORIGINAL));
        assertEquals(1, log.size());
        assertTrue(log.get(0).startsWith("goroutines: could not transform com.example.Main (" +
            "java.lang.IllegalStateException: boom); it is loaded unchanged"), log.get(0));
    }

    @Test
    void shouldLoadClassUnchangedWhenTheTransformFailsWithAnError()
    {
        final GoroutineClassFileTransformer transformer = transformer((loader, name, bytes, canAdd) ->
        {
            throw new StackOverflowError();
        }, false);

        assertNull(transformer.transform(APP, "com/example/Main", null, null, ORIGINAL));
        assertTrue(log.get(0).contains("java.lang.StackOverflowError"), log.get(0));

        final GoroutineClassFileTransformer next = transformer(recording(REWRITTEN), false);
        assertArrayEquals(REWRITTEN, next.transform(APP, "com/example/Other", null, null, ORIGINAL));
    }

    @Test
    void shouldLogEachTransformedClassWhenVerbose()
    {
        final GoroutineClassFileTransformer transformer = transformer(recording(REWRITTEN), true);

        transformer.transform(APP, "com/example/Main", null, null, ORIGINAL);
        transformer.transform(APP, "com/example/Main", String.class, null, ORIGINAL);

        assertEquals(List.of("goroutines: transformed com.example.Main",
            "goroutines: transformed com.example.Main (retransformed)"), log);
    }

    @Test
    void shouldLogNothingForUnchangedClassesWhenVerbose()
    {
        transformer(recording(null), true).transform(APP, "com/example/Main", null, null, ORIGINAL);

        assertEquals(List.of(), log);
    }

    @Test
    void shouldLeaveClassLoadedDuringATransformUnchanged()
    {
        final GoroutineClassFileTransformer[] self = new GoroutineClassFileTransformer[1];
        final byte[][] inner = new byte[1][];
        self[0] = transformer((loader, name, bytes, canAdd) ->
        {
            inner[0] = self[0].transform(APP, "com/example/Nested", null, null, ORIGINAL);
            return REWRITTEN;
        }, false);

        assertArrayEquals(REWRITTEN, self[0].transform(APP, "com/example/Main", null, null, ORIGINAL));
        assertNull(inner[0]);
        assertEquals(List.of("goroutines: com.example.Nested was loaded while the agent was transforming" +
            " com.example.Main; it is left unchanged, so its @Goroutine methods, if any, will pin"), log);
    }

    private ClassRewriter recording(final byte[] result)
    {
        return (loader, name, bytes, canAddMembers) ->
        {
            calls.add(name + " canAddMembers=" + canAddMembers);
            return result;
        };
    }

    private GoroutineClassFileTransformer transformer(final ClassRewriter rewriter, final boolean verbose)
    {
        return new GoroutineClassFileTransformer(all, rewriter, log::add, verbose);
    }
}
