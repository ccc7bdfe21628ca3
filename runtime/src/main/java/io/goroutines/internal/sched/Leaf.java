package io.goroutines.internal.sched;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a runtime method that is suspendable (it is, or implements, a {@code @Goroutine} method, so calls to
 * it are suspension points) but written by hand as a leaf: the agent leaves its body as it is. Such
 * a method takes the caller's token and parks as the leaves of {@link Suspend} do, keeping what it
 * needs across the park in the goroutine rather than in a saved frame ({@link LeafWaits}), so a park
 * in it costs one frame less to unwind and to rewind. Stack walks ({@code Pinning}) look through its
 * frames as through the leaves'.
 *
 * <p>Only for the runtime's own classes ({@code io.goroutines}); elsewhere the agent ignores it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Leaf
{
}
