package io.goroutines.it.apps;

import java.time.Duration;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.Select;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.Mutex;
import io.goroutines.sync.WaitGroup;
import io.goroutines.time.Time;

/**
 * Programs that go wrong in the ways the diagnostics report (SPEC.md section 3), one per argument,
 * run by the main goroutine ({@link PlainDeadlockApp} has a plain main thread):
 * <ul>
 *   <li>{@code deadlock}: main waits to receive on a channel and goroutine 2 on another, nobody
 *       sends: Go's deadlock report, status 2;</li>
 *   <li>{@code deadlock-warn}: the same with {@code deadlock=warn}: the report is printed, and its
 *       flush (watched on stderr) sends main the value it waits for, so main goes on: status 0;</li>
 *   <li>{@code cycle-chan}: goroutine 2 receives on a then sends on b, goroutine 3 receives on b then
 *       sends on a, main waits for both: a deadlock whose report names the cycle 2 -> 3 -> 2;</li>
 *   <li>{@code cycle-mutex}: goroutines 2 and 3 lock two mutexes in opposite orders (a lock-order
 *       inversion), main waits for both: the report names the cycle 2 -> 3 -> 2;</li>
 *   <li>{@code cycle-waitgroup}: main waits for two workers before it reads their results from an
 *       unbuffered channel, so they wait to send: the report names the cycle 1 -> 2 -> 1;</li>
 *   <li>{@code timer}: main waits on a channel that a goroutine fills after sleeping 300 ms: a pending
 *       timer is no deadlock, status 0;</li>
 *   <li>{@code sleepers}: main sleeps 1 ms at a time, 500 times, while goroutine 2 is pinned on a
 *       receive: a timer fires every millisecond and every P is idle in between, yet it is never
 *       a deadlock; main prints {@link #SLEEPERS_DONE}, status 0;</li>
 *   <li>{@code blocking}: main waits on a channel that a goroutine fills after a 1 s
 *       {@code Go.blocking} call (its first, so it never parked before): no deadlock, status 0;</li>
 *   <li>{@code serve}: goroutine 2 waits on a channel while main waits for a line on stdin, for
 *       the debug endpoint's tests;</li>
 *   <li>{@code dump}: goroutine 2 waits on a channel, goroutine 3 on a locked Mutex; main prints
 *       {@code Go.stack(true)} and exits 0;</li>
 *   <li>{@code leak}: goroutine 2 waits on a channel that only it can reach; main asks for collections
 *       until the leak report shows on stderr (at most 20 s), then prints {@link #LEAK_SEEN}.</li>
 * </ul>
 */
public final class DiagnosticsApp
{
    /** Printed by main once it goes on after a warned deadlock. */
    public static final String AFTER_WARN = "main: went on after the deadlock warning";
    /** Printed by main when the leak was reported. */
    public static final String LEAK_SEEN = "main: the leak was reported";
    /** Printed by main when no leak report came. */
    public static final String LEAK_MISSED = "main: no leak report";
    /** Printed by main once the served program's goroutine is started. */
    public static final String SERVING = "main: serving";
    /** How many times main sleeps 1 ms in the sleepers program. */
    private static final int SLEEPS = 500;
    /** Printed by main when the sleepers program ends. */
    public static final String SLEEPERS_DONE = "main: slept " + SLEEPS + " times next to a pinned goroutine";
    /** Printed by main in the timer program. */
    public static final String TIMER_DONE = "main: the sleeper sent 42";

    private DiagnosticsApp()
    {
    }

