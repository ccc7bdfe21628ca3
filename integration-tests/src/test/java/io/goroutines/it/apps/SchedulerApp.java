package io.goroutines.it.apps;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

/**
 * Scheduler scenarios after Go's proc_test.go, one per run (the first argument names it), each
 * printing one line that SchedulerIT checks. The agent options (procs, preempt) come from the test.
 * Every wait has a deadline, so a scheduler that fails a scenario makes it print a failure line
 * instead of hanging.
 */
public final class SchedulerApp
{
    /** How long any scenario waits for something that must happen before it calls it a failure. */
    private static final long DEADLINE_NS = Duration.ofSeconds(20).toNanos();

    private SchedulerApp()
    {
    }

    @Goroutine
    public static void main(final String[] args) throws Exception
    {
        switch (args[0])
        {
            case "parallelism":
                parallelism(Integer.parseInt(args[1]));
                break;
            case "maxprocs":
                maxProcs();
                break;
            case "preempt":
                preemptTightLoop();
                break;
            case "pingpong-hogs":
                pingPongNextToHogs();
                break;
            case "blocking":
                blockingHandOff();
                break;
            case "pinned":
                pinnedHandOff();
                break;
            case "runaway":
                runawayHandOff();
                break;
            case "plain-sleep":
                plainSleepHandOff();
                break;
            case "runaway-cap":
                runawayCap();
                break;
            case "deep":
                deep(Integer.parseInt(args[1]));
                break;
            case "million":
                million();
                break;
            case "idle":
                idle();
                break;
            case "timer-runaway":
                timerNextToRunaway();
                break;
            case "timer-fairness":
                timerFairness();
                break;
            default:
                throw new IllegalArgumentException("unknown scenario " + args[0]);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Parallelism: with procs=N, N goroutines run at the same time (each on its own carrier).

    @Goroutine
    private static void parallelism(final int n) throws Exception
    {
        final int seen = maxRunningAtOnce(n, DEADLINE_NS);
        System.out.println("parallelism: " + seen + " of " + n + " at once on procs=" + Go.maxProcs(0));
    }

    /**
     * Starts {@code n} goroutines that each wait, spinning (run with preempt=off, so a spinner never
     * yields its carrier), until all {@code n} are running or {@code patienceNs} passed; returns the
     * most that were running at the same time on distinct carriers.
     */
    @Goroutine
    private static int maxRunningAtOnce(final int n, final long patienceNs) throws Exception
    {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final Set<Thread> carriers = ConcurrentHashMap.newKeySet();
        final WaitGroup wg = new WaitGroup();
        wg.add(n);
        for (int i = 0; i < n; i++)
        {
            Go.go(() ->
            {
                final int now = running.incrementAndGet();
                carriers.add(Thread.currentThread());
                most.accumulateAndGet(now, Math::max);
                final long end = System.nanoTime() + patienceNs;
                while (running.get() < n && System.nanoTime() - end < 0)
                {
                    most.accumulateAndGet(running.get(), Math::max);
                }
                most.accumulateAndGet(running.get(), Math::max);
                running.decrementAndGet();
                wg.done();
            });
        }
        wg.await();
        return Math.min(most.get(), carriers.size());
    }

    /** maxProcs changes parallelism while goroutines run: 2, then 1, then 3. */
    @Goroutine
    private static void maxProcs() throws Exception
    {
        final int before = Go.maxProcs(0);
        final int two = maxRunningAtOnce(2, DEADLINE_NS);
        Go.maxProcs(1);
        final int one = maxRunningAtOnce(2, Duration.ofMillis(300).toNanos());
        Go.maxProcs(3);
        final int three = maxRunningAtOnce(3, DEADLINE_NS);
        System.out.println("maxprocs: started with " + before + "; at once: " + two + " with 2, " + one +
            " with 1, " + three + " with 3");
    }

    // ---------------------------------------------------------------------------------------------
    // Preemption.

    /**
     * A goroutine spinning in a tight loop with no calls, until another goroutine sets a flag. With
     * one P, main gets back only if the spinner is preempted, and then the setter too.
     */
    @Goroutine
    private static void preemptTightLoop() throws Exception
    {
        final AtomicBoolean flag = new AtomicBoolean();
        final AtomicBoolean spinning = new AtomicBoolean();
        final WaitGroup wg = new WaitGroup();
        wg.add(2);
        final long start = System.nanoTime();
        Go.go(() ->
        {
            spinning.set(true);
            spinUntil(flag);
            wg.done();
        });
        while (!spinning.get())
        {
            Go.gosched();
        }
        Go.go(() ->
        {
            flag.set(true);
            wg.done();
        });
        wg.await();
        System.out.println("preempt: tight loop finished in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** A loop with no call in its body: only the preemption point at its back-edge lets others run. */
    @Goroutine
    private static long spinUntil(final AtomicBoolean flag)
    {
        long spins = 0;
        final long end = System.nanoTime() + DEADLINE_NS;
        while (!flag.get())
        {
            spins++;
            if ((spins & 0xFFFFF) == 0 && System.nanoTime() - end > 0)
            {
                break; // a failure: nobody preempted us
            }
        }
        return spins;
    }

    /** A ping-pong pair keeps making progress next to two CPU hogs (Go's TestPingPongHog, as progress). */
    @Goroutine
    private static void pingPongNextToHogs() throws Exception
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong hogged = new AtomicLong();
        final WaitGroup hogs = new WaitGroup();
        hogs.add(2);
        for (int i = 0; i < 2; i++)
        {
            Go.go(() ->
            {
                hogged.addAndGet(spinUntil(stop));
                hogs.done();
            });
        }
        final Chan<Integer> ping = Chan.make();
        final Chan<Integer> pong = Chan.make();
        final int rounds = 10_000;
        Go.go(() ->
        {
            for (Integer v = ping.recv(); null != v; v = ping.recv())
            {
                pong.send(v + 1);
            }
        });
        final long start = System.nanoTime();
        int v = 0;
        for (int i = 0; i < rounds; i++)
        {
            ping.send(v);
            v = pong.recv();
        }
        final long ms = (System.nanoTime() - start) / 1_000_000;
        ping.close();
        stop.set(true);
        hogs.await();
        System.out.println("pingpong-hogs: " + v + " round trips in " + ms + " ms; hogs ran: " + (hogged.get() > 0));
    }

    /**
     * A sleeper's wake-ups stay punctual while a hog spins on the only P (Go's TestTimerFairness). The
     * sleeper works 0.2 ms after each wake-up, so that each timer is set while the monitor naps.
     */
    @Goroutine
    private static void timerFairness() throws Exception
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final WaitGroup wg = new WaitGroup();
        wg.add(1);
        Go.go(() ->
        {
            spinUntil(stop);
            wg.done();
        });
        final int wakeups = 300;
        final long[] latenessNs = new long[wakeups];
        for (int i = 0; i < wakeups; i++)
        {
            final long before = System.nanoTime();
            Go.sleep(Duration.ofMillis(1));
            final long woke = System.nanoTime();
            latenessNs[i] = woke - before - 1_000_000;
            while (System.nanoTime() - woke < 200_000)
            {
                Thread.onSpinWait(); // some work between sleeps: the next timer is set well after the wake-up
            }
        }
        stop.set(true);
        wg.await();
        Arrays.sort(latenessNs);
        System.out.println("timer-fairness: " + wakeups + " sleeps of 1 ms next to a hog, median lateness " +
            latenessNs[wakeups / 2] / 1_000 + " us, worst lateness " + latenessNs[wakeups - 1] / 1_000_000 + " ms");
    }

    // ---------------------------------------------------------------------------------------------
    // Hand-off: a goroutine that blocks its carrier does not stop the others (procs=1).

    /** Counts how far other goroutines get while {@code blocked} is set; returns the count. */
    @Goroutine
    private static int progressWhile(final AtomicBoolean blocked, final AtomicBoolean started) throws Exception
    {
        final long end = System.nanoTime() + DEADLINE_NS;
        while (!started.get() && System.nanoTime() - end < 0)
        {
            Go.gosched();
        }
        int steps = 0;
        while (blocked.get())
        {
            Go.sleep(Duration.ofMillis(1)); // timers and the run queue must both work meanwhile
            steps++;
        }
        return steps;
    }

    @Goroutine
    private static void blockingHandOff() throws Exception
    {
        final AtomicBoolean blocked = new AtomicBoolean(true);
        final AtomicBoolean started = new AtomicBoolean();
        Go.go(() ->
        {
            Go.blocking(() ->
            {
                started.set(true);
                Thread.sleep(1000);
                return null;
            });
            blocked.set(false);
        });
        final int steps = progressWhile(blocked, started);
        System.out.println("blocking: " + (steps > 10 ? "others ran" : "others starved (" + steps + " steps)") +
            " during a 1 s blocking call");
    }

    /** Guards the pinned receive. */
    private static final Object LOCK = new Object();

    @Goroutine
    private static void pinnedHandOff() throws Exception
    {
        final AtomicBoolean blocked = new AtomicBoolean(true);
        final AtomicBoolean started = new AtomicBoolean();
        final Chan<String> ch = Chan.make();
        Go.go(() ->
        {
            synchronized (LOCK)
            {
                started.set(true);
                ch.recv(); // pins: it cannot unwind through a monitor
            }
            blocked.set(false);
        });
        final long end = System.nanoTime() + DEADLINE_NS;
        while (!started.get() && System.nanoTime() - end < 0)
        {
            Go.gosched();
        }
        int steps = 0;
        for (; steps < 200; steps++)
        {
            Go.sleep(Duration.ofMillis(1));
        }
        ch.send("release");
        while (blocked.get())
        {
            Go.gosched();
        }
        System.out.println("pinned: others ran " + steps + " steps while a goroutine was pinned");
    }

    /** A loop in a method that is not @Goroutine: no preemption point at all. */
    private static long plainSpin(final AtomicBoolean stop)
    {
        long spins = 0;
        while (!stop.get())
        {
            spins++;
        }
        return spins;
    }

    /**
     * Starts a goroutine that sets {@code started}, then spins in {@link #plainSpin} until {@code stop}.
     *
     * @return done when the spinner ended
     */
    private static WaitGroup spawnPlainSpinner(final AtomicBoolean stop, final AtomicBoolean started)
    {
        final WaitGroup wg = new WaitGroup();
        wg.add(1);
        Go.go(() ->
        {
            started.set(true);
            plainSpin(stop);
            wg.done();
        });
        return wg;
    }

    @Goroutine
    private static void runawayHandOff() throws Exception
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean started = new AtomicBoolean();
        final WaitGroup wg = spawnPlainSpinner(stop, started);
        while (!started.get())
        {
            Go.gosched();
        }
        final long start = System.nanoTime();
        Go.sleep(Duration.ofMillis(50)); // needs the P that the spinner holds: wakes once it is replaced
        final long ms = (System.nanoTime() - start) / 1_000_000;
        Go.sleep(Duration.ofMillis(2000)); // long enough for the report (after 1 s, and 50 ms of its CPU time)
        stop.set(true);
        wg.await();
        System.out.println("runaway: main woke after " + ms + " ms next to a goroutine spinning in plain code");
    }

    /**
     * A 1 ms sleep next to a goroutine spinning in plain code (no preemption point), five times with a
     * new spinner each: the monitor asks the spinner to yield when the timer is due, and replaces its P
     * half a period later (5 ms) when it does not, rather than after two slices (20 ms). A round in
     * which the spinner had not started when the sleep ended (another carrier took it and the OS ran
     * that one late) measured nothing and is tried again, up to 20 rounds in all.
     */
    @Goroutine
    private static void timerNextToRunaway() throws Exception
    {
        final int samples = 5;
        final long[] latenessMs = new long[samples];
        int n = 0;
        for (int round = 0; round < 20 && n < samples; round++)
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicBoolean started = new AtomicBoolean();
            final WaitGroup wg = spawnPlainSpinner(stop, started);
            final long start = System.nanoTime();
            Go.sleep(Duration.ofMillis(1)); // the spinner takes the P now
            final long ms = (System.nanoTime() - start - 1_000_000) / 1_000_000;
            if (started.get())
            {
                latenessMs[n++] = ms;
            }
            stop.set(true);
            wg.await();
        }
        if (n < samples)
        {
            throw new IllegalStateException("timer-runaway: the spinner ran during only " + n + " of 20 sleeps");
        }
        Arrays.sort(latenessMs);
        System.out.println("timer-runaway: median lateness " + latenessMs[samples / 2] + " ms of " + samples +
            " sleeps of 1 ms next to a goroutine spinning in plain code");
    }

