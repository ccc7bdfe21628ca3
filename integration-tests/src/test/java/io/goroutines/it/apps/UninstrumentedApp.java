package io.goroutines.it.apps;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Frames the agent does not rewrite, between a goroutine and a park: a dynamic proxy of a
 * {@code @Goroutine} interface, and an implementation in a class the options exclude. Each must pin
 * (block its carrier) rather than unwind through code that cannot be resumed, so every side effect
 * happens exactly once. Prints one line per case.
 */
public final class UninstrumentedApp
{
    /** A suspendable service. */
    public interface Svc
    {
        @Goroutine
        int get(Chan<Integer> in);
    }

    /** The real implementation. */
    public static final class Impl implements Svc
    {
        @Override
        public int get(final Chan<Integer> in)
        {
            return in.recv();
        }
    }

    private static final AtomicInteger HANDLER_RUNS = new AtomicInteger();

    private UninstrumentedApp()
    {
    }

    @Goroutine
    public static void main(final String[] args)
    {
        final Svc target = new Impl();
        final Svc proxy = (Svc) Proxy.newProxyInstance(UninstrumentedApp.class.getClassLoader(),
            new Class<?>[] {Svc.class}, (self, method, margs) -> {
                HANDLER_RUNS.incrementAndGet();
                return method.invoke(target, margs);
            });
        System.out.println("proxy: got " + proxy.get(later(42)) + ", handler ran " + HANDLER_RUNS.get() + " time(s)");

        final Svc excluded = new ExcludedSvc();
        System.out.println("excluded: got " + excluded.get(later(7)) + ", body ran " + ExcludedSvc.RUNS.get()
            + " time(s)");
    }

    /** A channel that receives {@code v} once the caller has had time to park on it. */
    @Goroutine
    private static Chan<Integer> later(final int v)
    {
        final Chan<Integer> in = Chan.make();
        Go.go(() -> {
            Go.sleep(Duration.ofMillis(50));
            in.send(v);
        });
        return in;
    }
}
