package io.goroutines.it.apps;

import java.time.Duration;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

/**
 * Programs run with {@code trace=FILE}, one per argument, by the main goroutine:
 * <ul>
 *   <li>{@code work}: goroutines that leave their P in each way a trace names: a ping-pong over an
 *       unbuffered channel ({@code chan send}), a receiver ({@code chan receive}) of what a sleeper
 *       ({@code sleep}) sends, a blocking call ({@code syscall}), a yielder ({@code yield}); main
 *       waits for them on a WaitGroup
 *       ({@code sync.WaitGroup.Wait}), prints {@link #DONE} and returns: status 0;</li>
 *   <li>{@code panic}: a goroutine throws: Go's panic exit, status 2, and the trace is still
 *       finished.</li>
 * </ul>
 */
public final class TraceApp
{
    /** Printed by main at the end of the work program. */
    public static final String DONE = "main: the traced work is done";
    /** Round trips of the ping-pong. */
    public static final int ROUND_TRIPS = 200;
    /** Yields of the yielder. */
    public static final int YIELDS = 20;

    private TraceApp()
    {
    }

    /**
     * @param args the program, see the class comment
     */
    @Goroutine
    public static void main(final String[] args) throws Exception
    {
        if ("panic".equals(args[0]))
        {
            final Chan<Integer> never = Chan.make();
            Go.go(() ->
            {
                throw new IllegalStateException("traced failure");
            });
            never.recv();
            return;
        }
        final WaitGroup wg = new WaitGroup();
        wg.add(6);
        final Chan<Integer> ping = Chan.make();
        final Chan<Integer> pong = Chan.make();
        Go.go(() ->
        {
            for (int i = 0; i < ROUND_TRIPS; i++)
            {
                ping.send(i);
                pong.recv();
            }
            wg.done();
        });
        Go.go(() ->
        {
            // the first ping parks its sender for certain: nobody receives until the dump shows it
            // waiting (later sends mostly find this receiver waiting and do not park)
            while (!Go.stack(true).contains("[chan send]"))
            {
                Go.sleep(Duration.ofMillis(1));
            }
            for (int i = 0; i < ROUND_TRIPS; i++)
            {
                pong.send(ping.recv());
            }
            wg.done();
        });
        final Chan<Integer> late = Chan.make();
        Go.go(() ->
        {
            late.recv();
            wg.done();
        });
        Go.go(() ->
        {
            Go.sleep(Duration.ofMillis(20));
            late.send(1);
            wg.done();
        });
        Go.go(() ->
        {
            Go.blocking(() ->
            {
                Thread.sleep(20);
                return null;
            });
            wg.done();
        });
        Go.go(() ->
        {
            for (int i = 0; i < YIELDS; i++)
            {
                Go.gosched();
            }
            wg.done();
        });
        wg.await();
        // done() comes before a goroutine's end: wait until they have ended (their last slice is
        // recorded before they stop counting), or the exit may race with their end
        while (Go.numGoroutine() > 1)
        {
            Go.sleep(Duration.ofMillis(1));
        }
        System.out.println(DONE);
    }
}
