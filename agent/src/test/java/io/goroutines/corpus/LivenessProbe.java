package io.goroutines.corpus;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.Carrier;
import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.Tokens;
import io.goroutines.internal.stack.Frames;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A frame parked with a dead local that holds a large object, and one with a live one: only the
 * live one may be saved. Loaded by the transforming loader in test mode (every rewritten method
 * yields on entry); {@link #savedBlobs()} unwinds each once and looks into the frame store.
 */
public final class LivenessProbe
{
    private LivenessProbe()
    {
    }

    /** {@code blob} is dead at the suspendable call. */
    @Goroutine
    static int deadAtCall()
    {
        final byte[] blob = new byte[1024];
        Effects.hit(blob.length);
        return Effects.f(1);
    }

    /** {@code blob} is read after the suspendable call. */
    @Goroutine
    static int liveAtCall()
    {
        final byte[] blob = new byte[1024];
        final int r = Effects.f(1);
        return r + blob.length;
    }

    /** Saved references that are byte[1024]: {dead case, live case}, after the first unwind of each. */
    public static int[] savedBlobs() throws Exception
    {
        final int[] out = new int[2];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Carrier c = new Carrier(null, () -> {
            try
            {
                out[0] = blobsAfterFirstUnwind(true);
                out[1] = blobsAfterFirstUnwind(false);
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        }, "liveness-probe", 0);
        c.start();
        c.join();
        if (null != failure.get())
        {
            throw new AssertionError(failure.get());
        }
        return out;
    }

    private static int blobsAfterFirstUnwind(final boolean dead) throws Exception
    {
        final G g = new G();
        final Carrier self = (Carrier) Thread.currentThread();
        self.current = g;
        int unwinds = 0;
        int blobs = -1;
        self.sig = Tokens.of(dead ? "deadAtCall" : "liveAtCall", "()I");
        while (true)
        {
            if (dead)
            {
                deadAtCall();
            }
            else
            {
                liveAtCall();
            }
            if (self.sig != G.SIG_UNWIND)
            {
                break;
            }
            // the first unwind with the blob allocated is the one at Effects.f (the entry yield comes first)
            if (++unwinds == 2)
            {
                blobs = countBlobs(g);
            }
            self.sig = G.SIG_RESUME;
        }
        ((Carrier) Thread.currentThread()).current = null;
        return blobs;
    }

    private static int countBlobs(final G g) throws Exception
    {
        final Field refs = Frames.class.getDeclaredField("refs");
        refs.setAccessible(true);
        int n = 0;
        for (final Object o : (Object[]) refs.get(g))
        {
            if (o instanceof byte[] && ((byte[]) o).length == 1024)
            {
                n++;
            }
        }
        return n;
    }
}