    /**
     * A goroutine blocks its carrier in {@code Thread.sleep} for 1.5 s without {@code Go.blocking}: its P
     * is replaced as a runaway's, so main wakes from a 50 ms sleep on time, but it burns no CPU, so it
     * is not reported as a loop without preemption points.
     */
    @Goroutine
    private static void plainSleepHandOff() throws Exception
    {
        final AtomicBoolean started = new AtomicBoolean();
        final WaitGroup wg = new WaitGroup();
        wg.add(1);
        Go.go(() ->
        {
            started.set(true);
            Thread.sleep(1500);
            wg.done();
        });
        while (!started.get())
        {
            Go.gosched();
        }
        final long start = System.nanoTime();
        Go.sleep(Duration.ofMillis(50)); // needs the P that the sleeper holds
        final long ms = (System.nanoTime() - start) / 1_000_000;
        wg.await();
        System.out.println("plain-sleep: main woke after " + ms + " ms next to a goroutine sleeping in plain code");
    }

    /** Spins in plain code (no preemption point) for {@code ms}, counting how many do so at once. */
    private static void plainBusy(final long ms, final AtomicInteger inside, final AtomicInteger most)
    {
        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
        final long end = System.nanoTime() + ms * 1_000_000L;
        while (System.nanoTime() - end < 0)
        {
            most.accumulateAndGet(inside.get(), Math::max);
        }
        inside.decrementAndGet();
    }

