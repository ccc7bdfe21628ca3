package io.goroutines.internal.sched;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.agrona.DeadlineTimerWheel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The choice of timer structure for a P (issue 3: "heap or Agrona's timer wheel: measure and
 * choose"): the runtime's {@link TimerHeap} against Agrona's {@link DeadlineTimerWheel}, on the two
 * patterns goroutines make: a timeout that is set and then cancelled because the operation finished
 * first ({@code scheduleCancel}), and a batch of sleeps that all expire ({@code scheduleExpire}).
 * 10,000 timers are pending at once; deadlines are spread over 0-100 ms, as sleeps and timeouts
 * are. The wheel runs at 1 ms resolution with 512 slots (a timer fires up to a tick late);
 * the heap is exact. Per timer. In this package only to reach the runtime's package-private heap.
 *
 * <p>What the numbers do not show: the scheduler needs the earliest deadline at every schedule and
 * before an idle carrier sleeps (the heap's root, O(1)); the wheel has no such query, so an idle
 * carrier would have to wake at every tick while any timer is pending, however far away.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-javaagent:agent/target/goroutines.jar")
public class TimerBench
{
    /** Timers per invocation. */
    private static final int N = 10_000;
    /** Spread of the deadlines. */
    private static final long SPREAD_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Wheel tick: 1 ms (a power of two in ns, as Agrona requires). */
    private static final long TICK_NS = 1L << 20;

    private long[] offsets;
    private final Runnable nothing = () -> { };

    @Setup
    public void setup()
    {
        final SplittableRandom random = new SplittableRandom(7);
        offsets = new long[N];
        for (int i = 0; i < N; i++)
        {
            offsets[i] = 1 + random.nextLong(SPREAD_NS);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int heapScheduleCancel()
    {
        final TimerHeap heap = new TimerHeap();
        final Timers.Timer[] set = new Timers.Timer[N];
        final long now = System.nanoTime();
        for (int i = 0; i < N; i++)
        {
            set[i] = new Timers.Timer(now + offsets[i], null, nothing);
            heap.add(set[i]);
        }
        int cancelled = 0;
        for (int i = 0; i < N; i++)
        {
            cancelled += heap.remove(set[i]) ? 1 : 0;
        }
        return cancelled;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int wheelScheduleCancel()
    {
        final long now = System.nanoTime();
        final DeadlineTimerWheel wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, now, TICK_NS, 512);
        final long[] ids = new long[N];
        for (int i = 0; i < N; i++)
        {
            ids[i] = wheel.scheduleTimer(now + offsets[i]);
        }
        int cancelled = 0;
        for (int i = 0; i < N; i++)
        {
            cancelled += wheel.cancelTimer(ids[i]) ? 1 : 0;
        }
        return cancelled;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int heapScheduleExpire()
    {
        final TimerHeap heap = new TimerHeap();
        final long now = System.nanoTime();
        for (int i = 0; i < N; i++)
        {
            heap.add(new Timers.Timer(now + offsets[i], null, nothing));
        }
        return heap.runDue(now + SPREAD_NS + 1);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int wheelScheduleExpire()
    {
        final long now = System.nanoTime();
        final DeadlineTimerWheel wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, now, TICK_NS, 512);
        for (int i = 0; i < N; i++)
        {
            wheel.scheduleTimer(now + offsets[i]);
        }
        final long end = now + SPREAD_NS + 2 * TICK_NS;
        int fired = 0;
        final int[] count = new int[1];
        while (wheel.timerCount() > 0)
        {
            fired += wheel.poll(end, (unit, t, id) -> ++count[0] > 0, Integer.MAX_VALUE);
        }
        return fired + count[0];
    }
}
