package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.goroutines.it.apps.UninstrumentedApp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A proxy of a {@code @Goroutine} interface and a class the options exclude sit between a goroutine
 * and its park: the goroutine must pin, and nothing may run twice (the handshake, DESIGN.md).
 */
class UninstrumentedFramesIT
{
    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldPinThroughProxiesAndExcludedClassesWithoutRepeatingSideEffects(final Java java)
    {
        final ChildJvm.Result result = ChildJvm.of(java).agent("exclude=io.goroutines.it.apps.ExcludedSvc")
            .main(UninstrumentedApp.class).run();

        assertEquals(0, result.exitCode(), result.describe());
        assertEquals("proxy: got 42, handler ran 1 time(s)" + System.lineSeparator()
            + "excluded: got 7, body ran 1 time(s)" + System.lineSeparator(), result.stdout(), result.describe());
        assertTrue(result.stderr().contains("goroutines: pinning (uninstrumented caller): "
            + "io.goroutines.it.apps.ExcludedSvc.get(ExcludedSvc.java:16) was left as it was (its class is left out"
            + " by the agent's include/exclude options)"), result.describe());
    }
}
