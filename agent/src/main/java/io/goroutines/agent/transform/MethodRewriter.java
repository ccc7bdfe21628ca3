package io.goroutines.agent.transform;

import io.goroutines.agent.analysis.MethodAnalyzer;
import io.goroutines.agent.analysis.SuspensionPoint;
import io.goroutines.agent.analysis.TypeFrame;
import io.goroutines.agent.analysis.TypeHierarchy;
import io.goroutines.agent.analysis.UninitValue;
import io.goroutines.internal.stack.MethodRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;

/**
 * Rewrites one suspendable method into a resumable state machine.
 *
 * <h2>What the rewritten method looks like</h2>
 * <pre>
 * entry:    g = G.current()
 *           if g != null:
 *             if g.sig == CALL:   g.sig = NONE                 // called by rewritten code
 *             elif g.sig == RESUME: goto dispatch               // being rewound
 *             else:               g = null                     // entered from plain code: pin
 * body:     ...original code, where each suspendable call site k becomes
 *           [spill receiver and arguments to temps; reload]    // virtual calls only
 *           if g != null: g.sig = CALL                          // arm (the token)
 *   call_k: INVOKE ...
 *           if g != null and g.sig != NONE: goto slow_k         // one field read and a branch
 *   after_k:
 *           ...
 * slow_k:   if g.sig != UNWIND: g.sig = NONE; goto after_k      // callee was not rewritten
 *           pop the dummy result; spill the operand stack to temps
 *           frames.push(methodId, k, ...); save locals, stack, receiver and arguments
 *           return a dummy value                                // the caller unwinds in turn
 * dispatch: k = g.frames.resume(methodId); tableswitch k -> restore_k
 * restore_k: restore locals; receiver and arguments into their temps; push the operand stack;
 *           frames.pop(); load receiver and arguments; goto call_k
 * </pre>
 * A preemption point at a loop back-edge is a call site of {@code Suspend.preempt()} guarded by
 * {@code g != null && g.preempt}.
 *
 * <h2>Why this shape</h2>
 * Unwinding is by return, never by exception, so user handlers never see a park and no exception
 * is allocated. The save is lazy: the fast path pays the token store, the call, one field read and
 * a branch. Locals, the operand stack and the receiver are restored with their exact types (from
 * {@link MethodAnalyzer}) so the verifier accepts the merge at {@code call_k}. Descriptors never
 * change. Arguments are saved and passed again on resume because a lambda's forwarding frame may
 * unbox or cast them before reaching the rewritten body.
 *
 * <p>Invariants:
 * <ul>
 *   <li>the original instructions keep their order; inserted code only surrounds call sites, the
 *       entry and back-edges, and out-of-line blocks are appended after the last instruction;</li>
 *   <li>a call site is suspendable only where no monitor is held and no uninitialised object is on
 *       the stack or in a local; elsewhere the call stays plain and a park below it pins;</li>
 *   <li>restore_k leaves exactly the types the analysis found before call_k.</li>
 * </ul>
 */
final class MethodRewriter
{
    private final ClassNode owner;
    private final MethodNode method;
    private final TypeHierarchy hierarchy;
    private final Predicate<MethodInsnNode> suspendableCall;
    private final TransformConfig config;
    /** Calls that are inserted preemption points. */
    private final Set<MethodInsnNode> preemptionCalls = new HashSet<>();
    /** Calls that would suspend but must pin (monitor held, uninitialised object live). */
    private final List<String> pinnedSites = new ArrayList<>();

    MethodRewriter(final ClassNode owner, final MethodNode method, final TypeHierarchy hierarchy,
        final Predicate<MethodInsnNode> suspendableCall, final TransformConfig config)
    {
        this.owner = owner;
        this.method = method;
        this.hierarchy = hierarchy;
        this.suspendableCall = suspendableCall;
        this.config = config;
    }

    /** Call sites that stay plain although their target may suspend, with the reason. */
    List<String> pinnedSites()
    {
        return pinnedSites;
    }

