package io.goroutines.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.goroutines.agent.transform.TransformConfig;
import org.junit.jupiter.api.Test;

/** A parked frame saves only the locals it reads again: a dead local keeps nothing reachable. */
class LivenessTest
{
    @Test
    void shouldSaveLiveLocalsOnly() throws Exception
    {
        final TransformingLoader loader = new TransformingLoader(getClass().getClassLoader(),
            new TransformConfig(true, false, false, true), "io.goroutines.corpus.");
        final int[] blobs = (int[]) loader.loadClass("io.goroutines.corpus.LivenessProbe")
            .getMethod("savedBlobs").invoke(null);
        assertArrayEquals(new int[] {0, 1}, blobs, "blobs saved: {dead local, live local}");
    }
}
