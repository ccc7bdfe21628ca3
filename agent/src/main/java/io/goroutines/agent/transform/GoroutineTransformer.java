package io.goroutines.agent.transform;

import io.goroutines.agent.analysis.ClassInfo;
import io.goroutines.agent.analysis.MethodAnalyzer;
import io.goroutines.agent.analysis.TypeHierarchy;
import io.goroutines.agent.analysis.UnknownTypeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Entry point of the transform: class file in, rewritten class file (or null) out.
 *
 * <h2>Passes</h2>
 * <ol>
 *   <li><b>Identify</b> (no code read): the class's {@code @Goroutine} methods and the methods that
 *       override one ({@link TypeHierarchy}). A class with neither and no {@code lambda$} body is
 *       returned untouched after this cheap pass.</li>
 *   <li><b>Lambdas and bridges</b>: {@code lambda$} bodies whose {@code invokedynamic}
 *       (LambdaMetafactory) implements a {@code @Goroutine} functional interface method, and the
 *       targets of suspendable bridge methods, become suspendable too.</li>
 *   <li><b>Rewrite</b> each suspendable method ({@link MethodRewriter}); a method that cannot be
 *       analysed only takes the caller's token at entry (it then pins if something below parks).</li>
 *   <li><b>Write and check</b>: frames are computed from class files; every rewritten method is
 *       verified again with the JVM's rules ({@link MethodAnalyzer} in verify mode); a method that
 *       grows past 64 KB is rewritten again without its plain copy ({@link PlainCopy}); one that
 *       fails, or still grows past 64 KB, is put back as it was (plus the token take) and the class
 *       is written again. The JVM verifier stays on: this check only keeps a class from failing to load.</li>
 * </ol>
 * Never throws: any failure leaves the class as it was, with a warning naming class and reason.
 *
 * <h2>Reporting</h2>
 * {@link #check} runs the same passes with a {@link TransformListener}, which hears each rewritten
 * method and each call site that stays plain and would pin (the command line's {@code check}); it
 * adds the calls from code that is not rewritten ({@link PlainCallers}). The listener only listens:
 * the agent passes {@link TransformListener#NONE}, and the bytes written do not depend on it.
 */
public final class GoroutineTransformer
{
    private final TransformConfig config;
    private final Consumer<String> warn;

    /**
     * @param config what to do
     * @param warn   where warnings go (one line each, already prefixed "goroutines: ")
     */
    public GoroutineTransformer(final TransformConfig config, final Consumer<String> warn)
    {
        this.config = config;
        this.warn = warn;
    }

    /**
     * Rewrites the suspendable methods of one class.
     *
     * @param loader        the defining loader (null: bootstrap), used to read supertypes' class files
     * @param internalName  e.g. {@code com/example/Main}
     * @param classfile     the class file as loaded
     * @param canAddMembers false on retransformation (no new methods may be added)
     * @return the new class file, or null when nothing needs to change. Never throws: a class the
     *         transform cannot handle is left as it was, with a warning.
     */
    public byte[] transform(final ClassLoader loader, final String internalName, final byte[] classfile,
        final boolean canAddMembers)
    {
        try
        {
            return transformOrThrow(loader, internalName, classfile, canAddMembers);
        }
        catch (final Throwable t)
        {
            warn.accept("goroutines: class " + String.valueOf(internalName).replace('/', '.')
                + " left as it was: " + t);
            return null;
        }
    }

    /** Like {@link #transform} but lets failures escape (tests). */
    public byte[] transformOrThrow(final ClassLoader loader, final String internalName, final byte[] classfile)
    {
        return transformOrThrow(loader, internalName, classfile, true, TransformListener.NONE);
    }

    /**
     * Reports what {@link #transform} would do to one class at its first load, and what it leaves
     * to pin: the methods it rewrites, the call sites in them that stay plain, and the calls into
     * suspendable methods from the class's code that is not rewritten ({@link PlainCallers}). The
     * rewritten class file is dropped. Never throws: a class the transform cannot handle gets the
     * agent's warning, and its calls are reported as from code that is not rewritten.
     *
     * @param loader       where the class's supertypes' class files are read from
     * @param internalName e.g. {@code com/example/Main}
     * @param classfile    the class file
     * @param listener     hears each rewritten method and each call site that would pin
     */
    public void check(final ClassLoader loader, final String internalName, final byte[] classfile,
        final TransformListener listener)
    {
        if (null == internalName || isRuntimeInternal(internalName))
        {
            return;
        }
        final Set<String> rewritten = new HashSet<>();
        final TransformListener recording = new TransformListener()
        {
            @Override
            public void rewritten(final RewrittenMethod method)
            {
                rewritten.add(method.at().method() + method.at().descriptor());
                listener.rewritten(method);
            }

            @Override
            public void pinned(final PinnedCall call)
            {
                listener.pinned(call);
            }
        };
        try
        {
            transformOrThrow(loader, internalName, classfile, true, recording);
        }
        catch (final Throwable t)
        {
            warn.accept("goroutines: class " + internalName.replace('/', '.') + " left as it was: " + t);
        }
        try
        {
            final TypeHierarchy hierarchy = TypeHierarchy.of(loader);
            hierarchy.define(TypeHierarchy.parse(classfile));
            PlainCallers.report(hierarchy, classfile, rewritten, listener);
        }
        catch (final RuntimeException e)
        {
            warn.accept("goroutines: class " + internalName.replace('/', '.')
                + ": its calls from code that is not rewritten could not be listed: " + e);
        }
    }

    private byte[] transformOrThrow(final ClassLoader loader, final String internalName, final byte[] classfile,
        final boolean canAddMembers)
    {
        return transformOrThrow(loader, internalName, classfile, canAddMembers, TransformListener.NONE);
    }

    private byte[] transformOrThrow(final ClassLoader loader, final String internalName, final byte[] classfile,
        final boolean canAddMembers, final TransformListener listener)
    {
        final Identified found = identify(loader, internalName, classfile);
        if (null == found)
        {
            return null;
        }
        final TypeHierarchy hierarchy = found.hierarchy();
        final Set<String> suspendable = found.suspendable();
        final ClassNode cn = new ClassNode();
        new ClassReader(classfile).accept(cn, ClassReader.SKIP_FRAMES);
        final Map<String, Integer> accept = new HashMap<>();
        addLambdaBodies(hierarchy, cn, suspendable, accept, canAddMembers);
        addBridgeTargets(cn, suspendable);
        final List<MethodNode> targets = new ArrayList<>();
        for (final MethodNode m : cn.methods)
        {
            if (suspendable.contains(m.name + m.desc) && isRewritable(m) && !isHandWrittenLeaf(cn, m))
            {
                targets.add(m);
            }
        }
        if (targets.isEmpty())
        {
            return null;
        }
        try
        {
            return rewriteClass(hierarchy, cn, targets, suspendable, accept, listener);
        }
        catch (final RuntimeException e)
        {
            // e.g. the class's frames cannot be computed (unknown types, JSR/RET in any method): keep
            // its own frames and only take the token, so nothing can run twice behind its methods
            final String why = e instanceof UnknownTypeException ? e.getMessage() : e.toString();
            warn.accept("goroutines: " + internalName.replace('/', '.') + ": its methods are left as they were"
                + " (they only take the caller's token and pin if something they call parks): " + why);
            return takeTokenOnly(hierarchy, classfile, suspendable, "its class could not be rewritten: " + why,
                listener);
        }
    }

    /**
     * For a class that is not to be rewritten (left out by the agent's options): its suspendable
     * methods only take the caller's token, so that a goroutine calling them pins rather than carrying
     * the token into code further down. Never throws.
     *
     * @return the new class file, or null when it has no suspendable method (or on failure, with a warning)
     */
    public byte[] takeTokenOnly(final ClassLoader loader, final String internalName, final byte[] classfile)
    {
        try
        {
            final Identified found = identify(loader, internalName, classfile);
            return null == found ? null : takeTokenOnly(found.hierarchy(), classfile, found.suspendable(),
                "its class is left out by the agent's include/exclude options", TransformListener.NONE);
        }
        catch (final Throwable t)
        {
            warn.accept("goroutines: class " + String.valueOf(internalName).replace('/', '.')
                + " left as it was: " + t);
            return null;
        }
    }

    /**
     * The class as it was, except that each suspendable method takes the caller's token at entry;
     * its own stack map frames are kept (an instruction with no stack effect at offset 0 leaves
     * them valid), so nothing about its types needs to be known.
     */
    private byte[] takeTokenOnly(final TypeHierarchy hierarchy, final byte[] classfile, final Set<String> suspendable,
        final String reason, final TransformListener listener)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(classfile).accept(cn, 0);
        final Map<String, Integer> accept = new HashMap<>();
        addLambdaBodies(hierarchy, cn, suspendable, accept, false);
        if (suspendable.isEmpty())
        {
            return null;
        }
        for (final MethodNode m : cn.methods)
        {
            if (suspendable.contains(m.name + m.desc) && isRewritable(m) && !isHandWrittenLeaf(cn, m))
            {
                if (TransformListener.NONE != listener)
                {
                    reportLeftAsItWas(listener, hierarchy, cn, suspendable, m, reason);
                }
                MethodRewriter.takeTokenOnly(cn, m, reason, tokensOf(cn, m, accept)[0]);
            }
        }
        final ClassWriter cw = new ClassWriter(0);
        cn.accept(cw);
        return cw.toByteArray();
    }

    /** What the identify pass found: the hierarchy, and the methods suspendable by declaration. */
    private record Identified(TypeHierarchy hierarchy, Set<String> suspendable)
    {
    }

    /**
     * The identify pass, without reading code: null when the class needs nothing (no suspendable
     * method and no lambda or method reference), or is the runtime's own machinery.
     */
    private Identified identify(final ClassLoader loader, final String internalName, final byte[] classfile)
    {
        if (null == internalName || isRuntimeInternal(internalName))
        {
            return null;
        }
        final TypeHierarchy hierarchy = TypeHierarchy.of(loader);
        final ClassInfo info = TypeHierarchy.parse(classfile);
        hierarchy.define(info);
        final Set<String> suspendable = declaredSuspendable(hierarchy, info);
        return suspendable.isEmpty() && !makesLambdas(classfile) ? null : new Identified(hierarchy, suspendable);
    }

    /**
     * The tokens {@code m} takes on entry: a lambda body or bridge, its functional interface
     * method's; a {@code @Goroutine main}, its own and {@code run()V} (the scheduler enters it as
     * goroutine 1 through a lambda); any other method, its own.
     */
    private static int[] tokensOf(final ClassNode cn, final MethodNode m, final Map<String, Integer> accept)
    {
        final Integer sam = accept.get(m.name + m.desc);
        if (null != sam)
        {
            return new int[] {sam};
        }
        final int own = Emit.token(m.name, m.desc);
        return MainLauncher.isGoroutineMain(cn, m) ? new int[] {own, Emit.token("run", "()V")} : new int[] {own};
    }

    /** The runtime's marker of a hand-written leaf ({@code io.goroutines.internal.sched.Leaf}). */
    static final String LEAF_DESCRIPTOR = "Lio/goroutines/internal/sched/Leaf;";
    /** Where the runtime's classes are: the only ones whose {@code @Leaf} counts. */
    private static final String RUNTIME_PACKAGE = "io/goroutines/";

    /** The constant pool's name of LambdaMetafactory, as it stands in a class file (modified UTF-8). */
    private static final byte[] LAMBDA_METAFACTORY =
        "java/lang/invoke/LambdaMetafactory".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Whether the class file names LambdaMetafactory, i.e. may make lambdas or method references. */
    static boolean makesLambdas(final byte[] classfile)
    {
        final byte[] needle = LAMBDA_METAFACTORY;
        final int last = classfile.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (classfile[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean isRuntimeInternal(final String name)
    {
        return name.startsWith("io/goroutines/agent/") || name.equals(Emit.SUSPEND) || name.equals(Emit.G)
            || name.equals(Emit.FRAMES) || name.startsWith("io/goroutines/internal/stack/");
    }

    /**
     * Whether {@code m} is one of the runtime's hand-written leaves ({@code @Leaf}): suspendable, so
     * calls to it are suspension points, but it takes the token and parks by itself, so its body is
     * left as it is. Only the runtime's own classes may have them.
     */
    static boolean isHandWrittenLeaf(final ClassNode cn, final MethodNode m)
    {
        if (null == m.visibleAnnotations || !cn.name.startsWith(RUNTIME_PACKAGE))
        {
            return false;
        }
        for (final AnnotationNode a : m.visibleAnnotations)
        {
            if (LEAF_DESCRIPTOR.equals(a.desc))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean isRewritable(final MethodNode m)
    {
        return (m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0 && m.name.charAt(0) != '<';
    }

    /** Methods of the class that are {@code @Goroutine} or override one (or all, in forceAll mode). */
    private Set<String> declaredSuspendable(final TypeHierarchy hierarchy, final ClassInfo info)
    {
        final Set<String> out = new HashSet<>();
        for (final Map.Entry<String, ClassInfo.MethodInfo> e : info.methods().entrySet())
        {
            final String key = e.getKey();
            if (key.startsWith("<"))
            {
                continue;
            }
            final int paren = key.indexOf('(');
            if (config.forceAll() || e.getValue().goroutine()
                || hierarchy.isSuspendable(info.name(), key.substring(0, paren), key.substring(paren)))
            {
                out.add(key);
            }
        }
        return out;
    }

    /**
     * Adds the {@code lambda$} bodies of lambdas whose functional interface method is suspendable.
     * A method reference to a method that is not suspendable gets a bridge ({@link MethodRefBridge}):
     * otherwise the caller's token would pass through the lambda's forwarding frame into plain code,
     * where a rewritten method called further down would take it as its own.
     */
    private void addLambdaBodies(final TypeHierarchy hierarchy, final ClassNode cn, final Set<String> out,
        final Map<String, Integer> accept, final boolean canAddMembers)
    {
        final List<MethodNode> bridges = new ArrayList<>();
        for (final MethodNode m : cn.methods)
        {
            for (final AbstractInsnNode insn : m.instructions)
            {
                if (!(insn instanceof InvokeDynamicInsnNode))
                {
                    continue;
                }
                final InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) insn;
                if (!"java/lang/invoke/LambdaMetafactory".equals(indy.bsm.getOwner()) || indy.bsmArgs.length < 3
                    || !(indy.bsmArgs[0] instanceof Type) || !(indy.bsmArgs[1] instanceof Handle))
                {
                    continue;
                }
                final String fi = Type.getReturnType(indy.desc).getInternalName();
                final Type sam = (Type) indy.bsmArgs[0];
                final Handle impl = (Handle) indy.bsmArgs[1];
                if (!hierarchy.isSuspendable(fi, indy.name, sam.getDescriptor()))
                {
                    continue;
                }
                final int samToken = Emit.token(indy.name, sam.getDescriptor());
                if (isLambdaBody(cn, impl))
                {
                    out.add(impl.getName() + impl.getDesc());
                    accept.put(impl.getName() + impl.getDesc(), samToken);
                }
                else
                {
                    // a method reference: a bridge takes the interface method's token and arms the target's
                    if (!canAddMembers || MethodRefBridge.isSerializable(indy))
                    {
                        warn.accept("goroutines: " + cn.name.replace('/', '.') + "." + m.name
                            + ": method reference to " + impl.getOwner().replace('/', '.') + "." + impl.getName()
                            + " used as a @Goroutine " + fi.replace('/', '.') + " cannot be bridged ("
                            + (canAddMembers ? "serializable lambda" : "class retransformed")
                            + "); a park below it pins: use a lambda instead");
                        continue;
                    }
                    final MethodNode bridge = MethodRefBridge.create(cn, indy, impl, bridges.size());
                    bridges.add(bridge);
                    indy.bsmArgs[1] = new Handle(Opcodes.H_INVOKESTATIC, cn.name, bridge.name, bridge.desc,
                        (cn.access & Opcodes.ACC_INTERFACE) != 0);
                    out.add(bridge.name + bridge.desc);
                    accept.put(bridge.name + bridge.desc, samToken);
                }
            }
        }
        cn.methods.addAll(bridges);
    }

    /**
     * Whether a lambda's implementation method is a compiler-made lambda body of this class: javac's
     * {@code lambda$...}, Kotlin's {@code ...$lambda$N}, Scala's {@code $anonfun$...}, or any synthetic
     * method. Such a body takes the interface method's token. Were it also called directly, those
     * callers' tokens would not match and it would pin there: never wrong, only slower.
     */
    private static boolean isLambdaBody(final ClassNode cn, final Handle impl)
    {
        if (!impl.getOwner().equals(cn.name))
        {
            return false;
        }
        final String name = impl.getName();
        if (name.startsWith("lambda$") || name.contains("$lambda$") || name.contains("$anonfun$"))
        {
            return true;
        }
        final MethodNode m = findMethod(cn, name + impl.getDesc());
        return null != m && (m.access & Opcodes.ACC_SYNTHETIC) != 0;
    }

    /** A suspendable bridge forwards to a method of the same name: that one is suspendable too. */
    private static void addBridgeTargets(final ClassNode cn, final Set<String> out)
    {
        for (final MethodNode m : cn.methods)
        {
            if ((m.access & Opcodes.ACC_BRIDGE) == 0 || !out.contains(m.name + m.desc))
            {
                continue;
            }
            for (final AbstractInsnNode insn : m.instructions)
            {
                if (insn instanceof MethodInsnNode && ((MethodInsnNode) insn).owner.equals(cn.name)
                    && ((MethodInsnNode) insn).name.equals(m.name))
                {
                    out.add(m.name + ((MethodInsnNode) insn).desc);
                }
            }
        }
    }

    private byte[] rewriteClass(final TypeHierarchy hierarchy, final ClassNode cn, final List<MethodNode> targets,
        final Set<String> suspendableHere, final Map<String, Integer> accept, final TransformListener listener)
    {
        final Predicate<MethodInsnNode> suspendableCall = call -> isSuspendableCall(hierarchy, cn, suspendableHere, call);
        final Map<MethodNode, MethodNode> originals = new HashMap<>();
        for (final MethodNode m : targets)
        {
            originals.put(m, PlainCopy.copy(m));
        }
        final Set<String> plain = new HashSet<>();
        // methods that exceed 64 KB with the original code kept as their plain path (PlainCopy): rewritten without it
        final Set<String> noCopy = new HashSet<>();
        final Map<String, String> plainReasons = new HashMap<>();
        // what the last attempt made of each method that it rewrote, for the listener
        final Map<String, MethodRewriter> rewriters = new HashMap<>();
        final Map<String, Integer> points = new HashMap<>();
        for (int attempt = 0; attempt < 8; attempt++)
        {
            for (final MethodNode m : targets)
            {
                final String key = m.name + m.desc;
                restore(m, originals.get(m));
                final int[] tokens = tokensOf(cn, m, accept);
                final MethodRewriter rewriter =
                    new MethodRewriter(cn, m, hierarchy, suspendableCall, config, tokens, !noCopy.contains(key));
                if (plain.contains(key))
                {
                    MethodRewriter.takeTokenOnly(cn, m, plainReasons.get(key), tokens[0]);
                    continue;
                }
                try
                {
                    final int n = rewriter.rewrite();
                    rewriters.put(key, rewriter);
                    points.put(key, n);
                    if (config.verbose())
                    {
                        warn.accept("goroutines: rewrote " + cn.name.replace('/', '.') + "." + m.name + m.desc
                            + " (" + n + " suspension points)");
                        rewriter.pinnedSites().forEach(s -> warn.accept("goroutines: will pin: " + s));
                    }
                }
                catch (final Exception | LinkageError e)
                {
                    plain.add(key);
                    plainReasons.put(key, "it could not be analysed: " + e);
                    warnPlain(cn, m, e.toString());
                    restore(m, originals.get(m));
                    MethodRewriter.takeTokenOnly(cn, m, plainReasons.get(key), tokens[0]);
                }
            }
            for (final MethodNode m : targets)
            {
                if (MainLauncher.isGoroutineMain(cn, m))
                {
                    MainLauncher.insert(cn, m);
                }
            }
            final byte[] out;
            try
            {
                final ClassWriter cw = new HierarchyClassWriter(hierarchy, ClassWriter.COMPUTE_FRAMES);
                cn.accept(cw);
                out = cw.toByteArray();
            }
            catch (final MethodTooLargeException e)
            {
                final String key = e.getMethodName() + e.getDescriptor();
                if (noCopy.add(key))
                {
                    continue; // try it without its plain copy first
                }
                if (!plain.add(key))
                {
                    throw e;
                }
                plainReasons.put(key, "the rewritten method would exceed the JVM's 64 KB limit");
                warnPlain(cn, findMethod(cn, key), "the rewritten method would exceed the JVM's 64 KB limit");
                continue;
            }
            final String failed = verify(hierarchy, out, targets, plain);
            if (null == failed)
            {
                if (TransformListener.NONE != listener)
                {
                    report(listener, hierarchy, cn, suspendableHere, targets, originals, plain, plainReasons, rewriters,
                        points);
                }
                return out;
            }
            plain.add(failed);
            plainReasons.put(failed, "the rewritten code did not verify");
        }
        throw new IllegalStateException("transform: could not produce a verifiable class");
    }

    /**
     * Tells the listener what became of each target of a class that was written: rewritten (with the
     * call sites that stay plain in it), or left as it was (every suspendable call in it pins). The
     * bridges added for method references are left out: they are no code of the application's.
     */
    private void report(final TransformListener listener, final TypeHierarchy hierarchy, final ClassNode cn,
        final Set<String> suspendableHere, final List<MethodNode> targets, final Map<MethodNode, MethodNode> originals,
        final Set<String> plain, final Map<String, String> plainReasons, final Map<String, MethodRewriter> rewriters,
        final Map<String, Integer> points)
    {
        for (final MethodNode m : targets)
        {
            final String key = m.name + m.desc;
            final MethodNode original = originals.get(m);
            if (m.name.startsWith(MethodRefBridge.NAME_PREFIX))
            {
                continue;
            }
            if (plain.contains(key))
            {
                reportLeftAsItWas(listener, hierarchy, cn, suspendableHere, original, plainReasons.get(key));
                continue;
            }
            listener.rewritten(new RewrittenMethod(CallSites.site(cn, m, CallSites.firstLine(original)),
                points.get(key), null));
            rewriters.get(key).pinnedCalls().forEach(listener::pinned);
        }
    }

    /**
     * Tells the listener about a suspendable method whose code is left as it was (it only takes the
     * token): it is rewritten that far, and each suspendable call in it pins.
     *
     * @param m the method with its original code
     */
    private void reportLeftAsItWas(final TransformListener listener, final TypeHierarchy hierarchy, final ClassNode cn,
        final Set<String> suspendableHere, final MethodNode m, final String reason)
    {
        listener.rewritten(new RewrittenMethod(CallSites.site(cn, m, CallSites.firstLine(m)), 0, reason));
        final Predicate<MethodInsnNode> suspendableCall = call -> isSuspendableCall(hierarchy, cn, suspendableHere, call);
        for (final CallSites.Site s : CallSites.of(cn, m, suspendableCall))
        {
            listener.pinned(new PinnedCall(s.at(), CallSites.callee(s.call()), "its method was left as it was ("
                + reason + ")", "see the agent's warning about " + cn.name.replace('/', '.')));
        }
    }

    private boolean isSuspendableCall(final TypeHierarchy hierarchy, final ClassNode cn, final Set<String> here,
        final MethodInsnNode call)
    {
        if (call.name.charAt(0) == '<')
        {
            return false;
        }
        if (config.forceAll())
        {
            return !call.owner.startsWith("io/goroutines/internal/");
        }
        return call.owner.equals(cn.name) && here.contains(call.name + call.desc)
            || hierarchy.isSuspendable(call.owner, call.name, call.desc);
    }

    private void warnPlain(final ClassNode cn, final MethodNode m, final String reason)
    {
        warn.accept("goroutines: " + cn.name.replace('/', '.') + "." + (null == m ? "?" : m.name + m.desc)
            + " left as it was (it will pin if something it calls parks): " + reason);
    }

    private static MethodNode findMethod(final ClassNode cn, final String key)
    {
        for (final MethodNode m : cn.methods)
        {
            if (key.equals(m.name + m.desc))
            {
                return m;
            }
        }
        return null;
    }

    /** Verifies the rewritten methods of the written class; returns the key of one that fails, or null. */
    private String verify(final TypeHierarchy hierarchy, final byte[] out, final List<MethodNode> targets,
        final Set<String> plain)
    {
        final Set<String> rewritten = new HashSet<>();
        for (final MethodNode m : targets)
        {
            rewritten.add(m.name + m.desc);
        }
        final ClassNode check = new ClassNode();
        new ClassReader(out).accept(check, ClassReader.SKIP_FRAMES);
        for (final MethodNode m : check.methods)
        {
            final String key = m.name + m.desc;
            if (!rewritten.contains(key) || plain.contains(key))
            {
                continue;
            }
            try
            {
                MethodAnalyzer.analyze(hierarchy, check, m, true);
            }
            catch (final Exception e)
            {
                warnPlain(check, m, "the rewritten code did not verify: " + e.getMessage());
                return key;
            }
        }
        return null;
    }

    /** Puts {@code m} back to the code of {@code original} (a fresh copy of it). */
    private static void restore(final MethodNode m, final MethodNode original)
    {
        final MethodNode c = PlainCopy.copy(original);
        m.instructions = c.instructions;
        m.tryCatchBlocks = c.tryCatchBlocks;
        m.localVariables = c.localVariables;
        m.visibleLocalVariableAnnotations = null;
        m.invisibleLocalVariableAnnotations = null;
        m.visibleTypeAnnotations = c.visibleTypeAnnotations;
        m.invisibleTypeAnnotations = c.invisibleTypeAnnotations;
        m.maxLocals = c.maxLocals;
        m.maxStack = c.maxStack;
    }
}
