package io.goroutines.agent.transform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;

/**
 * The original code of a rewritten method, kept inside it as the path of a frame that runs as plain
 * code: on a plain thread, or entered from code that was not rewritten (then a park below it pins).
 *
 * <h2>Why a copy</h2>
 * Without it, such a frame would run the rewritten body with its carrier local set to null, so that
 * local would be one of two values (the carrier or null) wherever the two entries meet. The JIT then
 * cannot see a caller's carrier and its inlined callee's ({@code Thread.currentThread()}) as the same
 * object, and the arm, the callee's check and the check after the call stay three memory accesses
 * and two branches per call instead of folding away. The JIT drops the plain path by itself only
 * where the entry's branch profile is long enough, which a method entered rarely but looping long
 * (a goroutine's main loop) never has. With the copy, the rewritten body runs only on a carrier,
 * armed or resuming: its carrier local has one value. The copy costs the method its original size
 * again in bytecode, which the JIT never compiles while only goroutines call the method.
 *
 * <p>Invariants: the copy is taken before anything is inserted into the method (preemption points,
 * relocated {@code new}), so it is exactly the original code, with its own labels, handlers, line
 * numbers and local variable entries; it is appended after every generated block and reached only
 * from the entry.
 */
final class PlainCopy
{
    private PlainCopy()
    {
    }

    /**
     * Appends {@code original} (a {@link #copy} of the method's code made before the rewrite) to
     * {@code m}, after everything else.
     *
     * @param m        the rewritten method
     * @param original its code as it was, with labels of its own
     * @param entry    the label the rewritten entry jumps to for a plain frame; placed at the copy's start
     */
    static void append(final MethodNode m, final MethodNode original, final LabelNode entry)
    {
        m.instructions.add(entry);
        m.instructions.add(original.instructions);
        m.tryCatchBlocks.addAll(original.tryCatchBlocks);
        if (null != original.localVariables)
        {
            if (null == m.localVariables)
            {
                m.localVariables = new ArrayList<>();
            }
            m.localVariables.addAll(original.localVariables);
        }
        m.maxStack = Math.max(m.maxStack, original.maxStack);
    }

    /** A deep copy of the code of {@code m}, with labels of its own. */
    static MethodNode copy(final MethodNode m)
    {
        final MethodNode c = new MethodNode(Opcodes.ASM9, m.access, m.name, m.desc, m.signature,
            null == m.exceptions ? null : m.exceptions.toArray(new String[0]));
        final Map<LabelNode, LabelNode> labels = new HashMap<>();
        for (final AbstractInsnNode insn : m.instructions)
        {
            if (insn instanceof LabelNode)
            {
                labels.put((LabelNode) insn, new LabelNode());
            }
        }
        for (final AbstractInsnNode insn : m.instructions)
        {
            c.instructions.add(insn.clone(labels));
        }
        c.tryCatchBlocks = new ArrayList<>();
        if (null != m.tryCatchBlocks)
        {
            for (final TryCatchBlockNode t : m.tryCatchBlocks)
            {
                final TryCatchBlockNode n = new TryCatchBlockNode(labels.get(t.start), labels.get(t.end),
                    labels.get(t.handler), t.type);
                n.visibleTypeAnnotations = t.visibleTypeAnnotations;
                n.invisibleTypeAnnotations = t.invisibleTypeAnnotations;
                c.tryCatchBlocks.add(n);
            }
        }
        if (null != m.localVariables)
        {
            c.localVariables = new ArrayList<>();
            for (final LocalVariableNode v : m.localVariables)
            {
                c.localVariables.add(new LocalVariableNode(v.name, v.desc, v.signature, labels.get(v.start),
                    labels.get(v.end), v.index));
            }
        }
        c.visibleTypeAnnotations = m.visibleTypeAnnotations;
        c.invisibleTypeAnnotations = m.invisibleTypeAnnotations;
        c.maxLocals = m.maxLocals;
        c.maxStack = m.maxStack;
        return c;
    }
}
