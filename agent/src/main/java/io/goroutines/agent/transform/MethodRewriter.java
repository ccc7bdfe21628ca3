package io.goroutines.agent.transform;

import io.goroutines.agent.analysis.Liveness;
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
 * entry:    c = Carrier.here()                                  // the thread, if it is a carrier
 *           if c != null:
 *             if c.sig == CALL:   c.sig = NONE                 // called by rewritten code
 *             elif c.sig == RESUME: goto dispatch               // being rewound
 *             else:               c = null                     // entered from plain code: pin
 * body:     ...original code, where each suspendable call site k becomes
 *           [spill receiver and arguments to temps; reload]    // virtual calls only
 *           G.arm(c)                                            // c.sig = CALL: the token
 *   call_k: INVOKE ...
 *           if G.signalled(c): goto slow_k                      // one field read and a branch
 *   after_k:
 *           ...
 * slow_k:   if !G.unwinding(c): goto after_k                    // callee was not rewritten
 *           pop the dummy result; site = k; goto save_L         // L: the layout of site k
 * save_L:   spill the operand stack to temps; g = c.current; g.push(methodId, site, ...);
 *           save locals, stack, receiver and arguments; return a dummy value
 * dispatch: g = c.current; site = g.resume(methodId); tableswitch site -> restore_L  // g: its frame store
 * restore_L: restore locals, receiver and arguments into their temps, push the operand stack;
 *           g.pop(); switch site -> tail_k
 * tail_k:   load receiver and arguments (dummies for a static call); goto call_k
 * entry_h:  G.clearCall(c); goto h                             // handler h is entered here: drops a
 *                                                              // token armed by a call that threw
 * </pre>
 * The signal word is the carrier's, not the goroutine's: the fast path never loads the goroutine, and
 * in an inlined chain of rewritten calls the JIT sees every frame's {@code c} as the same
 * {@code Thread.currentThread()}, so a caller's arm, its callee's check and the caller's check after
 * the call fold into one store ({@code Carrier#sig} says more).
 * A preemption point at a loop back-edge is analysed as a call site of {@code Suspend.preempt()}
 * and emitted without the call: {@code if G.preemptRequested(c): G.preempted(c); site = k; goto
 * save_L}, resumed by {@code tail_k: c.sig = NONE; goto} the back-edge. A loop with a call on any
 * path is neither unrolled nor vectorised by the JIT. The code is emitted by {@link StateMachineGenerator}.
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
    /** What to do about a suspendable call in a synchronized block. */
    private static final String MONITOR_BLOCK_ADVICE = "move the blocking call out of the synchronized block"
        + " (or guard the data with io.goroutines.sync.Mutex, which parks instead of blocking)";
    /** What to do about a suspendable call in a synchronized method. */
    private static final String MONITOR_METHOD_ADVICE = "move the blocking call out of the synchronized method"
        + " (or guard the data with io.goroutines.sync.Mutex, which parks instead of blocking)";
    /** What to do about a suspendable call among a constructor call's arguments that could not be moved. */
    private static final String CONSTRUCTOR_ARGUMENTS_ADVICE =
        "store the blocking call's result in a local variable before the new expression";

    private final ClassNode owner;
    private final MethodNode method;
    private final TypeHierarchy hierarchy;
    private final Predicate<MethodInsnNode> suspendableCall;
    private final TransformConfig config;
    /** The tokens this method takes on entry: its own, or its functional interface method's. */
    private final int[] tokens;
    /** Calls that are inserted preemption points. */
    private final Set<MethodInsnNode> preemptionCalls = new HashSet<>();
    /** Calls that would suspend but must pin (monitor held, uninitialised object live). */
    private final List<String> pinnedSites = new ArrayList<>();
    /** The same calls, for a {@link TransformListener}; in a synchronized method, each suspendable call. */
    private final List<PinnedCall> pinnedCalls = new ArrayList<>();

    /** Whether to keep the original code as the path of a plain frame ({@link PlainCopy}). */
    private final boolean plainCopy;

    /**
     * @param plainCopy whether a frame entered from plain code runs a copy of the original code
     *                  ({@link PlainCopy}); false runs it through the rewritten body with a null
     *                  carrier (for a method that would exceed 64 KB with the copy)
     */
    MethodRewriter(final ClassNode owner, final MethodNode method, final TypeHierarchy hierarchy,
        final Predicate<MethodInsnNode> suspendableCall, final TransformConfig config, final int[] tokens,
        final boolean plainCopy)
    {
        this.plainCopy = plainCopy;
        this.tokens = tokens;
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

    /** The call sites that stay plain although their target may suspend, each with reason and advice. */
    List<PinnedCall> pinnedCalls()
    {
        return pinnedCalls;
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
            final boolean monitor = (method.access & Opcodes.ACC_SYNCHRONIZED) != 0;
            for (final CallSites.Site s : CallSites.of(owner, method, suspendableCall))
            {
                pinnedCalls.add(new PinnedCall(s.at(), CallSites.callee(s.call()),
                    monitor ? "monitor held (synchronized method)" : reason,
                    monitor ? MONITOR_METHOD_ADVICE : "compile the class for Java 6 or later"));
            }
            return 0;
        }
        final MethodNode original = plainCopy ? PlainCopy.copy(method) : null;
        insertLeafCalls();
        TypeFrame[] frames = MethodAnalyzer.analyze(hierarchy, owner, method, false);
        final Set<MethodInsnNode> candidates = candidates(frames);
        if (NewRelocator.relocate(method, frames, candidates))
        {
            frames = MethodAnalyzer.analyze(hierarchy, owner, method, false);
        }
        final List<SuspensionPoint> points = points(frames, Liveness.of(method));
        if (points.isEmpty())
        {
            removeUnusedLeafCalls();
            consumeOnly(pinnedSites.isEmpty() ? "no suspendable call in it"
                : "its suspendable calls are all under a monitor or inside constructor arguments");
            return 0;
        }
        final int methodId = register(points);
        final LabelNode plainEntry = null == original ? null : new LabelNode();
        new StateMachineGenerator(method, points, methodId, tokens, this::castNeeded, plainEntry).apply();
        if (null != original)
        {
            PlainCopy.append(method, original, plainEntry);
        }
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
        takeTokenOnly(owner, method, reason, tokens[0]);
    }

    /**
     * Makes {@code m} take the caller's token at entry and nothing more (a park below it pins); it
     * is registered, with no call site, so that diagnostics know it as a rewritten method.
     */
    static void takeTokenOnly(final ClassNode owner, final MethodNode m, final String reason, final int token)
    {
        m.instructions.insert(Emit.consumeToken(token));
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
    private List<SuspensionPoint> points(final TypeFrame[] frames, final Liveness liveness)
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
            final String inaccessible = inaccessibleSavedType(call, frames[i]);
            final boolean monitor = frames[i].monitors() > 0;
            final boolean uninitialised = !monitor && hasUninitialised(frames[i]);
            final String reason = monitor ? "monitor held (synchronized block)"
                : uninitialised ? "inside a constructor call's arguments"
                : null != inaccessible ? "a live value of type " + inaccessible + ", which this class may not name"
                : null;
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
                    pinnedCalls.add(new PinnedCall(CallSites.site(owner, method, line), CallSites.callee(call), reason,
                        monitor ? MONITOR_BLOCK_ADVICE : uninitialised ? CONSTRUCTOR_ARGUMENTS_ADVICE
                            : "make " + inaccessible + " public, or keep no value of it live across the call"));
                }
                continue;
            }
            out.add(new SuspensionPoint(out.size(), call, frames[i], preemptionCalls.contains(call), line,
                liveness.liveAfter(i)));
        }
        return out;
    }

    /**
     * A type among the values a suspension at {@code call} would save (locals, operand stack,
     * receiver) that this class may not name in a cast (a package-private class of another package,
     * known here only through a descriptor), or null. Restoring it would fail with IllegalAccessError.
     */
    private String inaccessibleSavedType(final MethodInsnNode call, final TypeFrame f)
    {
        final int args = Type.getArgumentTypes(call.desc).length;
        final int values = f.getStackSize() - (call.getOpcode() == Opcodes.INVOKESTATIC ? args : 0);
        for (int i = 0; i < f.getLocals() + values; i++)
        {
            final BasicValue v = i < f.getLocals() ? f.getLocal(i) : f.getStack(i - f.getLocals());
            final Type t = v.getType();
            if (null != t && (t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY)
                && !hierarchy.isAccessibleFrom(t, owner.name))
            {
                return t.getClassName();
            }
        }
        return null;
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

    /**
     * Whether a restored value of {@code type} needs a cast: not for Object, and not for an interface
     * (the verifier treats interface types as Object, and the original code may legally hold any
     * object in an interface-typed variable, which a cast would reject).
     */
    private boolean castNeeded(final Type type)
    {
        if (type.getSort() == Type.ARRAY)
        {
            return true;
        }
        final String name = type.getInternalName();
        return !"java/lang/Object".equals(name) && !hierarchy.isInterface(name);
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
}
