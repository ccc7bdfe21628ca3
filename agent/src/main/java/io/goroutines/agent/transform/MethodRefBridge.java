package io.goroutines.agent.transform;

import io.goroutines.agent.analysis.TypeHierarchy;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * A synthetic static method that stands between a {@code @Goroutine} functional interface and a
 * method reference whose target is not suspendable ({@code Task t = runnable::run}). The bridge is
 * rewritten like any suspendable method, so it takes the caller's token on entry and calls the
 * target as plain code: a park below the target then pins instead of unwinding through frames that
 * could not be resumed.
 */
final class MethodRefBridge
{
    /** Start of a bridge's name; a number follows. */
    static final String NAME_PREFIX = "lambda$goroutines$ref$";

    private MethodRefBridge()
    {
    }

    /** Whether the method a handle points to is itself suspendable (no bridge needed). */
    static boolean targetIsSuspendable(final TypeHierarchy hierarchy, final Handle impl)
    {
        return impl.getTag() != Opcodes.H_NEWINVOKESPECIAL
            && hierarchy.isSuspendable(impl.getOwner(), impl.getName(), impl.getDesc());
    }

    /** A serializable lambda records its implementation method; it must not be redirected. */
    static boolean isSerializable(final InvokeDynamicInsnNode indy)
    {
        if (!"altMetafactory".equals(indy.bsm.getName()) || indy.bsmArgs.length < 4
            || !(indy.bsmArgs[3] instanceof Integer))
        {
            return false;
        }
        return (((Integer) indy.bsmArgs[3]) & 1) != 0; // LambdaMetafactory.FLAG_SERIALIZABLE
    }

    /**
     * Builds the bridge for the lambda {@code indy} implemented by {@code impl}; the caller adds it to
     * the class and redirects the lambda. LambdaMetafactory wants captured arguments of exactly the
     * bridge's parameter types, so those parameters take the types the call site captures.
     */
    static MethodNode create(final org.objectweb.asm.tree.ClassNode cn, final InvokeDynamicInsnNode indy,
        final Handle impl, final int n)
    {
        final Type target = Type.getMethodType(impl.getDesc());
        final Type owner = Type.getObjectType(impl.getOwner());
        final int tag = impl.getTag();
        final boolean hasReceiver = tag == Opcodes.H_INVOKEVIRTUAL || tag == Opcodes.H_INVOKEINTERFACE
            || tag == Opcodes.H_INVOKESPECIAL;
        final Type[] params;
        if (hasReceiver)
        {
            params = new Type[target.getArgumentTypes().length + 1];
            params[0] = owner;
            System.arraycopy(target.getArgumentTypes(), 0, params, 1, params.length - 1);
        }
        else
        {
            params = target.getArgumentTypes();
        }
        final Type[] captured = Type.getArgumentTypes(indy.desc);
        for (int i = 0; i < captured.length && i < params.length; i++)
        {
            params[i] = captured[i];
        }
        final Type ret = tag == Opcodes.H_NEWINVOKESPECIAL ? owner : target.getReturnType();
        final String desc = Type.getMethodDescriptor(ret, params);
        final boolean iface = (cn.access & Opcodes.ACC_INTERFACE) != 0;
        final int access = Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC
            | (iface && (cn.version & 0xFFFF) < Opcodes.V9 ? Opcodes.ACC_PUBLIC : Opcodes.ACC_PRIVATE);
        final MethodNode m = new MethodNode(Opcodes.ASM9, access, NAME_PREFIX + n, desc, null, null);
        if (tag == Opcodes.H_NEWINVOKESPECIAL)
        {
            m.instructions.add(new TypeInsnNode(Opcodes.NEW, impl.getOwner()));
            m.instructions.add(new InsnNode(Opcodes.DUP));
        }
        int local = 0;
        for (final Type p : params)
        {
            m.instructions.add(Emit.load(p, local));
            local += p.getSize();
        }
        final int opcode;
        switch (tag)
        {
            case Opcodes.H_INVOKESTATIC:
                opcode = Opcodes.INVOKESTATIC;
                break;
            case Opcodes.H_INVOKEINTERFACE:
                opcode = Opcodes.INVOKEINTERFACE;
                break;
            case Opcodes.H_INVOKESPECIAL:
            case Opcodes.H_NEWINVOKESPECIAL:
                opcode = Opcodes.INVOKESPECIAL;
                break;
            default:
                opcode = Opcodes.INVOKEVIRTUAL;
                break;
        }
        m.instructions.add(new MethodInsnNode(opcode, impl.getOwner(), impl.getName(), impl.getDesc(),
            impl.isInterface()));
        m.instructions.add(new InsnNode(ret.getOpcode(Opcodes.IRETURN)));
        m.maxLocals = local;
        m.maxStack = local + 2 + Math.max(0, ret.getSize());
        return m;
    }
}