    /**
     * @param args the program, see the class comment
     */
    @Goroutine
    public static void main(final String[] args) throws Exception
    {
        switch (args[0])
        {
            case "deadlock" -> deadlock(Chan.make());
            case "deadlock-warn" ->
            {
                final Chan<Integer> unblock = Chan.make(1);
                StderrWatch.install("deadlock!", unblock, 1);
                deadlock(unblock);
                System.out.println(AFTER_WARN);
            }
            case "timer" -> timer();
            case "cycle-chan" -> cycleChan();
            case "cycle-mutex" -> cycleMutex();
            case "cycle-waitgroup" -> cycleWaitGroup();
            case "sleepers" -> sleepers();
            case "blocking" -> blocking();
            case "serve" -> serve();
            case "observe" -> observe();
            case "dump" -> dump();
            case "leak" -> leak();
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Main (goroutine 1) and goroutine 2 each wait to receive; nobody sends. */
    @Goroutine
    static void deadlock(final Chan<Integer> mainWaitsOn)
    {
        final Chan<Integer> other = Chan.make();
        Go.go(() -> waitOn(other)); // line:spawnWaiter
        mainWaitsOn.recv(); // line:mainRecv
    }

    /** Two goroutines, each waiting to receive what only the other would send next. */
    @Goroutine
    static void cycleChan()
    {
        final Chan<Integer> a = Chan.make();
        final Chan<Integer> b = Chan.make();
        final WaitGroup wg = new WaitGroup();
        wg.add(2);
        Go.go(() -> relay(a, b, wg));
        Go.go(() -> relay(b, a, wg));
        wg.await();
    }

    /** Receives on {@code in}, then passes the value on to {@code out}. */
    @Goroutine
    static void relay(final Chan<Integer> in, final Chan<Integer> out, final WaitGroup wg)
    {
        out.send(in.recv() + 1); // line:relay
        wg.done();
    }

    /** Two goroutines lock two mutexes in opposite orders, each holding its first one. */
    @Goroutine
    static void cycleMutex()
    {
        final Mutex m1 = new Mutex();
        final Mutex m2 = new Mutex();
        final WaitGroup firstHeld = new WaitGroup();
        firstHeld.add(2);
        final WaitGroup wg = new WaitGroup();
        wg.add(2);
        Go.go(() -> lockBoth(m1, m2, firstHeld, wg));
        Go.go(() -> lockBoth(m2, m1, firstHeld, wg));
        wg.await();
    }

    /** Locks {@code first}, waits until the other goroutine holds its first, then locks {@code second}. */
    @Goroutine
    static void lockBoth(final Mutex first, final Mutex second, final WaitGroup firstHeld, final WaitGroup wg)
    {
        first.lock();
        firstHeld.done();
        firstHeld.await();
        second.lock(); // line:lockSecond
        second.unlock();
        first.unlock();
        wg.done();
    }

    /** The classic: main waits for the workers before it reads what they send. */
    @Goroutine
    static void cycleWaitGroup()
    {
        final Chan<Integer> results = Chan.make();
        final WaitGroup wg = new WaitGroup();
        for (int i = 0; i < 2; i++)
        {
            final int n = i;
            wg.add(1);
            Go.go(() -> work(n, results, wg));
        }
        wg.await(); // line:waitWorkers
        results.range(r -> System.out.println("result " + r));
    }

    /** A worker: sends its result, then says it is done. */
    @Goroutine
    static void work(final int n, final Chan<Integer> results, final WaitGroup wg)
    {
        results.send(n * n); // line:workSend
        wg.done();
    }

    /** Goroutine 2's wait. */
    @Goroutine
    static void waitOn(final Chan<Integer> ch)
    {
        ch.recv(); // line:waiterRecv
    }

    /** A pending timer is no deadlock. */
    @Goroutine
    static void timer()
    {
        final Chan<Integer> ch = Chan.make();
        Go.go(() ->
        {
            Go.sleep(Duration.ofMillis(300));
            ch.send(42);
        });
        System.out.println("main: the sleeper sent " + ch.recv());
    }

    /** Guards the pinned receive of {@link #sleepers()}. */
    private static final Object PIN = new Object();

    /** Main cycles through short timers next to a pinned goroutine: never a deadlock. */
    @Goroutine
    static void sleepers()
    {
        final Chan<Integer> release = Chan.make();
        final Chan<Integer> released = Chan.make(1);
        Go.go(() ->
        {
            synchronized (PIN)
            {
                released.send(release.recv()); // pins its carrier: the P is handed off
            }
        });
        int slept = 0;
        for (; slept < SLEEPS; slept++)
        {
            Go.sleep(Duration.ofMillis(1)); // every P idle, one timer pending, the pinned one waiting
        }
        release.send(slept);
        System.out.println("main: slept " + released.recv() + " times next to a pinned goroutine");
    }

    /** A goroutine that never parked sits in a blocking call for a second, then sends: no deadlock. */
    @Goroutine
    static void blocking()
    {
        final Chan<Integer> ch = Chan.make(1);
        Go.go(() ->
        {
            ch.send(Go.blocking(() ->
            {
                Thread.sleep(1_000); // its P is handed off: every P is idle meanwhile
                return 7;
            }));
        });
        System.out.println("main: the blocking call returned " + ch.recv());
    }

    /** Goroutine 2 waits on a channel while main waits for a line on stdin (the debug endpoint serves). */
    @Goroutine
    static void serve() throws Exception
    {
        final Chan<Integer> never = Chan.make();
        Go.go(() -> waitOn(never)); // line:spawnServed
        Go.blocking(() ->
        {
            System.out.println(SERVING); // inside the blocking call: main shows as [syscall] from now on
            return new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        });
        never.close();
    }

    /**
     * Records the goroutine events with JFR around a ping-pong of 100 round trips, then prints how
     * many of each event the recording holds, and reads the MBean: its goroutine count, parks, and
     * the dump operation.
     */
    @Goroutine
    static void observe() throws Exception
    {
        final java.nio.file.Path file = java.nio.file.Files.createTempFile("goroutines-", ".jfr");
        try (jdk.jfr.Recording recording = new jdk.jfr.Recording())
        {
            for (final String event : new String[] {"GoroutineStart", "GoroutineEnd", "GoroutinePark", "GoroutineUnpark"})
            {
                recording.enable("io.goroutines." + event);
            }
            recording.start();
            final Chan<Integer> ping = Chan.make();
            final Chan<Integer> pong = Chan.make();
            Go.go(() ->
            {
                for (Integer v = ping.recv(); null != v; v = ping.recv())
                {
                    pong.send(v + 1);
                }
                pong.close();
            });
            int sum = 0;
            for (int i = 0; i < 100; i++)
            {
                ping.send(i);
                sum += pong.recv();
            }
            ping.close();
            pong.recv(); // closed once the partner ends
            while (Go.numGoroutine() > 1)
            {
                Go.gosched(); // until its end is recorded
            }
            recording.stop();
            recording.dump(file);
            System.out.println("sum " + sum);
        }
        final java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (final jdk.jfr.consumer.RecordedEvent e : jdk.jfr.consumer.RecordingFile.readAllEvents(file))
        {
            counts.merge(e.getEventType().getName(), 1, Integer::sum);
        }
        java.nio.file.Files.delete(file);
        System.out.println("jfr " + counts);
        final javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        final javax.management.ObjectName name = new javax.management.ObjectName("io.goroutines:type=Goroutines");
        // registered on a thread of its own at start-up: wait for the server's registration notice
        final Chan<Boolean> registered = Chan.make(1);
        server.addNotificationListener(javax.management.MBeanServerDelegate.DELEGATE_NAME, (n, handback) ->
        {
            if (n instanceof javax.management.MBeanServerNotification m && name.equals(m.getMBeanName()))
            {
                registered.trySend(true);
            }
        }, null, null);
        if (!server.isRegistered(name))
        {
            Select.select(
                Select.recv(registered, null),
                Select.recv(Time.after(Duration.ofSeconds(20)), null)); // then getAttribute says what is missing
        }
        System.out.println("mbean goroutines " + server.getAttribute(name, "Goroutines") + ", parks>0 " +
            (((Number)server.getAttribute(name, "Parks")).longValue() > 0) + ", dump starts " +
            ((String)server.invoke(name, "dump", new Object[0], new String[0])).split("\n")[0]);
    }

    /** Goroutine 2 waits on a channel, goroutine 3 on a Mutex; main dumps them all. */
    @Goroutine
    static void dump()
    {
        final Chan<Integer> never = Chan.make();
        final Mutex mu = new Mutex();
        mu.lock();
        final WaitGroup started = new WaitGroup();
        started.add(2);
        Go.go(() ->
        {
            started.done();
            waitOn(never);
        });
        Go.go(() -> // line:spawnLocker
        {
            started.done();
            mu.lock(); // line:mutexLock
        });
        started.await();
        // Both go on to their waits after done(): dump until the dump shows both parked.
        String all;
        int looks = 0;
        do
        {
            if (looks++ > 0)
            {
                Go.gosched();
            }
            all = Go.stack(true); // line:dumpCall
        }
        while (looks < 10_000 && !(all.contains("[chan receive]") && all.contains("[sync.Mutex.Lock]")));
        System.out.println("numGoroutine " + Go.numGoroutine());
        System.out.print(all); // then main returns: the program ends, the two waiters with it
    }

    /** Goroutine 2 waits on a channel nobody else can reach; main waits for the leak report. */
    @Goroutine
    static void leak()
    {
        final Chan<Integer> reported = Chan.make(1);
        StderrWatch.install("leaked [", reported, 1);
        startLeaker();
        final RecvChan<java.time.Instant> giveUp = Time.after(Duration.ofSeconds(20));
        final boolean[] seen = {false};
        final boolean[] over = {false};
        while (!seen[0] && !over[0])
        {
            System.gc(); // the leak is found by the collector; ask for one until it is
            Select.select(
                Select.recv(reported, v -> seen[0] = true),
                Select.recv(giveUp, v -> over[0] = true),
                Select.recv(Time.after(Duration.ofMillis(50)), null));
        }
        System.out.println(seen[0] ? LEAK_SEEN : LEAK_MISSED);
    }

    /** Starts goroutine 2 on a channel that only it references. */
    static void startLeaker()
    {
        Go.go(() -> waitOn(Chan.make())); // line:spawnLeaker
    }
}
