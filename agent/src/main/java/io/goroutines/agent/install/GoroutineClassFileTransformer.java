package io.goroutines.agent.install;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * The class file transformer the agent registers: filter by name, hand the bytes to the
 * {@link ClassRewriter}, never let a failure stop a class from loading.
 * <p>
 * It is registered directly with {@code premain} and through ByteBuddy with {@code agentmain}
 * (see {@link Installer} for why).
 * <p>
 * <b>Adding members.</b> The transform may add synthetic methods when a class is first defined, but
 * not when a loaded class is retransformed or redefined. A class rewritten at its first load must be
 * rewritten the same way on a later retransformation (by another agent, or a debugger's redefinition),
 * or the JVM would see its added methods vanish and refuse the change: so the transformer remembers
 * which classes it rewrote at first load, and lets the transform add members to those again.
 * Classes that were already loaded when the agent came (only possible with {@code agentmain}) are
 * rewritten without adding members.
 * <p>
 * <b>Recursion.</b> A class loaded by the transform itself while it rewrites another one (which should
 * not happen: the transform reads class files as resources) is left unchanged with a warning: rewriting
 * it on the same thread could deadlock on the loader or define a class half-way.
 */
final class GoroutineClassFileTransformer implements ClassFileTransformer
{
    private final ClassFilter filter;
    private final ClassRewriter rewriter;
    private final Consumer<String> log;
    private final boolean verbose;

    /** The class this thread is transforming now, or null. */
    private final ThreadLocal<String> inProgress = new ThreadLocal<>();

    /** Internal names of the classes rewritten at their first load, per defining loader. Guarded by itself. */
    private final Map<ClassLoader, Set<String>> rewrittenAtLoad = new WeakHashMap<>();

    /**
     * @param filter   which classes to look at
     * @param rewriter the transform
     * @param log      receives warnings, one line each
     * @param verbose  log each rewritten class
     */
    GoroutineClassFileTransformer(
        final ClassFilter filter,
        final ClassRewriter rewriter,
        final Consumer<String> log,
        final boolean verbose)
    {
        this.filter = filter;
        this.rewriter = rewriter;
        this.log = log;
        this.verbose = verbose;
    }

    @Override
    public byte[] transform(
        final ClassLoader loader,
        final String internalName,
        final Class<?> classBeingRedefined,
        final ProtectionDomain protectionDomain,
        final byte[] classfile)
    {
        if (!filter.accepts(loader, internalName))
        {
            return filter.leftOutByOptions(loader, internalName)
                ? takeTokenOnly(loader, internalName, classfile) : null;
        }
        final String outer = inProgress.get();
        if (null != outer)
        {
            log.accept("goroutines: " + dotted(internalName) + " was loaded while the agent was transforming " +
                dotted(outer) + "; it is left unchanged, so its @Goroutine methods, if any, will pin");
            return null;
        }
        inProgress.set(internalName);
        try
        {
            return rewrite(loader, internalName, null == classBeingRedefined, classfile);
        }
        catch (final Throwable ex)
        {
            log.accept("goroutines: could not transform " + dotted(internalName) + " (" + ex +
                "); it is loaded unchanged, so its @Goroutine methods, if any, will pin." +
                " Please report this with the class file");
            if (verbose)
            {
                ex.printStackTrace();
            }
            return null;
        }
        finally
        {
            inProgress.remove();
        }
    }

    private byte[] rewrite(final ClassLoader loader, final String internalName, final boolean firstLoad,
        final byte[] classfile)
    {
        final boolean canAddMembers = firstLoad || wasRewrittenAtLoad(loader, internalName);
        final byte[] result = rewriter.rewrite(loader, internalName, classfile, canAddMembers);
        if (null != result)
        {
            if (firstLoad)
            {
                synchronized (rewrittenAtLoad)
                {
                    rewrittenAtLoad.computeIfAbsent(loader, (l) -> new HashSet<>()).add(internalName);
                }
            }
            if (verbose)
            {
                log.accept("goroutines: transformed " + dotted(internalName) + (firstLoad ? "" : " (retransformed)"));
            }
        }
        return result;
    }

    private byte[] takeTokenOnly(final ClassLoader loader, final String internalName, final byte[] classfile)
    {
        try
        {
            return rewriter.takeTokenOnly(loader, internalName, classfile);
        }
        catch (final Throwable ex)
        {
            log.accept("goroutines: could not look at " + dotted(internalName) + " (" + ex + "); it is loaded unchanged");
            return null;
        }
    }

    private boolean wasRewrittenAtLoad(final ClassLoader loader, final String internalName)
    {
        synchronized (rewrittenAtLoad)
        {
            final Set<String> names = rewrittenAtLoad.get(loader);
            return null != names && names.contains(internalName);
        }
    }

    private static String dotted(final String internalName)
    {
        return internalName.replace('/', '.');
    }
}
