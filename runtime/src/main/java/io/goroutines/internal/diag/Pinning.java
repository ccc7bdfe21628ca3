package io.goroutines.internal.diag;

import io.goroutines.annotation.Goroutine;
import io.goroutines.internal.sched.G;
import io.goroutines.internal.sched.Leaf;
import io.goroutines.internal.stack.MethodRegistry;

import java.lang.StackWalker.StackFrame;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Names the call site that makes a goroutine block its carrier thread ("pin"), once per site, or
 * fails that park (option {@code pinning=warn|off|fail}, SPEC.md section 3).
 *
 * <h2>Why a goroutine pins</h2>
 * A park unwinds only when every frame between the goroutine's root and the leaf ({@code Suspend})
 * was entered with the token: each rewritten frame arms its call ({@code SIG_CALL}) and the callee
 * takes it. A rewritten method entered without the token runs as plain code, so the leaf below it
 * sees {@code SIG_NONE} and blocks the carrier. The chain breaks where a frame calls a rewritten
 * method without arming the call, for one of three reasons:
 * <ul>
 *   <li><b>uninstrumented caller</b>: the caller was not rewritten (JDK code such as
 *       {@code List.forEach}, reflection, a proxy, a method or lambda that is not {@code @Goroutine}),
 *       or it was rewritten but calls through a declaration that is not {@code @Goroutine} (a plain
 *       interface method, a plain functional interface);</li>
 *   <li><b>monitor held</b>: the call is inside a {@code synchronized} block or method, where the
 *       agent never arms a call (a monitor cannot be released and re-taken across an unwind);</li>
 *   <li><b>constructor</b>: the caller is a constructor (never rewritten), or the call is an argument
 *       of a constructor call that the agent could not move ({@code new X(f())} in a shape it does
 *       not handle: an uninitialised object cannot be saved).</li>
 * </ul>
 *
 * <h2>Finding the site</h2>
 * Only on the pinned path (the leaf's {@code SIG_NONE} branch, for a goroutine whose root was
 * entered armed, i.e. the agent is active): a {@link StackWalker} walks outwards from the leaf. Each
 * frame is looked up in {@link MethodRegistry}; a registered frame whose current line is one of its
 * suspension-point lines made an armed call. The first frame that is not registered, or registered
 * but at a line that is not a suspension point, is the break: it is the culprit, and the frame just
 * inside it is the {@code @Goroutine} method it entered. Hidden frames (lambda proxies) are looked
 * through, and remembered: a registered caller that reaches a rewritten method through a lambda of a
 * plain functional interface is the "plain interface" case. When the culprit is JDK code, the walk
 * goes on to the first frame that is not, where the application handed over to the JDK: that frame
 * is what the user can change, and it is part of the site's identity (two {@code forEach} calls in
 * two places are two sites). Which of the reasons applies is decided once per site: reflection on
 * the culprit (a {@code synchronized} method), the thread's locked monitors and the frame that took
 * each ({@link java.lang.management.ThreadMXBean}), the entered method's supertypes.
 *
 * <h2>Cost</h2>
 * Nothing on the fast path, which never calls here. With {@code pinning=off}, one volatile read per
 * pinned park. A walk from the leaf to the break (typically five to ten frames) looks each frame up
 * in caches: JDK and hidden classes by class alone ({@link ClassValue}), others by (class, method,
 * descriptor, bytecode index), so that line numbers, registry and class-loader checks are paid once
 * per frame position; then one lookup of the site. The report text is built once per site. Still,
 * a walk costs the JVM microseconds (it fetches the frames and resolves each method's name), more
 * than a pinned hand-over between two goroutines itself, so with {@code pinning=warn} walks are
 * rationed: a burst of 256, then 2,000 a second, a walk deeper than 32 frames counting as several
 * ({@link #mayWalk()}). Below that rate, which covers a program's start-up and any program that
 * pins now and then, every pinned park is examined; above it, a site that keeps pinning is still
 * found after a few of its pins. With {@code pinning=fail} every pinned park walks: it throws anyway.
 *
 * <h2>Rejected approaches</h2>
 * <ol>
 *   <li>{@code Throwable.getStackTrace()}: materialises every frame and line number of the stack
 *       (a goroutine may be thousands of frames deep) on every pinned park.</li>
 *   <li>Keying the report on the leaf's caller: every channel or WaitGroup pin has the same one
 *       ({@code Waiter.await}), so one report would hide all the others.</li>
 *   <li>Reporting only at transform time (the agent's {@code verbose} "will pin" list): it cannot
 *       see reflection, JDK callbacks or proxies, the common cases, and it names sites that never run.</li>
 * </ol>
 *
 * <p><b>Note:</b> the armed test is by source line (the registry keeps the lines of suspension
 * points, not their bytecode offsets in the rewritten code), so an unarmed call on the same line as
 * an armed one is taken for armed, and code compiled without line numbers ({@code -g:none}) looks
 * armed everywhere; the walk then reports the next break outwards, or an unknown site.
 *
 * <p>Invariants:
 * <ul>
 *   <li>a site is printed at most once: only by the thread whose {@code putIfAbsent} put its text
 *       into {@code REPORTS};</li>
 *   <li>with {@link Mode#FAIL} a pinned park throws before the carrier blocks or its P is handed off.</li>
 * </ul>
 */
public final class Pinning
{
    /** The option's values. */
    public enum Mode
    {
        /** Report each pinning call site once on stderr (the default). */
        WARN,
        /** Say nothing. */
        OFF,
        /** Make the pinned park throw an {@link IllegalStateException} with the report's text. */
        FAIL
    }

    /** Default walks that may run back to back (a program's first pins, all its sites at start-up). */
    public static final int DEFAULT_WALK_BURST = 256;
    /** Default time that earns one walk once the burst is spent: 2,000 walks a second, a few percent of a core. */
    public static final long DEFAULT_WALK_EARN_NS = 500_000L;

    /** Class of the leaves: the walk starts at its first frame. */
    private static final String SUSPEND = "io.goroutines.internal.sched.Suspend";
    /** How the hand-written leaves ({@link Leaf}) wait: its frames are the leaf's too. */
    private static final String LEAF_WAITS = "io.goroutines.internal.sched.LeafWaits";
    /** Prefix of the runtime's own classes, which live outside the JDK whatever loads them. */
    private static final String RUNTIME = "io.goroutines.";
    /** The scheduler, whose frames run a goroutine's root: the walk found no break below them. */
    private static final String SCHED = "io.goroutines.internal.sched.Sched";
    /** Reason: the caller was not rewritten, or calls through a declaration that is not {@code @Goroutine}. */
    private static final String UNINSTRUMENTED = "uninstrumented caller";
    /** Reason: the call is inside a synchronized block or method. */
    private static final String MONITOR = "monitor held";
    /** Reason: a constructor, or a constructor call's arguments. */
    private static final String CONSTRUCTOR = "constructor";
    /** Prefix of the methods javac makes of lambda bodies. */
    private static final String LAMBDA = "lambda$";
    /** Reflection, method handles and proxies: JDK classes that call methods they do not name. */
    private static final String[] REFLECTION = {"jdk.internal.reflect.", "java.lang.reflect.", "java.lang.invoke."};

    /** Sees hidden frames (lambda proxies) and classes (loaders, modifiers, supertypes). */
    private static final StackWalker WALKER = StackWalker.getInstance(
        EnumSet.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));
    /** {@link #locate(Stream)} as the walker's function. */
    private static final Function<Stream<StackFrame>, Located> LOCATE = Pinning::locate;
    /** Prints on whatever {@code System.err} is at the time, so a program that replaces it gets the line. */
    private static final Consumer<String> STDERR = Pinning::printToStderr;
    /** Facts of JDK and hidden classes, the same for all their frames; {@link Facts#PER_POSITION} for others. */
    private static final ClassValue<Facts> CLASS_FACTS = new ClassValue<>()
    {
        @Override
        protected Facts computeValue(final Class<?> type)
        {
            return Facts.ofClass(type);
        }
    };
    /** What the registry says about each frame position met on a pinned path. */
    private static final ConcurrentHashMap<Position, Facts> FACTS = new ConcurrentHashMap<>();
    /** Report text of each site seen; present means reported (or thrown). */
    private static final ConcurrentHashMap<Site, String> REPORTS = new ConcurrentHashMap<>();

    /** Frames a walk may fetch for the price of one; deeper walks cost more of the budget. */
    private static final int FRAMES_PER_WALK = 32;
    /** Budget of {@link Mode#WARN} walks (GCRA's theoretical arrival time, in nanoTime). */
    private static final AtomicLong WALK_TAT_NS = new AtomicLong(System.nanoTime());

    /** The mode in force. */
    private static volatile Mode mode = Mode.WARN;
    /** Where {@link Mode#WARN} reports go. */
    private static volatile Consumer<String> sink = STDERR;
    /** Time that earns one walk. */
    private static volatile long walkEarnNs = DEFAULT_WALK_EARN_NS;
    /** Burst of walks, as time: burst times {@link #walkEarnNs}. */
    private static volatile long walkBurstNs = DEFAULT_WALK_BURST * DEFAULT_WALK_EARN_NS;

    private Pinning()
    {
    }

    /**
     * Sets the mode from the agent's option value; the agent calls this from premain.
     *
     * @param value {@code warn}, {@code off} or {@code fail}
     * @throws IllegalArgumentException on any other value
     */
    public static void configure(final String value)
    {
        Objects.requireNonNull(value, "pinning: null mode");
        for (final Mode m : Mode.values())
        {
            if (m.name().toLowerCase(Locale.ROOT).equals(value))
            {
                mode = m;
                return;
            }
        }
        throw new IllegalArgumentException("pinning: unknown mode '" + value + "' (accepted: warn, off, fail)");
    }

    /** The mode in force. */
    public static Mode mode()
    {
        return mode;
    }

    /**
     * Replaces the mode.
     *
     * @param next the new mode
     * @return the previous one
     */
    public static Mode mode(final Mode next)
    {
        Objects.requireNonNull(next, "pinning: null mode");
        final Mode previous = mode;
        mode = next;
        return previous;
    }

    /**
     * Replaces where reports go (stderr by default), for tests.
     *
     * @param next receives one line per reported site
     * @return the previous receiver
     */
    public static Consumer<String> sink(final Consumer<String> next)
    {
        Objects.requireNonNull(next, "pinning: null sink");
        final Consumer<String> previous = sink;
        sink = next;
        return previous;
    }

    /**
     * Sets the budget of {@link Mode#WARN} walks and fills it, for tests: {@code burst} walks back to
     * back, then one per {@code earnNs}.
     *
     * @param burst  walks that may run back to back, at least 0
     * @param earnNs time that earns one walk, at least 1
     */
    public static void walkBudget(final int burst, final long earnNs)
    {
        if (burst < 0 || earnNs < 1)
        {
            throw new IllegalArgumentException("pinning: bad walk budget burst=" + burst + " earnNs=" + earnNs +
                " (burst >= 0, earnNs >= 1)");
        }
        walkEarnNs = earnNs;
        walkBurstNs = burst * earnNs;
        WALK_TAT_NS.set(System.nanoTime() - earnNs);
    }

    /**
     * Called by a leaf of {@code Suspend} that is about to block the carrier of {@code g} (pinned
     * path only, for a goroutine whose root was entered armed). Reports the site once
     * ({@link Mode#WARN}), or throws ({@link Mode#FAIL}) before anything is blocked or handed off.
     *
     * @param g the goroutine running on this carrier
     * @throws IllegalStateException with {@link Mode#FAIL}: the site's report
     */
    public static void pinned(final G g)
    {
        final Mode mode = Pinning.mode;
        if (Mode.OFF == mode)
        {
            return;
        }
        if (Mode.WARN == mode)
        {
            if (mayWalk())
            {
                report(mode);
            }
            return;
        }
        final String text = report(mode);
        g.waitReason = null; // the park does not happen: the goroutine runs on with the exception
        throw new IllegalStateException(text);
    }

    /**
     * Whether a {@link Mode#WARN} walk fits the budget: a burst of {@link #DEFAULT_WALK_BURST} walks,
     * then one per {@link #DEFAULT_WALK_EARN_NS} (the generic cell rate algorithm), a deep walk
     * counting for several ({@link #chargeDeepWalk(int)}). A program that pins faster than that has
     * most of its pinned parks go unexamined; a site that keeps pinning still gets a walk within a few
     * of its pins, and a site is never reported twice.
     */
    private static boolean mayWalk()
    {
        final long nowNs = System.nanoTime();
        final long tatNs = WALK_TAT_NS.get();
        final long earnNs = walkEarnNs;
        if (tatNs + earnNs - nowNs > walkBurstNs) // the walk would end past the burst
        {
            return false;
        }
        // a lost race only costs the loser this walk
        return WALK_TAT_NS.compareAndSet(tatNs, (tatNs - nowNs > 0 ? tatNs : nowNs) + earnNs);
    }

    /** The site's text, built and (in {@link Mode#WARN}) printed the first time the site is seen. */
    private static String report(final Mode mode)
    {
        final Located at = WALKER.walk(LOCATE);
        final String known = REPORTS.get(at.site);
        if (null != known)
        {
            return known;
        }
        final String text = describe(at);
        final String raced = REPORTS.putIfAbsent(at.site, text);
        if (null != raced)
        {
            return raced;
        }
        if (Mode.WARN == mode)
        {
            sink.accept(text);
        }
        return text;
    }

    // ------------------------------------------------------------------------------------------
    // The walk: from the leaf outwards to the first frame that did not arm its call.

    /**
     * Walks from the leaf to the break. Phase 1 skips this class's frames and the leaf's; phase 2
     * follows the armed chain (looking through hidden frames); phase 3 looks past the culprit: to the
     * application frame that called into the JDK, or to whatever called a plain lambda.
     */
    private static Located locate(final Stream<StackFrame> stream)
    {
        final Counted frames = new Counted(stream.iterator());
        try
        {
            return locate(frames);
        }
        finally
        {
            chargeDeepWalk(frames.count);
        }
    }

    /** {@link #locate(Stream)} on the frames, innermost first. */
    private static Located locate(final Iterator<StackFrame> frames)
    {
        StackFrame callee = null;
        StackFrame proxy = null;
        while (frames.hasNext())
        {
            final StackFrame f = frames.next();
            if (isLeaf(f))
            {
                callee = f; // 1. the leaf: its outermost frame, the public method the caller called
                continue;
            }
            if (null == callee)
            {
                continue; // 1. this class's frames, inside the leaf
            }
            final Facts facts = facts(f); // 2. the armed chain
            if (facts.hidden)
            {
                proxy = facts.jdk ? proxy : f; // a lambda proxy of the application's; JDK lambda forms are noise
                continue;
            }
            if (facts.armed)
            {
                callee = f;
                proxy = null;
                continue;
            }
            if (SCHED.equals(f.getClassName()))
            {
                break; // the scheduler's own frames: the chain is intact as far as the stack shows
            }
            if (facts.jdk)
            {
                return outOfJdk(frames, f, callee, proxy); // 3.
            }
            return null == facts.entry && f.getMethodName().startsWith(LAMBDA) ?
                lambdaCaller(frames, f, facts, callee, proxy) : new Located(f, facts, callee, proxy, null, null, false);
        }
        return new Located(null, null, callee, proxy, null, null, false);
    }

    /**
     * Whether {@code f} belongs to a leaf: {@code Suspend}, {@code LeafWaits}, or a hand-written
     * leaf of the runtime ({@link Leaf}: {@code Chan.send}, {@code Chan.recv}, {@code Waiter.await},
     * {@code WaitGroup.await}, {@code Select.select}).
     */
    private static boolean isLeaf(final StackFrame f)
    {
        final String cls = f.getClassName();
        return SUSPEND.equals(cls) || LEAF_WAITS.equals(cls) ||
            cls.startsWith(RUNTIME) && LEAVES.get(f.getDeclaringClass()).contains(f.getMethodName() + f.getDescriptor());
    }

    /** A runtime class's hand-written leaves, as name and descriptor, found once per class. */
    private static final ClassValue<Set<String>> LEAVES = new ClassValue<>()
    {
        @Override
        protected Set<String> computeValue(final Class<?> type)
        {
            final Set<String> out = new HashSet<>();
            for (final Method m : type.getDeclaredMethods())
            {
                if (m.isAnnotationPresent(Leaf.class))
                {
                    out.add(m.getName() + MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                        .toMethodDescriptorString());
                }
            }
            return out;
        }
    };

    /**
     * A walk of a deep stack (a pin far below the frame that broke the chain) costs in proportion:
     * every {@link #FRAMES_PER_WALK} frames beyond the first batch take one more walk from the budget.
     */
    private static void chargeDeepWalk(final int frames)
    {
        final int extra = frames / FRAMES_PER_WALK - 1;
        if (extra > 0)
        {
            WALK_TAT_NS.addAndGet(extra * walkEarnNs);
        }
    }

    /** Counts the frames a walk fetched. */
    private static final class Counted implements Iterator<StackFrame>
    {
        /** The walk's frames. */
        private final Iterator<StackFrame> frames;
        /** Frames fetched so far. */
        int count;

        Counted(final Iterator<StackFrame> frames)
        {
            this.frames = frames;
        }

        @Override
        public boolean hasNext()
        {
            return frames.hasNext();
        }

        @Override
        public StackFrame next()
        {
            count++;
            return frames.next();
        }
    }

    /**
     * Phase 3 for JDK code: the culprit shown is the outermost JDK frame (the API the application
     * called, {@code ArrayList.forEach}, {@code Method.invoke}), and the origin is its caller.
     */
    private static Located outOfJdk(
        final Iterator<StackFrame> frames, final StackFrame innermost, final StackFrame callee, final StackFrame proxy)
    {
        StackFrame api = innermost;
        while (frames.hasNext())
        {
            final StackFrame f = frames.next();
            final Facts facts = facts(f);
            if (facts.hidden)
            {
                continue;
            }
            if (!facts.jdk)
            {
                return new Located(api, facts(api), callee, proxy, null, f, true);
            }
            api = f;
        }
        return new Located(api, facts(api), callee, proxy, null, null, true);
    }

    /** Phase 3 for a plain lambda: its functional interface (the proxy outside it) and who called it. */
    private static Located lambdaCaller(
        final Iterator<StackFrame> frames, final StackFrame lambda, final Facts facts, final StackFrame callee,
        final StackFrame proxy)
    {
        StackFrame lambdaProxy = null;
        while (frames.hasNext())
        {
            final StackFrame f = frames.next();
            if (facts(f).hidden)
            {
                lambdaProxy = null == lambdaProxy ? f : lambdaProxy;
                continue;
            }
            return new Located(lambda, facts, callee, proxy, lambdaProxy, f, false);
        }
        return new Located(lambda, facts, callee, proxy, lambdaProxy, null, false);
    }

    /**
     * What the registry says about a frame position, computed once per position. JDK and hidden
     * classes are never rewritten, so their frames are known from the class alone, without the
     * method's name (which costs the JVM a lookup per frame).
     */
    private static Facts facts(final StackFrame f)
    {
        final Facts byClass = CLASS_FACTS.get(f.getDeclaringClass());
        if (Facts.PER_POSITION != byClass)
        {
            return byClass;
        }
        final Position p = Position.of(f);
        final Facts known = FACTS.get(p);
        if (null != known)
        {
            return known;
        }
        final Facts facts = Facts.of(f);
        FACTS.putIfAbsent(p, facts);
        return facts;
    }

    /** A place in a method: class, method, descriptor and bytecode index. */
    private record Position(String className, String methodName, String descriptor, int bci)
    {
        static Position of(final StackFrame f)
        {
            return new Position(f.getClassName(), f.getMethodName(), f.getDescriptor(), f.getByteCodeIndex());
        }
    }

    /**
     * A frame position's facts.
     *
     * @param entry  the registry's entry for its method, or null when the agent did not rewrite it
     * @param armed  whether it is rewritten and its current line is a suspension point (its call was armed)
     * @param jdk    whether its class is JDK code (bootstrap or platform loader), never rewritten
     * @param hidden whether its class is hidden (a lambda proxy, a lambda form)
     */
    private record Facts(MethodRegistry.Entry entry, boolean armed, boolean jdk, boolean hidden)
    {
        /** Frames of a JDK class. */
        static final Facts JDK = new Facts(null, false, true, false);
        /** Frames of a hidden JDK class (lambda forms). */
        static final Facts HIDDEN_JDK = new Facts(null, false, true, true);
        /** Frames of a hidden application class (lambda proxies). */
        static final Facts HIDDEN = new Facts(null, false, false, true);
        /** Marker: the class may have rewritten methods, so each frame position is looked up. */
        static final Facts PER_POSITION = new Facts(null, false, false, false);

        /** The facts shared by every frame of {@code cls}, or {@link #PER_POSITION}. */
        static Facts ofClass(final Class<?> cls)
        {
            final ClassLoader loader = cls.getClassLoader();
            final boolean jdk = (null == loader || ClassLoader.getPlatformClassLoader() == loader) &&
                !cls.getName().startsWith(RUNTIME);
            if (cls.isHidden())
            {
                return jdk ? HIDDEN_JDK : HIDDEN;
            }
            return jdk ? JDK : PER_POSITION;
        }

        /** The facts of a frame of a class that may have rewritten methods. */
        static Facts of(final StackFrame f)
        {
            final MethodRegistry.Entry entry = MethodRegistry.lookup(
                f.getClassName().replace('.', '/'), f.getMethodName(), f.getDescriptor());
            return new Facts(entry, null != entry && isSiteLine(entry, f.getLineNumber()), false, false);
        }

        private static boolean isSiteLine(final MethodRegistry.Entry entry, final int line)
        {
            for (final int siteLine : entry.siteLines())
            {
                if (siteLine == line)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * What the walk found.
     *
     * @param culprit      the frame that called without the token (for JDK code, the outermost JDK
     *                     frame: the API the application called), or null when none showed
     * @param culpritFacts its facts, or null
     * @param entered      the frame it entered: a rewritten method, or the leaf itself
     * @param proxy        a hidden lambda proxy between the two, or null
     * @param outerProxy   for a plain lambda culprit, the proxy that implements its functional interface
     * @param origin       for JDK code, the application frame that called it; for a plain lambda, its
     *                     caller; else null
     * @param site         the identity of the call site, for the once-only report
     */
    private record Located(
        StackFrame culprit, Facts culpritFacts, StackFrame entered, StackFrame proxy, StackFrame outerProxy,
        StackFrame origin, Site site)
    {
        /** The origin is part of the site only for JDK code: two forEach calls are two sites, one lambda is one. */
        Located(final StackFrame culprit, final Facts culpritFacts, final StackFrame entered, final StackFrame proxy,
            final StackFrame outerProxy, final StackFrame origin, final boolean originIsSite)
        {
            this(culprit, culpritFacts, entered, proxy, outerProxy, origin, new Site(
                null == culprit ? null : Position.of(culprit),
                null == entered ? null : entered.getClassName(),
                null == entered ? null : entered.getMethodName() + entered.getDescriptor(),
                originIsSite && null != origin ? Position.of(origin) : null));
        }
    }

    /**
     * A call site: where the chain broke (with the bytecode index of the call), which method it
     * entered (any line of it), and where the application called into the JDK when the culprit is JDK code.
     */
    private record Site(Position culprit, String enteredClass, String enteredMethod, Position origin)
    {
    }

    // ------------------------------------------------------------------------------------------
    // The report: once per site.

    /** The one-line report of a site: reason, frames with lines, what to do. */
    private static String describe(final Located at)
    {
        final String entered = null == at.entered ? "a @Goroutine method" : "@Goroutine " + frame(at.entered);
        if (null == at.culprit)
        {
            return line(UNINSTRUMENTED, entered + " was entered without the token from a frame the stack does not show",
                "run with pinning=fail to get the stack of the park");
        }
        final String culprit = frame(at.culprit);
        if (null == at.culpritFacts.entry())
        {
            return describeUninstrumented(at, culprit, entered);
        }
        if (isSynchronized(at.culprit))
        {
            return line(MONITOR, "synchronized method " + culprit + " calls " + entered,
                "move the blocking call out of the synchronized method (or guard the data with" +
                " io.goroutines.sync.Mutex, which parks instead of blocking)");
        }
        if (holdsMonitor(at.culprit))
        {
            return line(MONITOR, culprit + " calls " + entered + " inside a synchronized block",
                "move the blocking call out of the synchronized block (or guard the data with" +
                " io.goroutines.sync.Mutex, which parks instead of blocking)");
        }
        final String declaration = null != at.proxy ? proxiedMethod(at.proxy) : plainDeclaration(at.entered);
        if (null != declaration)
        {
            return line(UNINSTRUMENTED, culprit + " calls " + entered + " through " + declaration +
                ", which is not @Goroutine", "annotate the interface method " + declaration + " @Goroutine" +
                (null != at.proxy ? " or use io.goroutines.Task or Action" : ""));
        }
        final String plainReason = at.culpritFacts.entry().plainReason();
        if (null != plainReason && !plainReason.startsWith("its suspendable calls are all"))
        {
            return line(UNINSTRUMENTED, culprit + " was left as it was (" + plainReason + ") and calls " + entered,
                plainReason.contains("include/exclude")
                    ? "let the agent rewrite " + at.culprit.getClassName() + " (its include/exclude options)"
                    : "see the agent's warning about " + at.culprit.getClassName() + " at class load");
        }
        // What is left: the agent found the call under an uninitialised object (a constructor call's
        // arguments in a shape it cannot move).
        return line(CONSTRUCTOR, culprit + " calls " + entered + " in the arguments of a constructor call",
            "store the blocking call's result in a local variable before the new expression");
    }

    /** The culprit was not rewritten: a constructor, JDK code, reflection, a plain lambda or method. */
    private static String describeUninstrumented(final Located at, final String culprit, final String entered)
    {
        final String name = at.culprit.getMethodName();
        if ("<init>".equals(name))
        {
            return line(CONSTRUCTOR, "constructor " + culprit + " calls " + entered,
                "constructors are never rewritten: move the blocking call out of the constructor, e.g. into a" +
                " @Goroutine static factory method");
        }
        if (at.culpritFacts.jdk())
        {
            final String from = culprit + (null == at.origin ? "" : ", called from " + frame(at.origin)) + ", calls " +
                entered;
            return isReflection(at.culprit.getClassName()) ?
                line(UNINSTRUMENTED, from, "reflection, method handles and proxies are never rewritten: call the" +
                    " method directly from @Goroutine code") :
                line(UNINSTRUMENTED, from, "JDK code is never rewritten: call it directly from @Goroutine code" +
                    " (a for loop instead of forEach or a stream)");
        }
        if (name.startsWith(LAMBDA))
        {
            final String iface = null == at.outerProxy ? null : functionalInterface(at.outerProxy);
            final String called = (null == iface ? "" : ", a " + iface) +
                (null == at.origin ? "" : " called from " + frame(at.origin));
            return line(UNINSTRUMENTED, "lambda " + culprit + called + ", calls " + entered,
                "a lambda runs as plain code unless its functional interface method is @Goroutine: use" +
                " io.goroutines.Task or Action, or annotate the interface method @Goroutine");
        }
        return line(UNINSTRUMENTED, culprit + ", which is not rewritten, calls " + entered,
            "annotate " + at.culprit.getClassName() + "." + name + " @Goroutine (and the interface method it" +
            " implements, if any)");
    }

    /** {@code goroutines: pinning (REASON): WHAT, so ...; HINT}: the report and the exception's text. */
    private static String line(final String reason, final String what, final String hint)
    {
        return "goroutines: pinning (" + reason + "): " + what +
            ", so its goroutine blocks its carrier thread when it parks; " + hint;
    }

    /** {@code com.example.Main.run(Main.java:42)}, as a stack trace prints a frame. */
    private static String frame(final StackFrame f)
    {
        final StackTraceElement e = f.toStackTraceElement();
        final StringBuilder sb = new StringBuilder(96).append(e.getClassName()).append('.').append(e.getMethodName())
            .append('(');
        if (null == e.getFileName())
        {
            sb.append("Unknown Source");
        }
        else
        {
            sb.append(e.getFileName());
            if (e.getLineNumber() >= 0)
            {
                sb.append(':').append(e.getLineNumber());
            }
        }
        return sb.append(')').toString();
    }

    private static boolean isReflection(final String className)
    {
        for (final String prefix : REFLECTION)
        {
            if (className.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether the frame's method is {@code synchronized}. */
    private static boolean isSynchronized(final StackFrame f)
    {
        final Method m = declared(f.getDeclaringClass(), f.getMethodName(), f.getMethodType().parameterArray());
        return null != m && Modifier.isSynchronized(m.getModifiers());
    }

    /**
     * Whether the current thread holds a monitor that it took in the frame {@code f} (a synchronized
     * block there). The frame is still on this thread's stack: the caller is below it.
     */
    private static boolean holdsMonitor(final StackFrame f)
    {
        final StackTraceElement at = f.toStackTraceElement();
        try
        {
            final ThreadInfo[] infos = ManagementFactory.getThreadMXBean()
                .getThreadInfo(new long[] {Thread.currentThread().getId()}, true, false);
            if (null == infos[0])
            {
                return false;
            }
            for (final MonitorInfo m : infos[0].getLockedMonitors())
            {
                final StackTraceElement locked = m.getLockedStackFrame();
                if (null != locked && at.getClassName().equals(locked.getClassName()) &&
                    at.getMethodName().equals(locked.getMethodName()) && at.getLineNumber() == locked.getLineNumber())
                {
                    return true;
                }
            }
        }
        catch (final LinkageError | RuntimeException ex)
        {
            // no java.management, or monitor usage not supported: the next reasons are the guesses left
        }
        return false;
    }

    /** The functional interface a hidden lambda proxy implements, or null. */
    private static String functionalInterface(final StackFrame proxy)
    {
        final Class<?>[] interfaces = proxy.getDeclaringClass().getInterfaces();
        return 0 == interfaces.length ? null : interfaces[0].getName();
    }

    /** {@code iface.method} that a hidden lambda proxy implements, or null. */
    private static String proxiedMethod(final StackFrame proxy)
    {
        for (final Class<?> iface : proxy.getDeclaringClass().getInterfaces())
        {
            for (final Method m : iface.getMethods())
            {
                if (m.getName().equals(proxy.getMethodName()) && !m.isAnnotationPresent(Goroutine.class))
                {
                    return iface.getName() + "." + m.getName();
                }
            }
        }
        return null;
    }

    /**
     * A declaration that the entered method overrides and that is not {@code @Goroutine}, as
     * {@code type.method}, or null: a call through it is not armed.
     */
    private static String plainDeclaration(final StackFrame entered)
    {
        if (null == entered || SUSPEND.equals(entered.getClassName()))
        {
            return null;
        }
        final Class<?>[] params = entered.getMethodType().parameterArray();
        final String name = entered.getMethodName();
        final ArrayDeque<Class<?>> todo = new ArrayDeque<>();
        addSupertypes(todo, entered.getDeclaringClass());
        while (!todo.isEmpty())
        {
            final Class<?> type = todo.poll();
            final Method m = declared(type, name, params);
            if (null != m && !Modifier.isStatic(m.getModifiers()) && !Modifier.isPrivate(m.getModifiers()) &&
                !m.isAnnotationPresent(Goroutine.class))
            {
                return type.getName() + "." + name;
            }
            addSupertypes(todo, type);
        }
        return null;
    }

    private static void addSupertypes(final ArrayDeque<Class<?>> todo, final Class<?> type)
    {
        if (null != type.getSuperclass())
        {
            todo.add(type.getSuperclass());
        }
        for (final Class<?> iface : type.getInterfaces())
        {
            todo.add(iface);
        }
    }

    /** The method {@code name(params)} declared by {@code type}, or null. */
    private static Method declared(final Class<?> type, final String name, final Class<?>[] params)
    {
        try
        {
            return type.getDeclaredMethod(name, params);
        }
        catch (final NoSuchMethodException | SecurityException | LinkageError ex)
        {
            return null;
        }
    }

    private static void printToStderr(final String text)
    {
        System.err.println(text);
        System.err.flush();
    }
}
