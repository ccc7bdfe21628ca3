package io.goroutines.agent.transform;

import io.goroutines.agent.analysis.TypeHierarchy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Finds, without running anything, the calls into suspendable methods that the transform cannot
 * arm because the calling code is not rewritten: the "uninstrumented caller" and "constructor"
 * cases of the runtime's pinning report ({@code io.goroutines.internal.diag.Pinning}), as far as a
 * class file shows them.
 *
 * <h2>What it reports</h2>
 * <ul>
 *   <li>a call to a {@code @Goroutine} method (or an override of one, as {@link TypeHierarchy} tells)
 *       from a method of the class that is not rewritten: a plain method, a constructor, a static
 *       initialiser, or a lambda body whose functional interface method is not {@code @Goroutine};</li>
 *   <li>a method reference to a {@code @Goroutine} method made into a functional interface whose
 *       method is not {@code @Goroutine} ({@code list.forEach(this::send)}): the JDK's lambda proxy
 *       calls it as plain code.</li>
 * </ul>
 *
 * <h2>What it cannot know</h2>
 * A static scan reports where a park <em>would</em> pin if a goroutine ran the code: a plain method
 * that only ever runs on a plain thread (a {@code main} that is not {@code @Goroutine}) just blocks
 * that thread, which is no pinning. Calls it cannot see are not reported: reflection, proxies, JDK
 * code calling back into a rewritten method (a lambda of a {@code @Goroutine} interface passed to
 * {@code forEach}), and calls through a declaration that is not {@code @Goroutine} whose runtime
 * target is.
 */
final class PlainCallers
{
    /** What to do about a call from a plain method. */
    private static final String ANNOTATE = " @Goroutine (and the interface method it implements, if any)";
    /** What to do about a call from a lambda or method reference of a plain functional interface. */
    private static final String USE_TASK = " runs as plain code unless its functional interface method is @Goroutine:"
        + " use io.goroutines.Task or Action, or annotate the interface method @Goroutine";

    private PlainCallers()
    {
    }

