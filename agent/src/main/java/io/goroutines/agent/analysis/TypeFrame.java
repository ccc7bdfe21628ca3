package io.goroutines.agent.analysis;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.Interpreter;

/**
 * An analysis frame that also knows (1) how many monitors are held at this point (a suspension
 * inside {@code synchronized} must pin, never release the lock) and (2) that a constructor call
 * initialises every copy of its receiver.
 */
public final class TypeFrame extends Frame<BasicValue>
{
    /** Monitors entered and not yet exited on the path(s) to this point (max over paths). */
    int monitors;

    public TypeFrame(final int numLocals, final int maxStack)
    {
        super(numLocals, maxStack);
    }

    public TypeFrame(final Frame<? extends BasicValue> frame)
    {
        super(frame);
        monitors = ((TypeFrame) frame).monitors;
    }

    /** Monitors held here. */
    public int monitors()
    {
        return monitors;
    }

    @Override
    public Frame<BasicValue> init(final Frame<? extends BasicValue> frame)
    {
        super.init(frame);
        monitors = ((TypeFrame) frame).monitors;
        return this;
    }

    @Override
    public boolean merge(final Frame<? extends BasicValue> frame, final Interpreter<BasicValue> interpreter)
        throws AnalyzerException
    {
        boolean changed = super.merge(frame, interpreter);
        final int other = ((TypeFrame) frame).monitors;
        if (other > monitors)
        {
            monitors = other;
            changed = true;
        }
        return changed;
    }

    @Override
    public void execute(final AbstractInsnNode insn, final Interpreter<BasicValue> interpreter)
        throws AnalyzerException
    {
        final int opcode = insn.getOpcode();
        BasicValue receiver = null;
        if (opcode == Opcodes.INVOKESPECIAL && "<init>".equals(((MethodInsnNode) insn).name))
        {
            final int args = Type.getArgumentTypes(((MethodInsnNode) insn).desc).length;
            receiver = getStack(getStackSize() - 1 - args);
        }
        super.execute(insn, interpreter);
        if (opcode == Opcodes.MONITORENTER)
        {
            monitors++;
        }
        else if (opcode == Opcodes.MONITOREXIT && monitors > 0)
        {
            monitors--;
        }
        if (receiver instanceof UninitValue)
        {
            final BasicValue initialised = new BasicValue(receiver.getType());
            for (int i = 0; i < getLocals(); i++)
            {
                if (receiver.equals(getLocal(i)))
                {
                    setLocal(i, initialised);
                }
            }
            for (int i = 0; i < getStackSize(); i++)
            {
                if (receiver.equals(getStack(i)))
                {
                    setStack(i, initialised);
                }
            }
        }
    }
}
