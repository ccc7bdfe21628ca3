package io.goroutines.agent.analysis;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Which locals are live after each instruction: read on some path before being written again.
 * A frame saves only these when it parks, so a dead local keeps nothing reachable while the
 * goroutine waits (Quasar #282-style leaks) and the frame store stays small.
 *
 * <p>Classic backward data flow: {@code in(i) = use(i) + (out(i) - def(i))}, {@code out(i)} the union
 * of {@code in} over the successors, exception handlers included (an instruction inside a try
 * range may continue at its handler, which may read any local). Iterated to a fixed point.
 */
public final class Liveness
{
    private final BitSet[] liveOut;

    private Liveness(final BitSet[] liveOut)
    {
        this.liveOut = liveOut;
    }

    /** Locals live after instruction {@code index} (its own definitions excluded, its reads not). */
    public BitSet liveAfter(final int index)
    {
        return liveOut[index];
    }

    /** Computes the liveness of every local of {@code method}. */
    public static Liveness of(final MethodNode method)
    {
        final InsnList insns = method.instructions;
        final int n = insns.size();
        final AbstractInsnNode[] array = insns.toArray();
        final List<List<Integer>> successors = successors(method, array);
        final BitSet[] in = new BitSet[n];
        final BitSet[] out = new BitSet[n];
        for (int i = 0; i < n; i++)
        {
            in[i] = new BitSet();
            out[i] = new BitSet();
        }
        boolean changed = true;
        while (changed)
        {
            changed = false;
            for (int i = n - 1; i >= 0; i--)
            {
                final BitSet o = new BitSet();
                for (final int s : successors.get(i))
                {
                    o.or(in[s]);
                }
                final BitSet newIn = (BitSet) o.clone();
                applyTransfer(array[i], newIn);
                if (!o.equals(out[i]) || !newIn.equals(in[i]))
                {
                    out[i] = o;
                    in[i] = newIn;
                    changed = true;
                }
            }
        }
        return new Liveness(out);
    }

    /** {@code live} is live-out on entry, live-in on return: kill the definition, add the use. */
    private static void applyTransfer(final AbstractInsnNode insn, final BitSet live)
    {
        if (insn instanceof VarInsnNode)
        {
            final int var = ((VarInsnNode) insn).var;
            final int op = insn.getOpcode();
            if (op >= Opcodes.ISTORE && op <= Opcodes.ASTORE)
            {
                live.clear(var);
            }
            else
            {
                live.set(var); // loads and RET
            }
        }
        else if (insn instanceof IincInsnNode)
        {
            live.set(((IincInsnNode) insn).var);
        }
    }

    private static List<List<Integer>> successors(final MethodNode method, final AbstractInsnNode[] array)
    {
        final InsnList insns = method.instructions;
        final List<List<Integer>> out = new ArrayList<>(array.length);
        for (int i = 0; i < array.length; i++)
        {
            final List<Integer> s = new ArrayList<>(2);
            final AbstractInsnNode insn = array[i];
            final int op = insn.getOpcode();
            if (insn instanceof JumpInsnNode)
            {
                s.add(insns.indexOf(((JumpInsnNode) insn).label));
            }
            else if (insn instanceof TableSwitchInsnNode)
            {
                s.add(insns.indexOf(((TableSwitchInsnNode) insn).dflt));
                for (final LabelNode l : ((TableSwitchInsnNode) insn).labels)
                {
                    s.add(insns.indexOf(l));
                }
            }
            else if (insn instanceof LookupSwitchInsnNode)
            {
                s.add(insns.indexOf(((LookupSwitchInsnNode) insn).dflt));
                for (final LabelNode l : ((LookupSwitchInsnNode) insn).labels)
                {
                    s.add(insns.indexOf(l));
                }
            }
            final boolean fallsThrough = !(op == Opcodes.GOTO || op == Opcodes.ATHROW || op == Opcodes.RET
                || (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || insn instanceof TableSwitchInsnNode
                || insn instanceof LookupSwitchInsnNode || op == Opcodes.JSR);
            if (fallsThrough && i + 1 < array.length)
            {
                s.add(i + 1);
            }
            out.add(s);
        }
        if (null != method.tryCatchBlocks)
        {
            for (final TryCatchBlockNode t : method.tryCatchBlocks)
            {
                final int handler = insns.indexOf(t.handler);
                final int end = insns.indexOf(t.end);
                for (int i = insns.indexOf(t.start); i < end; i++)
                {
                    out.get(i).add(handler);
                }
            }
        }
        return out;
    }
}
