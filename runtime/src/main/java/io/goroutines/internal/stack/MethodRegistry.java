package io.goroutines.internal.stack;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Ids for rewritten methods, so that a saved frame record (method id, call-site id) can be checked
 * on restore and mapped back to a source line for goroutine dumps.
 *
 * <p>The agent registers each method when it rewrites it and bakes the id into the method's code as
 * a constant. Ids are never reused; 0 means "no method". They come from two ranges of 2^23 - 1 ids
 * each, and the range says whose method it is: the application's (and libraries') methods get
 * 1, 2, ...; the runtime's own ({@link #isRuntimeClass}) get {@link #RUNTIME_ID_BIT} + 1, + 2, ...
 * So {@link #isRuntime(int)} is one bit test, with no memory access: finding a wait site walks the
 * saved frames to the innermost one outside the runtime ({@link Frames#waitSite}), and looking each
 * frame's entry up took a cache miss per frame (measured with perfasm on {@code ChanBench.goroutinesSync}
 * when every park did that walk: the hottest instruction of the whole run was that lookup's class
 * check; now only deadlock and leak reports walk). Both ranges stay within
 * {@link Frames#MAX_METHOD_ID}, the widest a frame record holds.
 */
public final class MethodRegistry
{
    /**
     * One registered method. {@code siteLines[k]} is the source line of call site k, or -1.
     * {@code plainReason} is null for a method rewritten into a state machine, else why it was left
     * as it was (it only takes the caller's token, and a park below it pins).
     */
    public record Entry(String owner, String name, String descriptor, String sourceFile, int[] siteLines,
        String plainReason, boolean runtime)
    {
        /** {@code com.example.Main.run(Main.java:42)} for call site {@code site}, as a stack trace prints it. */
        public String frame(final int site)
        {
            final int line = site >= 0 && site < siteLines.length ? siteLines[site] : -1;
            final String cls = owner.replace('/', '.');
            final String where = null == sourceFile ? "Unknown Source"
                : line >= 0 ? sourceFile + ":" + line : sourceFile;
            return cls + "." + name + "(" + where + ")";
        }
    }

    /** The runtime's root package. */
    private static final String RUNTIME = "io/goroutines/";
    /** The runtime's sub-packages. */
    private static final Set<String> RUNTIME_PACKAGES = Set.of("sync", "context", "time", "internal", "net", "os");

    /** Set in the ids of the runtime's methods, clear in all others. */
    public static final int RUNTIME_ID_BIT = 1 << 23;
    /** The largest index within either range: 2^23 - 1 methods each. */
    private static final int MAX_INDEX = RUNTIME_ID_BIT - 1;

    private static final Object LOCK = new Object();
    /** Ids by {@code owner.name descriptor}: the latest registration of each method. */
    private static final Map<String, Integer> BY_NAME = new ConcurrentHashMap<>();
    /** The application's entries by id; grows by copying under LOCK, read without locking. */
    private static volatile AtomicReferenceArray<Entry> entries = new AtomicReferenceArray<>(1024);
    /** The runtime's entries by id without {@link #RUNTIME_ID_BIT}; as {@link #entries}. */
    private static volatile AtomicReferenceArray<Entry> runtimeEntries = new AtomicReferenceArray<>(256);
    /** Next index to hand out in the application's range (guarded by LOCK). */
    private static int nextIndex = 1;
    /** Next index to hand out in the runtime's range (guarded by LOCK). */
    private static int nextRuntimeIndex = 1;

    private MethodRegistry()
    {
    }

    /** Registers a rewritten method and returns its id. */
    public static int register(
        final String owner, final String name, final String descriptor, final String sourceFile, final int[] siteLines)
    {
        return register(owner, name, descriptor, sourceFile, siteLines, null);
    }

    /** Registers a method that was left as it was (it only takes the token), with the reason. */
    public static int registerPlain(
        final String owner, final String name, final String descriptor, final String sourceFile, final String reason)
    {
        return register(owner, name, descriptor, sourceFile, new int[0], reason);
    }

    private static int register(final String owner, final String name, final String descriptor,
        final String sourceFile, final int[] siteLines, final String plainReason)
    {
        final boolean runtime = isRuntimeClass(owner);
        final Entry entry = new Entry(owner, name, descriptor, sourceFile, siteLines.clone(), plainReason, runtime);
        synchronized (LOCK)
        {
            final int index = runtime ? nextRuntimeIndex : nextIndex;
            if (index > MAX_INDEX)
            {
                // a frame record holds 24 bits of method id, half of them per range; the caller
                // leaves the method as it was
                throw new IllegalStateException("method registry: more than " + MAX_INDEX + (runtime ?
                    " of the runtime's" : "") + " methods rewritten in this JVM");
            }
            final AtomicReferenceArray<Entry> array = withRoom(runtime ? runtimeEntries : entries, index);
            array.set(index, entry);
            final int id;
            if (runtime)
            {
                nextRuntimeIndex++;
                runtimeEntries = array; // release; pairs with the volatile read in entry()
                id = RUNTIME_ID_BIT | index;
            }
            else
            {
                nextIndex++;
                entries = array;
                id = index;
            }
            BY_NAME.put(owner + '.' + name + descriptor, id);
            return id;
        }
    }

    /** {@code array}, or a copy twice as long when {@code index} is past its end. Under LOCK. */
    private static AtomicReferenceArray<Entry> withRoom(final AtomicReferenceArray<Entry> array, final int index)
    {
        if (index < array.length())
        {
            return array;
        }
        final AtomicReferenceArray<Entry> bigger = new AtomicReferenceArray<>(array.length() * 2);
        for (int i = 0; i < array.length(); i++)
        {
            bigger.set(i, array.get(i));
        }
        return bigger;
    }

    /**
     * The entry of a rewritten method by its JVM names ({@code owner} with slashes), or null when the
     * agent did not rewrite it. Every method the agent rewrites is registered, also those that only
     * take the token (no suspension point).
     */
    public static Entry lookup(final String owner, final String name, final String descriptor)
    {
        final Integer id = BY_NAME.get(owner + '.' + name + descriptor);
        return null == id ? null : entry(id);
    }

    /** The entry for {@code id}, or null when unknown. */
    public static Entry entry(final int id)
    {
        final AtomicReferenceArray<Entry> array = isRuntime(id) ? runtimeEntries : entries;
        final int index = id & ~RUNTIME_ID_BIT;
        return id > 0 && index < array.length() ? array.get(index) : null;
    }

    /**
     * Whether the id is one of a method of the runtime's own code (Chan, Select, sync, context, time
     * and the internals), whose frames a wait site passes over to name the user's frame that waits.
     * A bit test: no lookup (see the class comment).
     */
    public static boolean isRuntime(final int id)
    {
        return 0 != (id & RUNTIME_ID_BIT);
    }

    /** Whether {@code owner} (slashes) is a class of the runtime's packages. */
    public static boolean isRuntimeClass(final String owner)
    {
        if (!owner.startsWith(RUNTIME))
        {
            return false;
        }
        final String rest = owner.substring(RUNTIME.length());
        final int slash = rest.indexOf('/');
        return slash < 0 || RUNTIME_PACKAGES.contains(rest.substring(0, slash));
    }

    /** {@code owner.name descriptor} for messages, or {@code #id} when unknown. */
    public static String describe(final int id)
    {
        final Entry e = entry(id);
        return null == e ? "#" + id : e.owner().replace('/', '.') + "." + e.name() + e.descriptor();
    }
}
