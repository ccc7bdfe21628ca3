package io.goroutines.agent.analysis;

import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.analysis.BasicValue;

/** The result of a {@code NEW} whose constructor has not run yet; equal only to itself's copies. */
public final class UninitValue extends BasicValue
{
    /** The NEW instruction that created it. */
    public final AbstractInsnNode newInsn;

    public UninitValue(final Type type, final AbstractInsnNode newInsn)
    {
        super(type);
        this.newInsn = newInsn;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof UninitValue && ((UninitValue) o).newInsn == newInsn;
    }

    @Override
    public int hashCode()
    {
        return System.identityHashCode(newInsn);
    }

    @Override
    public String toString()
    {
        return "uninit(" + getType().getInternalName() + ")";
    }
}