    /**
     * Six goroutines in long plain-code loops on one P: runaway replacement lets others run, but
     * never more than procs extra Ps at a time, so at most two of them run at once.
     */
    @Goroutine
    private static void runawayCap() throws Exception
    {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final int n = 6;
        final WaitGroup wg = new WaitGroup();
        wg.add(n);
        for (int i = 0; i < n; i++)
        {
            Go.go(() ->
            {
                plainBusy(150, inside, most);
                wg.done();
            });
        }
        wg.await();
        System.out.println("runaway-cap: " + n + " finished, at most " + most.get() + " at once on procs=" +
            Go.maxProcs(0));
    }

    /** A recursion {@code n} deep in a goroutine: the carrier's stack (option {@code stack}) must hold it. */
    @Goroutine
    private static void deep(final int n) throws Exception
    {
        final Chan<Integer> result = Chan.make(1);
        Go.go(() -> result.send(depth(n)));
        System.out.println("deep: reached " + result.recv());
    }

    @Goroutine
    private static int depth(final int n)
    {
        return 0 == n ? 0 : 1 + depth(n - 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Scale and idleness.

    @Goroutine
    private static void million() throws Exception
    {
        final int n = 1_000_000;
        final AtomicLong sum = new AtomicLong();
        final AtomicInteger ran = new AtomicInteger();
        final WaitGroup wg = new WaitGroup();
        wg.add(n);
        for (int i = 0; i < n; i++)
        {
            final int k = i;
            Go.go(() ->
            {
                sum.addAndGet(k);
                ran.incrementAndGet();
                wg.done();
            });
        }
        wg.await();
        System.out.println("million: " + ran.get() + " goroutines ran, sum " + sum.get() + " (expected " +
            ((long)n * (n - 1) / 2) + ")");
    }

    /** Goroutines that all sleep: the process uses (almost) no CPU meanwhile. */
    @Goroutine
    private static void idle() throws Exception
    {
        final WaitGroup wg = new WaitGroup();
        final int sleepers = 100;
        wg.add(sleepers);
        for (int i = 0; i < sleepers; i++)
        {
            Go.go(() ->
            {
                Go.sleep(Duration.ofSeconds(3));
                wg.done();
            });
        }
        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        Go.sleep(Duration.ofMillis(500)); // let start-up work (JIT, class loading) settle
        final long cpu0 = os.getProcessCpuTime();
        final long wall0 = System.nanoTime();
        Go.sleep(Duration.ofMillis(1500));
        final long cpuMs = (os.getProcessCpuTime() - cpu0) / 1_000_000;
        final long wallMs = (System.nanoTime() - wall0) / 1_000_000;
        wg.await();
        System.out.println("idle: " + cpuMs + " ms of CPU in " + wallMs + " ms while " + sleepers + " goroutines slept");
    }
}
