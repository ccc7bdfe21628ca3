package io.goroutines.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as suspendable: inside a goroutine it may block on a channel, lock, timer or
 * socket without blocking its carrier thread. The {@code goroutines.jar} agent rewrites such a
 * method into a resumable state machine with preemption points at loop back-edges.
 *
 * <p>Methods that override or implement a {@code @Goroutine} method are suspendable too, and so
 * are lambda bodies and method references whose functional interface method is
 * {@code @Goroutine}. On {@code public static void main(String[])} it makes {@code main} the main
 * goroutine. Called from ordinary code (not inside a goroutine) the method runs as a plain call.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Goroutine
{
}