    /**
     * Reports the calls of the class into suspendable methods from code the transform leaves plain.
     *
     * @param hierarchy the hierarchy the class is defined in
     * @param classfile the class file, as it was before the transform
     * @param rewritten {@code name + descriptor} of the methods the transform rewrites
     * @param listener  hears each call site
     */
    static void report(final TypeHierarchy hierarchy, final byte[] classfile, final Set<String> rewritten,
        final TransformListener listener)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(classfile).accept(cn, ClassReader.SKIP_FRAMES);
        final Map<String, String> lambdaInterfaces = plainLambdaInterfaces(hierarchy, cn);
        for (final MethodNode m : cn.methods)
        {
            if (!rewritten.contains(m.name + m.desc))
            {
                reportCalls(hierarchy, cn, m, lambdaInterfaces.get(m.name + m.desc), listener);
            }
            reportMethodReferences(hierarchy, cn, m, listener);
        }
    }

    /** The calls of plain method {@code m} into suspendable methods, each with the reason its kind gives. */
    private static void reportCalls(final TypeHierarchy hierarchy, final ClassNode cn, final MethodNode m,
        final String lambdaOf, final TransformListener listener)
    {
        final String name = cn.name.replace('/', '.') + "." + m.name;
        final String reason;
        final String advice;
        if ("<init>".equals(m.name))
        {
            reason = "constructor (constructors are never rewritten)";
            advice = "move the blocking call out of the constructor, e.g. into a @Goroutine static factory method";
        }
        else if ("<clinit>".equals(m.name))
        {
            reason = "static initializer (class initialisation is never rewritten)";
            advice = "move the blocking call out of the static initializer into a @Goroutine method";
        }
        else if (null != lambdaOf)
        {
            reason = "uninstrumented caller (a lambda of " + lambdaOf + ", which is not @Goroutine)";
            advice = "a lambda" + USE_TASK;
        }
        else if ((m.access & Opcodes.ACC_SYNCHRONIZED) != 0)
        {
            reason = "uninstrumented caller (a synchronized method that is not @Goroutine)";
            advice = "move the blocking call out of the synchronized method into @Goroutine code (or guard the data"
                + " with io.goroutines.sync.Mutex and annotate " + name + ANNOTATE + ")";
        }
        else
        {
            reason = "uninstrumented caller";
            advice = "annotate " + name + ANNOTATE;
        }
        for (final CallSites.Site s : CallSites.of(cn, m, call -> isSuspendable(hierarchy, call)))
        {
            listener.pinned(new PinnedCall(s.at(), CallSites.callee(s.call()), reason, advice));
        }
    }

    /** Method references in {@code m} to suspendable methods, made into a plain functional interface. */
    private static void reportMethodReferences(final TypeHierarchy hierarchy, final ClassNode cn, final MethodNode m,
        final TransformListener listener)
    {
        int line = -1;
        for (final AbstractInsnNode insn : m.instructions)
        {
            if (insn instanceof LineNumberNode)
            {
                line = ((LineNumberNode) insn).line;
            }
            final Handle impl = implementation(insn);
            if (null == impl || impl.getOwner().equals(cn.name) && isLambdaBodyName(impl.getName()))
            {
                continue;
            }
            final InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) insn;
            final String fi = Type.getReturnType(indy.desc).getInternalName();
            final Type sam = (Type) indy.bsmArgs[0];
            if (MethodRefBridge.targetIsSuspendable(hierarchy, impl)
                && !hierarchy.isSuspendable(fi, indy.name, sam.getDescriptor()))
            {
                listener.pinned(new PinnedCall(CallSites.site(cn, m, line),
                    impl.getOwner().replace('/', '.') + "." + impl.getName(),
                    "uninstrumented caller (a method reference used as " + fi.replace('/', '.') + "." + indy.name
                        + ", which is not @Goroutine)", "a method reference" + USE_TASK));
            }
        }
    }

    /**
     * The functional interface method that each lambda body of the class implements, as
     * {@code java.util.function.Consumer.accept}, by the body's {@code name + descriptor}, for the
     * interface methods that are not {@code @Goroutine}.
     */
    private static Map<String, String> plainLambdaInterfaces(final TypeHierarchy hierarchy, final ClassNode cn)
    {
        final Map<String, String> out = new HashMap<>();
        for (final MethodNode m : cn.methods)
        {
            for (final AbstractInsnNode insn : m.instructions)
            {
                final Handle impl = implementation(insn);
                if (null == impl || !impl.getOwner().equals(cn.name) || !isLambdaBodyName(impl.getName()))
                {
                    continue;
                }
                final InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) insn;
                final String fi = Type.getReturnType(indy.desc).getInternalName();
                if (!hierarchy.isSuspendable(fi, indy.name, ((Type) indy.bsmArgs[0]).getDescriptor()))
                {
                    out.put(impl.getName() + impl.getDesc(), fi.replace('/', '.') + "." + indy.name);
                }
            }
        }
        return out;
    }

    /** The implementation method of a LambdaMetafactory call site, or null for any other instruction. */
    private static Handle implementation(final AbstractInsnNode insn)
    {
        if (!(insn instanceof InvokeDynamicInsnNode))
        {
            return null;
        }
        final InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) insn;
        if (!"java/lang/invoke/LambdaMetafactory".equals(indy.bsm.getOwner()) || indy.bsmArgs.length < 3
            || !(indy.bsmArgs[0] instanceof Type) || !(indy.bsmArgs[1] instanceof Handle))
        {
            return null;
        }
        return (Handle) indy.bsmArgs[1];
    }

    /** A compiler-made lambda body (javac, Kotlin, Scala), as the transform recognises one. */
    private static boolean isLambdaBodyName(final String name)
    {
        return name.startsWith("lambda$") || name.contains("$lambda$") || name.contains("$anonfun$");
    }

    private static boolean isSuspendable(final TypeHierarchy hierarchy, final MethodInsnNode call)
    {
        return call.name.charAt(0) != '<' && hierarchy.isSuspendable(call.owner, call.name, call.desc);
    }
}
