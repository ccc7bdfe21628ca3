package io.goroutines.internal.sched;

import io.goroutines.internal.diag.Panics;

import java.util.Optional;

/**
 * The {@code created by} line of a goroutine: the frame that called {@code Go.go}. Walking the stack
 * at every spawn would cost a microsecond; instead the site is found once per task class (a lambda
 * or method reference has a class of its own per place in the code that creates it) and cached, so
 * a spawn pays one {@link ClassValue} lookup. A task object of one class started from two places is
 * reported with the first of them.
 */
final class CreationSites
{
    /** Frames of these classes are the runtime's way to {@code Go.go}, not the site. */
    private static final String GO = "io.goroutines.Go";
    /** The scheduler, whose spawn looks the site up. */
    private static final String SCHED = Sched.class.getName();
    /** The runtime's internals. */
    private static final String INTERNAL = "io.goroutines.internal.";

    /** Sites by task class. */
    private static final ClassValue<String> SITES = new ClassValue<>()
    {
        @Override
        protected String computeValue(final Class<?> type)
        {
            return walk();
        }
    };

    private CreationSites()
    {
    }

    /** The site that started {@code task}, as {@code com.example.Main.main(Main.java:17)}, or null. */
    static String of(final Object task)
    {
        return null == task ? null : SITES.get(task.getClass());
    }

    /** The first frame of the current stack outside the runtime's spawning code. */
    private static String walk()
    {
        final Optional<StackWalker.StackFrame> site = StackWalker.getInstance().walk(frames -> frames
            .dropWhile(f -> !f.getClassName().equals(SCHED)) // this class, ClassValue's lookup
            .filter(f -> !f.getClassName().equals(GO) && !f.getClassName().startsWith(INTERNAL))
            .findFirst());
        return site.map(f -> Panics.frame(f.toStackTraceElement())).orElse(null);
    }
}