    /**
     * Rewrites the method in place.
     *
     * @return the number of suspension points (0: only the token is taken at entry)
     * @throws AnalyzerException when the code cannot be analysed
     */
    int rewrite() throws AnalyzerException
    {
        if ((method.access & Opcodes.ACC_SYNCHRONIZED) != 0 || hasSubroutines())
        {
            final String reason = (method.access & Opcodes.ACC_SYNCHRONIZED) != 0
                ? "synchronized method" : "JSR/RET subroutines (class file older than Java 6)";
            consumeOnly(reason);
            pinnedSites.add(describe() + ": " + reason + " (a park inside it pins)");
            return 0;
        }
        insertLeafCalls();
        TypeFrame[] frames = MethodAnalyzer.analyze(hierarchy, owner, method, false);
        final Set<MethodInsnNode> candidates = candidates(frames);
        if (NewRelocator.relocate(method, frames, candidates))
        {
            frames = MethodAnalyzer.analyze(hierarchy, owner, method, false);
        }
        final List<SuspensionPoint> points = points(frames);
        if (points.isEmpty())
        {
            removeUnusedLeafCalls();
            consumeOnly(pinnedSites.isEmpty() ? "no suspendable call in it"
                : "its suspendable calls are all under a monitor or inside constructor arguments");
            return 0;
        }
        final int methodId = register(points);
        new Generator(points, methodId).apply();
        return points.size();
    }

    private String describe()
    {
        return owner.name.replace('/', '.') + "." + method.name + method.desc;
    }

    private boolean hasSubroutines()
    {
        for (final AbstractInsnNode insn : method.instructions)
        {
            if (insn.getOpcode() == Opcodes.JSR || insn.getOpcode() == Opcodes.RET)
            {
                return true;
            }
        }
        return false;
    }

    /** Only takes the caller's token: {@code G.consume()} at entry. */
    private void consumeOnly(final String reason)
    {
        takeTokenOnly(owner, method, reason);
    }

    /**
     * Makes {@code m} take the caller's token at entry and nothing more (a park below it pins); it
     * is registered, with no call site, so that diagnostics know it as a rewritten method.
     */
    static void takeTokenOnly(final ClassNode owner, final MethodNode m, final String reason)
    {
        m.instructions.insert(Emit.consumeToken());
        MethodRegistry.registerPlain(owner.name, m.name, m.desc, owner.sourceFile, reason);
    }

    /** Inserts the preemption points at back-edges and, in test mode, a yield at entry. */
    private void insertLeafCalls()
    {
        final Set<LabelNode> seen = new HashSet<>();
        for (final AbstractInsnNode insn : method.instructions.toArray())
        {
            if (insn instanceof LabelNode)
            {
                seen.add((LabelNode) insn);
            }
            else if (insn instanceof JumpInsnNode && seen.contains(((JumpInsnNode) insn).label)
                && insn.getOpcode() != Opcodes.JSR)
            {
                final MethodInsnNode call =
                    new MethodInsnNode(Opcodes.INVOKESTATIC, Emit.SUSPEND, "preempt", "()V", false);
                preemptionCalls.add(call);
                method.instructions.insertBefore(insn, call);
            }
        }
        if (config.forceSuspend())
        {
            method.instructions.insert(
                new MethodInsnNode(Opcodes.INVOKESTATIC, Emit.SUSPEND, "testYield", "()V", false));
        }
    }

    private void removeUnusedLeafCalls()
    {
        for (final AbstractInsnNode insn : method.instructions.toArray())
        {
            if (insn instanceof MethodInsnNode && Emit.SUSPEND.equals(((MethodInsnNode) insn).owner)
                && (preemptionCalls.contains(insn) || "testYield".equals(((MethodInsnNode) insn).name)))
            {
                method.instructions.remove(insn);
            }
        }
    }

    private boolean isCandidate(final MethodInsnNode call)
    {
        return preemptionCalls.contains(call) || Emit.SUSPEND.equals(call.owner) || suspendableCall.test(call);
    }

    private Set<MethodInsnNode> candidates(final TypeFrame[] frames)
    {
        final Set<MethodInsnNode> out = new LinkedHashSet<>();
        final AbstractInsnNode[] insns = method.instructions.toArray();
        for (int i = 0; i < insns.length; i++)
        {
            if (insns[i] instanceof MethodInsnNode && null != frames[i] && isCandidate((MethodInsnNode) insns[i]))
            {
                out.add((MethodInsnNode) insns[i]);
            }
        }
        return out;
    }

