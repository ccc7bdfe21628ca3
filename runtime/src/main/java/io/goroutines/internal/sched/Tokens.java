package io.goroutines.internal.sched;

/**
 * The call tokens of the handshake between rewritten frames (see {@link G}).
 *
 * <p>A token names the method it is meant for: {@code SIG_CALL} in the low two bits and a 30-bit
 * hash of the callee's name and descriptor above them. A caller arms its carrier's {@code sig} with the token
 * of the method its call instruction names; a rewritten method takes only its own token (a lambda
 * body, the token of its functional interface method). A token left behind by a call that never
 * reached its callee (an exception between arming and entry, a class initialiser running first, a
 * callee that was not rewritten) therefore cannot be taken by some other method entered from plain
 * code: that method runs pinned, as it must. JVM method resolution matches name and descriptor
 * exactly, so the invoked method always carries the token its caller armed, except behind a
 * lambda's forwarding frame, which is why lambda bodies accept their interface method's token.
 *
 * <p>The agent computes the same values at transform time and bakes them into the code as
 * constants; the function must never change without both sides changing together.
 */
public final class Tokens
{
    /** The token of {@code run()V}: how the scheduler enters a goroutine's root ({@code Task.run}). */
    public static final int RUN = of("run", "()V");

    private Tokens()
    {
    }

    /**
     * The token for a call to {@code name} with {@code descriptor}. Never {@code SIG_NONE},
     * {@code SIG_UNWIND} or {@code SIG_RESUME}: its low two bits are {@code SIG_CALL}.
     */
    public static int of(final String name, final String descriptor)
    {
        final int h = (name + descriptor).hashCode();
        return ((h ^ (h >>> 30)) << 2) | G.SIG_CALL;
    }

    /** Whether {@code sig} is some call token (any method's). */
    public static boolean isCall(final int sig)
    {
        return (sig & 3) == G.SIG_CALL;
    }
}
