package io.goroutines.internal.diag;

import io.goroutines.internal.sched.Events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.StackTrace;

/**
 * The scheduler's JFR events: {@code io.goroutines.GoroutineStart}, {@code GoroutineEnd},
 * {@code GoroutinePark}, {@code GoroutineUnpark}, {@code GoroutinePreempt}, {@code GoroutinePin} and
 * {@code CarrierHandoff}. All are disabled by default (enable them in a recording's settings, e.g.
 * {@code jfr configure +io.goroutines.GoroutinePark#enabled=true} or JMC); while no recording runs, the
 * scheduler's hot paths pay one volatile read ({@link Events#on}): a listener on the flight recorder
 * opens the gate when a recording starts and closes it when the last one ends.
 */
public final class JfrEvents implements Events.Sink
{
    private JfrEvents()
    {
    }

    /**
     * Starts listening to the flight recorder on a daemon thread; the agent calls this from premain.
     *
     * @param mode {@code on} (anything else does nothing)
     */
    public static void configure(final String mode)
    {
        if (!"on".equals(mode))
        {
            return;
        }
        final Thread t = new Thread(DebugServer.THREADS, JfrEvents::listen, "goroutines-jfr");
        t.setDaemon(true);
        t.start();
    }

    /** Opens the gate while any recording runs. */
    static void listen()
    {
        try
        {
            final JfrEvents sink = new JfrEvents();
            FlightRecorder.addListener(new FlightRecorderListener()
            {
                @Override
                public void recordingStateChanged(final Recording recording)
                {
                    Events.jfr(anyRunning() ? sink : null);
                }
            });
            Events.jfr(FlightRecorder.isInitialized() && anyRunning() ? sink : null);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            System.err.println("goroutines: JFR events are off: " + ex);
        }
    }

    private static boolean anyRunning()
    {
        for (final Recording r : FlightRecorder.getFlightRecorder().getRecordings())
        {
            if (RecordingState.RUNNING == r.getState())
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public void start(final long id, final long parentId)
    {
        final StartEvent e = new StartEvent();
        if (e.shouldCommit())
        {
            e.goroutine = id;
            e.parent = parentId;
            e.commit();
        }
    }

    @Override
    public void end(final long id)
    {
        final EndEvent e = new EndEvent();
        if (e.shouldCommit())
        {
            e.goroutine = id;
            e.commit();
        }
    }

    @Override
    public void park(final long id, final String reason)
    {
        final ParkEvent e = new ParkEvent();
        if (e.shouldCommit())
        {
            e.goroutine = id;
            e.reason = reason;
            e.commit();
        }
    }

    @Override
    public void unpark(final long id)
    {
        final UnparkEvent e = new UnparkEvent();
        if (e.shouldCommit())
        {
            e.goroutine = id;
            e.commit();
        }
    }

    @Override
    public void preempt(final long id)
    {
        final PreemptEvent e = new PreemptEvent();
        if (e.shouldCommit())
        {
            e.goroutine = id;
            e.commit();
        }
    }

    @Override
    public void pin(final long id, final String reason)
    {
        final PinEvent e = new PinEvent();
        if (e.shouldCommit())
        {
            e.goroutine = id;
            e.reason = reason;
            e.commit();
        }
    }

    @Override
    public void handoff(final int p)
    {
        final HandoffEvent e = new HandoffEvent();
        if (e.shouldCommit())
        {
            e.p = p;
            e.commit();
        }
    }

    /** A goroutine started. */
    @Name("io.goroutines.GoroutineStart")
    @Label("Goroutine Start")
    @Category({"Goroutines"})
    @Enabled(false)
    @StackTrace(false)
    static final class StartEvent extends Event
    {
        @Label("Goroutine")
        long goroutine;
        @Label("Started By")
        @Description("the goroutine that started it, 0 for a plain thread")
        long parent;
    }

    /** A goroutine ended. */
    @Name("io.goroutines.GoroutineEnd")
    @Label("Goroutine End")
    @Category({"Goroutines"})
    @Enabled(false)
    @StackTrace(false)
    static final class EndEvent extends Event
    {
        @Label("Goroutine")
        long goroutine;
    }

    /** A goroutine parked. */
    @Name("io.goroutines.GoroutinePark")
    @Label("Goroutine Park")
    @Category({"Goroutines"})
    @Enabled(false)
    @StackTrace(false)
    static final class ParkEvent extends Event
    {
        @Label("Goroutine")
        long goroutine;
        @Label("Wait Reason")
        String reason;
    }

    /** A parked goroutine was made runnable. */
    @Name("io.goroutines.GoroutineUnpark")
    @Label("Goroutine Unpark")
    @Category({"Goroutines"})
    @Enabled(false)
    @StackTrace(false)
    static final class UnparkEvent extends Event
    {
        @Label("Goroutine")
        long goroutine;
    }

    /** A goroutine was asked to yield. */
    @Name("io.goroutines.GoroutinePreempt")
    @Label("Goroutine Preempt")
    @Category({"Goroutines"})
    @Enabled(false)
    @StackTrace(false)
    static final class PreemptEvent extends Event
    {
        @Label("Goroutine")
        long goroutine;
    }

    /** A goroutine blocked its carrier. */
    @Name("io.goroutines.GoroutinePin")
    @Label("Goroutine Pin")
    @Category({"Goroutines"})
    @Enabled(false)
    @StackTrace(false)
    static final class PinEvent extends Event
    {
        @Label("Goroutine")
        long goroutine;
        @Label("Wait Reason")
        String reason;
    }

    /** A P was handed to another carrier. */
    @Name("io.goroutines.CarrierHandoff")
    @Label("Carrier Hand-off")
    @Category({"Goroutines"})
    @Enabled(false)
    @StackTrace(false)
    static final class HandoffEvent extends Event
    {
        @Label("P")
        int p;
    }
}