    /** The suspension points, in instruction order; candidates that must pin are reported. */
    private List<SuspensionPoint> points(final TypeFrame[] frames)
    {
        final List<SuspensionPoint> out = new ArrayList<>();
        final AbstractInsnNode[] insns = method.instructions.toArray();
        int line = -1;
        for (int i = 0; i < insns.length; i++)
        {
            if (insns[i] instanceof LineNumberNode)
            {
                line = ((LineNumberNode) insns[i]).line;
            }
            if (!(insns[i] instanceof MethodInsnNode) || null == frames[i])
            {
                continue;
            }
            final MethodInsnNode call = (MethodInsnNode) insns[i];
            if (!isCandidate(call))
            {
                continue;
            }
            final String reason = frames[i].monitors() > 0 ? "monitor held (synchronized block)"
                : hasUninitialised(frames[i]) ? "inside a constructor call's arguments" : null;
            if (null != reason)
            {
                if (preemptionCalls.contains(call) || "testYield".equals(call.name) && Emit.SUSPEND.equals(call.owner))
                {
                    method.instructions.remove(call);
                    preemptionCalls.remove(call);
                }
                else
                {
                    pinnedSites.add(describe() + " line " + line + " call to " + call.owner.replace('/', '.') + "."
                        + call.name + ": " + reason);
                }
                continue;
            }
            out.add(new SuspensionPoint(out.size(), call, frames[i], preemptionCalls.contains(call), line));
        }
        return out;
    }

    private static boolean hasUninitialised(final TypeFrame f)
    {
        for (int i = 0; i < f.getStackSize(); i++)
        {
            if (f.getStack(i) instanceof UninitValue)
            {
                return true;
            }
        }
        for (int i = 0; i < f.getLocals(); i++)
        {
            if (f.getLocal(i) instanceof UninitValue || BasicValue.RETURNADDRESS_VALUE.equals(f.getLocal(i)))
            {
                return true;
            }
        }
        return false;
    }

    private int register(final List<SuspensionPoint> points)
    {
        final int[] lines = new int[points.size()];
        for (final SuspensionPoint p : points)
        {
            lines[p.index()] = p.line();
        }
        return MethodRegistry.register(owner.name, method.name, method.desc, owner.sourceFile, lines);
    }

    /** Emits the code for one method's suspension points; see the class comment for the shape. */
    private final class Generator
    {
        private final List<SuspensionPoint> points;
        private final int methodId;
        private final Type returnType = Type.getReturnType(method.desc);
        private final int gLocal;
        private final int framesLocal;
        /** First temp local; temps are shared between call sites (they are dead between them). */
        private final int tempBase;
        private int maxTemp;
        private final LabelNode dispatch = new LabelNode();
        private final InsnList tail = new InsnList();
        private final List<LabelNode> restoreLabels = new ArrayList<>();

        Generator(final List<SuspensionPoint> points, final int methodId)
        {
            this.points = points;
            this.methodId = methodId;
            gLocal = method.maxLocals;
            framesLocal = gLocal + 1;
            tempBase = gLocal + 2;
            maxTemp = tempBase;
        }

