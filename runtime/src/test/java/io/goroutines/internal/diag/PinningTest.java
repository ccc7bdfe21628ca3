package io.goroutines.internal.diag;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The option values the agent hands over. The pinned path itself, with real goroutines, is tested by
 * {@code io.goroutines.internal.sched.PinnedParkTest}, and end to end with the agent by PinningIT.
 */
class PinningTest
{
    private final Pinning.Mode initial = Pinning.mode();

    @AfterEach
    void restore()
    {
        Pinning.mode(initial);
    }

    @Test
    void shouldWarnByDefault()
    {
        assertEquals(Pinning.Mode.WARN, initial);
    }

    @Test
    void shouldTakeTheAgentsModeValues()
    {
        Pinning.configure("fail");
        assertEquals(Pinning.Mode.FAIL, Pinning.mode());
        Pinning.configure("off");
        assertEquals(Pinning.Mode.OFF, Pinning.mode());
        Pinning.configure("warn");
        assertEquals(Pinning.Mode.WARN, Pinning.mode());
    }

    @Test
    void shouldRefuseUnknownModeAndKeepTheOneInForce()
    {
        Pinning.configure("off");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Pinning.configure("WARN"));
        assertEquals("pinning: unknown mode 'WARN' (accepted: warn, off, fail)", ex.getMessage());
        assertEquals(Pinning.Mode.OFF, Pinning.mode());
    }
}
