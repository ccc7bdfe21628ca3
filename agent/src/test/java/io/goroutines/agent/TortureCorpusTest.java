package io.goroutines.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goroutines.agent.transform.TransformConfig;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The torture corpus (io.goroutines.corpus.Shapes): every shape run plainly and with every
 * suspendable call really suspending and resuming must give the same result and the same side
 * effects, in the same order.
 */
class TortureCorpusTest
{
    private static final String CORPUS = "io.goroutines.corpus.";

    @SuppressWarnings("unchecked")
    private static Map<String, String> run(final TransformingLoader loader, final boolean suspending,
        final Map<String, Long> unwinds) throws Exception
    {
        final Class<?> driver = loader.loadClass(CORPUS + "Driver");
        if (suspending)
        {
            final Method m = driver.getMethod("runSuspending", Map.class);
            return (Map<String, String>) m.invoke(null, unwinds);
        }
        return (Map<String, String>) driver.getMethod("runPlain").invoke(null);
    }

    @Test
    void shouldGiveSameResultsAndEffectsWhenEveryCallSuspends() throws Exception
    {
        final Map<String, String> untransformed = run(new TransformingLoader(getClass().getClassLoader(),
            TransformConfig.defaults(), "none.") , false, null);
        final TransformingLoader plainLoader =
            new TransformingLoader(getClass().getClassLoader(), TransformConfig.defaults(), CORPUS);
        final Map<String, String> plain = run(plainLoader, false, null);
        final TransformingLoader suspendLoader = new TransformingLoader(getClass().getClassLoader(),
            new TransformConfig(true, false, false, true), CORPUS);
        final Map<String, Long> unwinds = new LinkedHashMap<>();
        final Map<String, String> suspending = run(suspendLoader, true, unwinds);

        assertTrue(untransformed.size() >= 60, "at least 60 shapes: " + untransformed.size());
        assertTrue(suspendLoader.transformed().contains(CORPUS + "Shapes"), "Shapes was rewritten");
        for (final String shape : untransformed.keySet())
        {
            assertEquals(untransformed.get(shape), plain.get(shape), shape + ": rewritten, run plainly");
            assertEquals(untransformed.get(shape), suspending.get(shape), shape + ": rewritten, suspending");
            assertTrue(unwinds.get(shape) > 0, shape + " never suspended");
        }
        assertTrue(suspendLoader.warnings().isEmpty(), "warnings: " + suspendLoader.warnings());
    }
}