        void apply()
        {
            for (final SuspensionPoint p : points)
            {
                site(p);
            }
            prologue();
            tail.add(dispatch);
            tail.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
            tail.add(Emit.getFrames());
            tail.add(new InsnNode(Opcodes.DUP));
            tail.add(new VarInsnNode(Opcodes.ASTORE, framesLocal));
            tail.add(Emit.iconst(methodId));
            tail.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Emit.FRAMES, "resume", "(I)I", false));
            tail.add(new TableSwitchInsnNode(0, restoreLabels.size() - 1, restoreLabels.get(0),
                restoreLabels.toArray(new LabelNode[0])));
            tail.add(restores);
            method.instructions.add(tail);
            method.maxLocals = maxTemp;
        }

        /** The entry: take the token, or resume, or run pinned. */
        private void prologue()
        {
            final InsnList l = new InsnList();
            final LabelNode body = new LabelNode();
            final LabelNode notCall = new LabelNode();
            l.add(Emit.currentG());
            l.add(new VarInsnNode(Opcodes.ASTORE, gLocal));
            l.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
            l.add(new JumpInsnNode(Opcodes.IFNULL, body));
            l.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
            l.add(Emit.getSig());
            l.add(Emit.iconst(Emit.SIG_CALL));
            l.add(new JumpInsnNode(Opcodes.IF_ICMPNE, notCall));
            l.add(Emit.setSig(gLocal, Emit.SIG_NONE));
            l.add(new JumpInsnNode(Opcodes.GOTO, body));
            l.add(notCall);
            l.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
            l.add(Emit.getSig());
            l.add(Emit.iconst(Emit.SIG_RESUME));
            l.add(new JumpInsnNode(Opcodes.IF_ICMPEQ, dispatch));
            l.add(new InsnNode(Opcodes.ACONST_NULL));
            l.add(new VarInsnNode(Opcodes.ASTORE, gLocal));
            l.add(body);
            method.instructions.insert(l);
        }

        private final InsnList restores = new InsnList();

        /** Rewrites call site {@code p}: the fast path in place, the slow path and restore out of line. */
        private void site(final SuspensionPoint p)
        {
            final MethodInsnNode call = p.call();
            final TypeFrame f = p.frame();
            final boolean isStatic = call.getOpcode() == Opcodes.INVOKESTATIC;
            final Type[] args = Type.getArgumentTypes(call.desc);
            final int nArgs = args.length + (isStatic ? 0 : 1);
            final int below = f.getStackSize() - nArgs;
            // temps: [receiver, args...] for virtual calls, then the operand stack below them
            int t = tempBase;
            final int[] argTemps = new int[nArgs];
            final Type[] argTypes = new Type[nArgs];
            for (int a = 0; a < nArgs; a++)
            {
                argTypes[a] = isStatic ? args[a] : a == 0 ? f.getStack(below).getType() : args[a - 1];
                if (!isStatic)
                {
                    argTemps[a] = t;
                    t += argTypes[a].getSize();
                }
            }
            final int[] stackTemps = new int[below];
            final Type[] stackTypes = new Type[below];
            for (int s = 0; s < below; s++)
            {
                stackTypes[s] = f.getStack(s).getType();
                stackTemps[s] = t;
                t += stackTypes[s].getSize();
            }
            maxTemp = Math.max(maxTemp, t);

            final LabelNode callLabel = new LabelNode();
            final LabelNode after = new LabelNode();
            final LabelNode slow = new LabelNode();
            final LabelNode restore = new LabelNode();
            restoreLabels.add(restore);

            // fast path, before the call
            final InsnList pre = new InsnList();
            if (p.preemption())
            {
                pre.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
                pre.add(new JumpInsnNode(Opcodes.IFNULL, after));
                pre.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
                pre.add(Emit.getPreempt());
                pre.add(new JumpInsnNode(Opcodes.IFEQ, after));
            }
            if (!isStatic)
            {
                for (int a = nArgs - 1; a >= 0; a--)
                {
                    pre.add(Emit.store(argTypes[a], argTemps[a]));
                }
                for (int a = 0; a < nArgs; a++)
                {
                    pre.add(Emit.load(argTypes[a], argTemps[a]));
                }
            }
            final LabelNode armed = new LabelNode();
            pre.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
            pre.add(new JumpInsnNode(Opcodes.IFNULL, armed));
            pre.add(Emit.setSig(gLocal, Emit.SIG_CALL));
            pre.add(armed);
            pre.add(callLabel);
            method.instructions.insertBefore(call, pre);

            // fast path, after the call
            final InsnList post = new InsnList();
            post.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
            post.add(new JumpInsnNode(Opcodes.IFNULL, after));
            post.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
            post.add(Emit.getSig());
            post.add(new JumpInsnNode(Opcodes.IFNE, slow));
            post.add(after);
            method.instructions.insert(call, post);

            tail.add(slowPath(p, slow, after, argTemps, argTypes, isStatic, stackTemps, stackTypes));
            restores.add(restoreBlock(p, restore, callLabel, argTemps, argTypes, isStatic, stackTypes));
        }

        /** The values a frame saves at site p: locals (index, type) with a known type. */
        private List<int[]> savedLocals(final TypeFrame f)
        {
            final List<int[]> out = new ArrayList<>();
            for (int i = 0; i < f.getLocals(); i++)
            {
                final BasicValue v = f.getLocal(i);
                if (null != v.getType())
                {
                    out.add(new int[] {i});
                }
            }
            return out;
        }

        private boolean isNull(final Type type)
        {
            return "Lnull;".equals(type.getDescriptor());
        }

        /**
         * Counts and assigns slots: prim and ref indexes for locals, stack, receiver and args, in
         * that order. Returns {nPrims, nRefs}.
         */
        private int[] slotCounts(final TypeFrame f, final Type[] stackTypes, final Type[] argTypes, final boolean isStatic)
        {
            int prims = 0;
            int refs = 0;
            final List<Type> all = new ArrayList<>();
            for (final int[] l : savedLocals(f))
            {
                all.add(f.getLocal(l[0]).getType());
            }
            for (final Type s : stackTypes)
            {
                all.add(s);
            }
            if (!isStatic)
            {
                for (final Type a : argTypes)
                {
                    all.add(a);
                }
            }
            for (final Type type : all)
            {
                if (isNull(type))
                {
                    continue;
                }
                if (Emit.Slot.of(type).isRef())
                {
                    refs++;
                }
                else
                {
                    prims++;
                }
            }
            return new int[] {prims, refs};
        }

        private InsnList slowPath(final SuspensionPoint p, final LabelNode slow, final LabelNode after,
            final int[] argTemps, final Type[] argTypes, final boolean isStatic, final int[] stackTemps,
            final Type[] stackTypes)
        {
            final TypeFrame f = p.frame();
            final InsnList l = new InsnList();
            final LabelNode unwind = new LabelNode();
            l.add(slow);
            l.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
            l.add(Emit.getSig());
            l.add(Emit.iconst(Emit.SIG_UNWIND));
            l.add(new JumpInsnNode(Opcodes.IF_ICMPEQ, unwind));
            l.add(Emit.setSig(gLocal, Emit.SIG_NONE)); // the callee was not rewritten: drop the stale token
            l.add(new JumpInsnNode(Opcodes.GOTO, after));
            l.add(unwind);
            l.add(Emit.pop(Type.getReturnType(p.call().desc)));
            for (int s = stackTypes.length - 1; s >= 0; s--)
            {
                if (isNull(stackTypes[s]))
                {
                    l.add(new InsnNode(Opcodes.POP));
                }
                else
                {
                    l.add(Emit.store(stackTypes[s], stackTemps[s]));
                }
            }
            final int[] counts = slotCounts(f, stackTypes, argTypes, isStatic);
            l.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
            l.add(Emit.getFrames());
            l.add(new InsnNode(Opcodes.DUP));
            l.add(new VarInsnNode(Opcodes.ASTORE, framesLocal));
            l.add(Emit.iconst(methodId));
            l.add(Emit.iconst(p.index()));
            l.add(Emit.iconst(counts[0]));
            l.add(Emit.iconst(counts[1]));
            l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Emit.FRAMES, "push", "(IIII)V", false));
            final int[] next = {0, 0};
            for (final int[] local : savedLocals(f))
            {
                saveValue(l, f.getLocal(local[0]).getType(), local[0], next);
            }
            for (int s = 0; s < stackTypes.length; s++)
            {
                saveValue(l, stackTypes[s], stackTemps[s], next);
            }
            if (!isStatic)
            {
                for (int a = 0; a < argTypes.length; a++)
                {
                    saveValue(l, argTypes[a], argTemps[a], next);
                }
            }
            l.add(Emit.returnZero(returnType));
            return l;
        }

        private void saveValue(final InsnList l, final Type type, final int local, final int[] next)
        {
            if (isNull(type))
            {
                return;
            }
            final boolean ref = Emit.Slot.of(type).isRef();
            l.add(Emit.put(framesLocal, ref ? next[1]++ : next[0]++, type, local));
        }

        private InsnList restoreBlock(final SuspensionPoint p, final LabelNode restore, final LabelNode callLabel,
            final int[] argTemps, final Type[] argTypes, final boolean isStatic, final Type[] stackTypes)
        {
            final TypeFrame f = p.frame();
            final InsnList l = new InsnList();
            l.add(restore);
            final int[] next = {0, 0};
            for (final int[] local : savedLocals(f))
            {
                final Type type = f.getLocal(local[0]).getType();
                l.add(restoreValue(type, next));
                l.add(Emit.store(type, local[0]));
            }
            // the stack values are read first (their slots come before the arguments')...
            final InsnList stack = new InsnList();
            for (final Type s : stackTypes)
            {
                stack.add(restoreValue(s, next));
            }
            l.add(stack);
            // ...then the receiver and arguments; a static call needs no receiver, so dummies will do
            if (!isStatic)
            {
                for (int a = 0; a < argTypes.length; a++)
                {
                    l.add(restoreValue(argTypes[a], next));
                    l.add(Emit.store(argTypes[a], argTemps[a]));
                }
            }
            l.add(new VarInsnNode(Opcodes.ALOAD, framesLocal));
            l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Emit.FRAMES, "pop", "()V", false));
            if (isStatic)
            {
                for (final Type a : argTypes)
                {
                    l.add(Emit.zero(a));
                }
            }
            else
            {
                for (int a = 0; a < argTypes.length; a++)
                {
                    l.add(Emit.load(argTypes[a], argTemps[a]));
                }
            }
            l.add(new JumpInsnNode(Opcodes.GOTO, callLabel));
            return l;
        }

        private InsnList restoreValue(final Type type, final int[] next)
        {
            if (isNull(type))
            {
                final InsnList l = new InsnList();
                l.add(new InsnNode(Opcodes.ACONST_NULL));
                return l;
            }
            final boolean ref = Emit.Slot.of(type).isRef();
            return Emit.get(framesLocal, ref ? next[1]++ : next[0]++, type);
        }
    }
}
